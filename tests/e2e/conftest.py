"""End-to-end: the real bot process against the fake Bot API server, talked to as users do."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.fakebot.models import Limits
from bot.fakebot.server import FakeTelegram
from bot.fakebot.testing import TEST_TOKEN

from ..conftest import ROOT, SEEDS

#: Conversation tests loosen the per-chat interval (bot and server alike) to keep them quick;
#: the delivery tests run with Telegram's real limits.
CHAT_INTERVAL_S = 0.2
ADMIN_ID = 4242


@dataclass
class BotProcess:
    """`python -m bot run` as a child process, with its own SQLite file and log."""

    db_url: str
    api_url: str
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    def start(self, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "CI")}
        env.update(
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_API_URL=self.api_url,
            DATABASE_URL=self.db_url,
            ADMIN_IDS=str(ADMIN_ID),
            CHAT_INTERVAL_S=str(CHAT_INTERVAL_S),
            LOG_LEVEL="INFO",
        )
        env.update(self.env)  # a test's own settings win
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()
        self.proc = None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def wait_until_polling(server: FakeTelegram, bot: BotProcess, timeout_s: float = 60) -> None:
    """The bot is ready once it has asked for updates."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.calls("getUpdates"):
            return
        assert bot.proc is not None and bot.proc.poll() is None, bot.log()[-3000:]
        time.sleep(0.05)
    raise AssertionError(f"the bot did not start polling:\n{bot.log()[-3000:]}")


def seeded_db(tmp_path: Path) -> str:
    db_url = f"sqlite:///{tmp_path / 'bot.db'}"
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["DATABASE_URL"] = db_url
    subprocess.run(
        [sys.executable, "-m", "bot", "ingest", str(SEEDS)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return db_url


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegram]:
    limits = Limits(per_chat_interval_s=CHAT_INTERVAL_S)
    with FakeTelegram(token=TEST_TOKEN, limits=limits) as server:
        yield server


@pytest.fixture(scope="module")
def bot(telegram: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    """One bot for a module's tests; each test talks to it as users of its own."""
    tmp_path = tmp_path_factory.mktemp("bot")
    process = BotProcess(seeded_db(tmp_path), telegram.url, tmp_path / "bot.log")
    process.start()
    wait_until_polling(telegram, process)
    yield process
    process.stop()
    assert TEST_TOKEN not in process.log(), "the bot token reached the log"
