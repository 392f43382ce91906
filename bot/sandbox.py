"""`python -m bot sandbox`: the real bot against a local fake Telegram, and a terminal chat.

Nothing leaves the machine: the fake Bot API server runs in this process, the bot runs as a
child process pointed at it (as in production, through TELEGRAM_API_URL), the seed articles
are loaded into a SQLite file of the sandbox's own, and the person at the terminal is a
Telegram user who is also the operator (so /add, /sources and /stats work too).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import TextIO

from bot.config import ROOT, Settings
from bot.core.analysis import Analyzer
from bot.fakebot.models import Limits
from bot.fakebot.sandbox import run_chat, start_server
from bot.services import pipeline, topics
from bot.services.store import Store

SANDBOX_TOKEN = "700000001:sandbox-token-not-a-secret-0000000000"
SANDBOX_CHAT_INTERVAL_S = 0.2


def run_sandbox(
    settings: Settings,
    *,
    language: str = "en",
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    data_dir: Path = ROOT / "data",
) -> int:
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / "sandbox.db"
    for stale in (db, db.with_name("sandbox.db-wal"), db.with_name("sandbox.db-shm")):
        stale.unlink(missing_ok=True)
    analyzer = Analyzer.load(settings.taxonomy_path)
    # The person at the terminal reads a chat: the schema migrations of a fresh file are noise.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    store = Store.open(f"sqlite:///{db}")
    topics.sync(store, analyzer.taxonomy)
    pipeline.ingest_path(
        store, analyzer, settings.seeds_dir, max_file_bytes=settings.fetch_max_bytes
    )
    store.close()

    # The sandbox is for people, not for flood tests: the bot spaces its messages to one chat
    # by CHAT_INTERVAL_S and the local server allows exactly that.
    server = start_server(limits=Limits(per_chat_interval_s=SANDBOX_CHAT_INTERVAL_S))
    user = server.create_user(first_name="You", language_code=language)
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": SANDBOX_TOKEN,
        "TELEGRAM_API_URL": server.url,
        "DATABASE_URL": f"sqlite:///{db}",
        "ADMIN_IDS": str(user.id),
        "CHAT_INTERVAL_S": str(SANDBOX_CHAT_INTERVAL_S),
    }
    log_path = data_dir / "sandbox.log"
    with log_path.open("w", encoding="utf-8") as log_file:
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        stdout.write(f"Offline sandbox: fake Telegram at {server.url}, bot log in {log_path}.\n")
        stdout.write("Say /start. Type a number to press a button, /quit to leave.\n")
        stdout.flush()
        try:
            run_chat(server, user, stdin, stdout, first_reply_s=15, quiet_s=1.0)
        finally:
            bot.terminate()
            try:
                bot.wait(timeout=10)
            except subprocess.TimeoutExpired:
                bot.kill()
            server.stop()
    return 0
