"""Pytest helpers: a running fake Telegram per test, importable by any test package.

from bot.fakebot.testing import fake_telegram_fixture
fake_telegram = fake_telegram_fixture()  # strict Telegram limits
loose_telegram = fake_telegram_fixture(limits=Limits.off(), name="loose_telegram")
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.fakebot.clock import Clock
from bot.fakebot.models import Limits
from bot.fakebot.server import FakeTelegram

TEST_TOKEN = "123456:TEST-token"


def fake_telegram_fixture(
    *,
    limits: Limits | None = None,
    token: str | None = None,
    clock_factory: Callable[[], Clock] | None = None,
    api_json: Path | None = None,
    name: str = "fake_telegram",
) -> Any:
    """A function-scoped pytest fixture yielding a started FakeTelegram, stopped afterwards."""

    @pytest.fixture(name=name)
    def fixture() -> Iterator[FakeTelegram]:
        server = FakeTelegram(
            token=token,
            limits=limits,
            clock=clock_factory() if clock_factory else None,
            api_json=api_json,
        )
        with server:
            yield server

    return fixture
