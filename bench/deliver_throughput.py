"""Delivery throughput: N due digests through the fake Bot API server at Telegram's limits.

    python bench/deliver_throughput.py [--users 3000]

Prepares a SQLite store with the seed articles and N readers whose digest is due, starts the
fake Bot API server (bot.fakebot) enforcing 30 messages/s overall and 1/s per chat with 429
answers, then runs the real delivery process, `python -m bot deliver`, until every digest is
out. Rate = accepted sendMessage calls between the first and the last, as the server saw them.
Peak memory is the delivering process's VmHWM, read from /proc just before it is stopped.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.fakebot.models import Limits  # noqa: E402
from bot.fakebot.server import FakeTelegram  # noqa: E402
from bot.fakebot.testing import TEST_TOKEN  # noqa: E402
from bot.services.store import Store  # noqa: E402
from storage.tables import Subscription, User  # noqa: E402

TOPIC = "rare_earths"


def prepare(telegram: FakeTelegram, db_url: str, n: int) -> list[int]:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["DATABASE_URL"] = db_url
    subprocess.run(
        [sys.executable, "-m", "bot", "ingest", str(ROOT / "seeds")],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    ids = [telegram.create_user(f"Reader {i}", language_code="ru").id for i in range(n)]
    for user_id in ids:
        telegram.send(user_id, "/start")  # the chat exists once the person opened the bot
    now = datetime.now(UTC)
    store = Store.open(db_url)
    with store.write() as session:
        for user_id in ids:
            session.add(
                User(
                    id=user_id,
                    chat_id=user_id,
                    language="ru",
                    timezone="UTC",
                    digest_time=now.strftime("%H:%M"),
                    next_digest_at=now - timedelta(minutes=1),
                    created_at=now,
                )
            )
        session.flush()
        for user_id in ids:
            session.add(Subscription(user_id=user_id, topic_id=TOPIC))
    store.close()
    return ids


def vm_hwm_kib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return float(line.split()[1])
    return float("nan")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=3000)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeTelegram(token=TEST_TOKEN, limits=Limits()) as telegram,
    ):
        db_url = f"sqlite:///{tmp}/bench.db"
        ids = prepare(telegram, db_url, args.users)
        env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
        env.update(
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_API_URL=telegram.url,
            DATABASE_URL=db_url,
            LOG_LEVEL="WARNING",
        )
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "deliver"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                ok = sum(1 for c in telegram.calls("sendMessage") if c.ok)
                if ok >= len(ids) or time.perf_counter() - start > 600:
                    break
                time.sleep(0.5)
            peak = vm_hwm_kib(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        calls = telegram.calls("sendMessage")
        accepted = [c.at for c in calls if c.ok]
        refused = sum(1 for c in calls if c.error_code == 429)
        per_chat = {i: len(telegram.messages(i)) for i in ids}
    span = (max(accepted) - min(accepted)).total_seconds()
    rows = [
        ("data set", f"{args.users} readers due, seed articles, 1 message each (SQLite)"),
        ("server limits", "30 msg/s overall (sliding 1 s), 1 msg/s per chat, 429 + retry_after"),
        ("command", "python -m bot deliver  (FloodLimiter 29/s)"),
        ("messages accepted", f"{len(accepted)}"),
        ("chats with exactly one digest", f"{sum(1 for n in per_chat.values() if n == 1)}"),
        ("first to last accepted", f"{span:.1f} s"),
        ("throughput", f"{(len(accepted) - 1) / span:.1f} msg/s"),
        ("429 answers received", f"{refused}"),
        ("peak memory (VmHWM, delivery process)", f"{peak / 1024:.0f} MiB"),
        ("python", platform.python_version()),
        ("python-telegram-bot / httpx", f"{version('python-telegram-bot')} / {version('httpx')}"),
        ("machine", f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}"),
    ]
    width = max(len(k) for k, _ in rows)
    print("Delivery throughput")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")


if __name__ == "__main__":
    main()
