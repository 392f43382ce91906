"""Fixtures of the fake Bot API server's own tests (issue 5)."""

from collections.abc import AsyncIterator

import pytest
import telegram

from bot.fakebot.clock import ManualClock
from bot.fakebot.models import FakeUser, Limits
from bot.fakebot.server import FakeTelegram
from bot.fakebot.testing import TEST_TOKEN, fake_telegram_fixture

fake_telegram = fake_telegram_fixture()
loose_telegram = fake_telegram_fixture(limits=Limits.off(), name="loose_telegram")
timed_telegram = fake_telegram_fixture(clock_factory=ManualClock, name="timed_telegram")


@pytest.fixture
async def bot(loose_telegram: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    """python-telegram-bot's own Bot against the fake server, flood limits off."""
    async with telegram.Bot(TEST_TOKEN, base_url=loose_telegram.bot_api_url) as bot:
        yield bot


@pytest.fixture
def user(loose_telegram: FakeTelegram) -> FakeUser:
    """A user who has started the bot, so it may write to them."""
    ann = loose_telegram.create_user("Ann", "ru")
    loose_telegram.send(ann, "/start")
    return ann


@pytest.fixture
async def timed_bot(timed_telegram: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    """A Bot against a server with Telegram's limits and a clock that moves only when told."""
    async with telegram.Bot(TEST_TOKEN, base_url=timed_telegram.bot_api_url) as bot:
        yield bot


@pytest.fixture
def timed_user(timed_telegram: FakeTelegram) -> FakeUser:
    ann = timed_telegram.create_user("Ann", "en")
    timed_telegram.send(ann, "/start")
    return ann
