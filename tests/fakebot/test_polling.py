"""getUpdates long polling, offsets, limits and the one-poller rule (issue 5)."""

import asyncio

import pytest
import telegram
from telegram.error import Conflict

from bot.fakebot.testing import TEST_TOKEN


async def test_updates_wait_for_a_user_message(bot, loose_telegram):
    ann = loose_telegram.create_user("Ann", "ru")
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)  # let the poll reach the server
    loose_telegram.send(ann, "hello")
    updates = await asyncio.wait_for(poll, 5)
    assert [u.message.text for u in updates] == ["hello"]


async def test_poll_without_updates_returns_empty_after_its_timeout(bot):
    assert await bot.get_updates(timeout=1) == ()


async def test_commands_get_a_bot_command_entity(bot, loose_telegram):
    ann = loose_telegram.create_user("Ann", "kk")
    loose_telegram.send(ann, "/topics water")
    (update,) = await bot.get_updates()
    assert update.message.parse_entities(["bot_command"]) == {update.message.entities[0]: "/topics"}


async def test_user_language_reaches_the_bot(bot, loose_telegram):
    loose_telegram.send(loose_telegram.create_user("Ola", "pl"), "cześć")
    (update,) = await bot.get_updates()
    assert update.effective_user.language_code == "pl"


async def test_offset_confirms_earlier_updates(bot, loose_telegram):
    ann = loose_telegram.create_user()
    loose_telegram.send(ann, "one")
    loose_telegram.send(ann, "two")
    first = (await bot.get_updates())[0]
    assert [u.message.text for u in await bot.get_updates(offset=first.update_id + 1)] == ["two"]


async def test_limit_caps_the_batch(bot, loose_telegram):
    ann = loose_telegram.create_user()
    for text in ("one", "two", "three"):
        loose_telegram.send(ann, text)
    assert len(await bot.get_updates(limit=2)) == 2


async def test_allowed_updates_filter_later_updates(bot, loose_telegram):
    ann = loose_telegram.create_user()
    await bot.get_updates(allowed_updates=["callback_query"])
    loose_telegram.send(ann, "ignored")
    assert await bot.get_updates() == ()


async def test_second_concurrent_poll_gets_409_conflict(bot, loose_telegram):
    first = asyncio.create_task(bot.get_updates(timeout=1))
    await asyncio.sleep(0.2)
    async with telegram.Bot(TEST_TOKEN, base_url=loose_telegram.bot_api_url) as second_instance:
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await second_instance.get_updates(timeout=0)
    await first


async def test_poll_while_a_webhook_is_set_gets_409_conflict(bot):
    await bot.set_webhook("https://example.org/hook")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()


async def test_abandoned_poll_does_not_block_the_next_one(bot, loose_telegram):
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    first.cancel()  # PTB does this at stop, then confirms with timeout=0
    await asyncio.sleep(0.2)
    assert await bot.get_updates(timeout=0) == ()
