"""Injected faults: 5xx, slow answers, dropped connections, 403s (issue 5, part 4)."""

import pytest
import telegram
from telegram.error import Forbidden, NetworkError, TimedOut
from telegram.request import HTTPXRequest

from bot.fakebot.models import Fault, FaultKind
from bot.fakebot.testing import TEST_TOKEN


async def test_server_error_reaches_ptb_as_network_error(bot, user, loose_telegram):
    loose_telegram.add_fault(Fault(FaultKind.SERVER_ERROR, method="sendMessage", status=502))
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(user.id, "digest")


async def test_fault_is_used_up_after_its_times(bot, user, loose_telegram):
    loose_telegram.add_fault(Fault(FaultKind.SERVER_ERROR, method="sendMessage"))
    with pytest.raises(NetworkError):
        await bot.send_message(user.id, "digest")
    await bot.send_message(user.id, "digest")


async def test_dropped_connection_is_a_network_error(bot, user, loose_telegram):
    loose_telegram.add_fault(Fault(FaultKind.DROP, method="sendMessage"))
    with pytest.raises(NetworkError):
        await bot.send_message(user.id, "digest")


async def test_slow_answer_times_out_the_client(loose_telegram, user):
    loose_telegram.add_fault(Fault(FaultKind.SLOW, method="sendMessage", delay_s=2))
    request = HTTPXRequest(read_timeout=0.2)
    async with telegram.Bot(
        TEST_TOKEN, base_url=loose_telegram.bot_api_url, request=request
    ) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(user.id, "digest")


async def test_blocked_fault_hits_only_the_chosen_chat(bot, user, loose_telegram):
    other = loose_telegram.create_user("Bek")
    loose_telegram.send(other, "/start")
    loose_telegram.add_fault(Fault(FaultKind.BLOCKED, chat_id=user.id, times=None))
    await bot.send_message(other.id, "digest")
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(user.id, "digest")


async def test_deactivated_fault_gives_user_is_deactivated(bot, user, loose_telegram):
    loose_telegram.add_fault(Fault(FaultKind.DEACTIVATED, chat_id=user.id))
    with pytest.raises(Forbidden, match="user is deactivated"):
        await bot.send_message(user.id, "digest")


async def test_cleared_faults_no_longer_fire(bot, user, loose_telegram):
    loose_telegram.add_fault(Fault(FaultKind.SERVER_ERROR, times=None))
    loose_telegram.clear_faults()
    await bot.send_message(user.id, "digest")
