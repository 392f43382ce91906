"""Scheduled delivery through the real bot process and the fake Bot API (issue #7).

Readers are written straight into the database with `next_digest_at` in the past, so the
digest tick that runs at start (`first=1`) finds them due: no test waits for the schedule.
Every test counts, at the fake server, what each chat received.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from bot.fakebot.models import Fault, FaultKind, Limits
from bot.fakebot.server import FakeTelegram
from bot.fakebot.testing import TEST_TOKEN
from bot.services.store import Store
from storage.tables import Subscription, User

from ..conftest import drop_schema, postgres_url_or_skip
from ..tcpproxy import CuttableProxy
from .conftest import BotProcess, seeded_db

#: The readers' topic: the seed articles give each of them a one-message digest.
TOPIC = "rare_earths"
#: Delivery settings of every process here: a short lease so a killed process's readers are
#: taken over within seconds, and a short retry so a postponed digest comes back quickly.
FAST = {"CLAIM_LEASE_S": "5", "DELIVERY_RETRY_S": "3", "DIGEST_TICK_S": "5", "CHAT_INTERVAL_S": "1"}


@pytest.fixture
def strict_telegram() -> Iterator[FakeTelegram]:
    """Telegram's real limits: 30 messages/s overall, one per second per chat."""
    with FakeTelegram(token=TEST_TOKEN, limits=Limits()) as server:
        yield server


def add_readers(telegram: FakeTelegram, db_url: str, n: int) -> list[int]:
    """n people who opened the bot, as readers of TOPIC whose digest is due a minute ago."""
    ids = [telegram.create_user(f"Reader {i}", language_code="ru").id for i in range(n)]
    for user_id in ids:
        telegram.send(user_id, "/start")
    _confirm_updates(telegram)
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
                    digest_time=(now - timedelta(minutes=1)).strftime("%H:%M"),
                    next_digest_at=now - timedelta(minutes=1),
                    created_at=now,
                )
            )
        session.flush()
        for user_id in ids:
            session.add(Subscription(user_id=user_id, topic_id=TOPIC))
    store.close()
    return ids


def _confirm_updates(telegram: FakeTelegram) -> None:
    """Take the /start updates off the queue, as a previous bot run would have."""
    url = f"{telegram.bot_api_url}{TEST_TOKEN}/getUpdates"
    offset = 0
    while True:
        got = httpx.post(url, json={"offset": offset, "timeout": 0, "limit": 100}).json()
        if not got["result"]:
            return
        offset = got["result"][-1]["update_id"] + 1


def received(telegram: FakeTelegram, ids: list[int]) -> dict[int, list[str]]:
    return {i: [m.body for m in telegram.messages(i)] for i in ids}


def sends(telegram: FakeTelegram, code: int | None = None) -> int:
    calls = telegram.calls("sendMessage")
    return sum(1 for c in calls if (c.ok if code is None else c.error_code == code))


def wait_for(check: Callable[[], bool], timeout_s: float, what: str, bot: BotProcess) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{bot.log()[-3000:]}")
        time.sleep(0.2)


def all_done(db_url: str) -> Callable[[], bool]:
    """Every active reader's next digest is scheduled in the future and nobody is claimed."""

    def check() -> bool:
        store = Store.open(db_url, migrate=False)
        try:
            with store.read() as session:
                now = datetime.now(UTC)
                due = session.execute(
                    sa.select(sa.func.count())
                    .select_from(User)
                    .where(
                        User.active,  # type: ignore[arg-type]
                        sa.or_(User.next_digest_at <= now, User.claimed_by.is_not(None)),  # type: ignore[union-attr,operator,arg-type]
                    )
                ).scalar_one()
        finally:
            store.close()
        return due == 0

    return check


def delivery_bot(tmp_path: Path, telegram: FakeTelegram, db_url: str, **env: str) -> BotProcess:
    bot = BotProcess(db_url, telegram.url, tmp_path / "bot.log", env={**FAST, **env})
    return bot


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    return seeded_db(tmp_path)


# --- a restart in the middle of a fan-out ---------------------------------------------------


@pytest.mark.slow
def test_sigkill_mid_fanout_to_1000_readers_loses_nothing_and_repeats_at_most_in_flight(
    strict_telegram: FakeTelegram, sqlite_db: str, tmp_path: Path
) -> None:
    telegram = strict_telegram
    ids = add_readers(telegram, sqlite_db, 1000)
    bot = delivery_bot(tmp_path, telegram, sqlite_db)
    bot.start()
    try:
        wait_for(lambda: sends(telegram) >= 300, 60, "300 digests", bot)
        bot.kill()  # SIGKILL: no clean-up, claims and in-flight sends left as they are
        at_kill = sends(telegram)
        bot.start()
        wait_for(all_done(sqlite_db), 120, "every digest", bot)
    finally:
        bot.stop()
    got = received(telegram, ids)
    assert all(len(messages) >= 1 for messages in got.values()), "a digest was lost"
    repeated = [i for i, messages in got.items() if len(messages) > 1]
    # The bound: only sends Telegram took while their record was not yet written are repeated;
    # the limiter lets at most DELIVERY_RATE_PER_S (29) be in flight, one message per reader.
    assert len(repeated) <= 29, (len(repeated), at_kill)
    assert all(len(set(got[i])) == 1 and len(got[i]) == 2 for i in repeated)
    assert sends(telegram, 429) == 0
    assert TEST_TOKEN not in bot.log()


# --- several processes on PostgreSQL -----------------------------------------------------------


@pytest.fixture
def postgres_db(tmp_path: Path) -> Iterator[str]:
    url = postgres_url_or_skip()
    try:
        yield seeded_db_at(url)
    finally:
        drop_schema(url)


def seeded_db_at(url: str) -> str:
    import os
    import subprocess
    import sys

    from ..conftest import ROOT, SEEDS

    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["DATABASE_URL"] = url
    subprocess.run(
        [sys.executable, "-m", "bot", "ingest", str(SEEDS)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return url


@pytest.mark.slow
@pytest.mark.postgres
def test_three_delivery_processes_send_2000_digests_each_exactly_once(
    postgres_db: str, tmp_path: Path
) -> None:
    # Each process limits only itself (29/s). Telegram's 30/s is per bot, so in production N
    # processes get DELIVERY_RATE_PER_S=29/N; here the server allows three processes' worth
    # (90/s) to keep the test short, and still answers 429 to anything beyond.
    limits = Limits(per_chat_interval_s=1.0, global_per_second=90)
    with FakeTelegram(token=TEST_TOKEN, limits=limits) as telegram:
        ids = add_readers(telegram, postgres_db, 2000)
        bots = [
            BotProcess(postgres_db, telegram.url, tmp_path / f"deliver{i}.log", env=dict(FAST))
            for i in range(3)
        ]
        for bot in bots:
            bot.start("--deliver-only")
        try:
            wait_for(all_done(postgres_db), 120, "every digest", bots[0])
        finally:
            for bot in bots:
                bot.stop()
        got = received(telegram, ids)
        assert Counter(len(m) for m in got.values()) == {1: 2000}
        assert sends(telegram, 429) == 0
    working = [b for b in bots if "delivery.done" in b.log()]
    assert len(working) >= 2, "the readers were shared between the processes"


# --- faults -----------------------------------------------------------------------------------


def run_fanout(
    telegram: FakeTelegram,
    db_url: str,
    tmp_path: Path,
    ids: list[int],
    timeout_s: float = 60,
    *,
    bot_db_url: str | None = None,
) -> dict[int, list[str]]:
    """One delivery process until every digest is done; `bot_db_url` is the way the bot
    reaches the database when it differs from the test's (through a proxy)."""
    bot = delivery_bot(tmp_path, telegram, bot_db_url or db_url)
    bot.start("--deliver-only")
    try:
        wait_for(all_done(db_url), timeout_s, "every digest", bot)
    finally:
        bot.stop()
    return received(telegram, ids)


@pytest.mark.slow
def test_429_storm_is_waited_out_and_every_digest_sent_once(
    strict_telegram: FakeTelegram, sqlite_db: str, tmp_path: Path
) -> None:
    telegram = strict_telegram
    ids = add_readers(telegram, sqlite_db, 100)
    telegram.set_limits(Limits(per_chat_interval_s=1.0, global_per_second=5))

    def calm_down() -> None:
        while sends(telegram, 429) < 20:
            time.sleep(0.05)
        telegram.set_limits(Limits())

    threading.Thread(target=calm_down, daemon=True).start()
    got = run_fanout(telegram, sqlite_db, tmp_path, ids)
    assert sends(telegram, 429) >= 20
    assert Counter(len(m) for m in got.values()) == {1: 100}


@pytest.mark.slow
def test_5xx_burst_and_one_failing_chat_lose_nothing(
    strict_telegram: FakeTelegram, sqlite_db: str, tmp_path: Path
) -> None:
    telegram = strict_telegram
    ids = add_readers(telegram, sqlite_db, 100)
    telegram.add_fault(Fault(FaultKind.SERVER_ERROR, method="sendMessage", times=40, status=502))
    telegram.add_fault(Fault(FaultKind.DROP, method="sendMessage", times=5))
    broken = ids[-1]
    telegram.add_fault(Fault(FaultKind.SERVER_ERROR, method="sendMessage", chat_id=broken, times=3))
    got = run_fanout(telegram, sqlite_db, tmp_path, ids)
    assert Counter(len(m) for m in got.values()) == {1: 100}
    assert sends(telegram, 502) >= 40


@pytest.mark.slow
def test_slow_answers_past_the_client_timeout_are_retried_once_each(
    strict_telegram: FakeTelegram, sqlite_db: str, tmp_path: Path
) -> None:
    telegram = strict_telegram
    ids = add_readers(telegram, sqlite_db, 60)
    # python-telegram-bot gives up reading after 5 s; the server answers these after 8 s.
    telegram.add_fault(Fault(FaultKind.SLOW, method="sendMessage", times=5, delay_s=8))
    got = run_fanout(telegram, sqlite_db, tmp_path, ids)
    assert Counter(len(m) for m in got.values()) == {1: 60}


@pytest.mark.slow
def test_blocked_readers_are_paused_and_the_rest_get_their_digest(
    strict_telegram: FakeTelegram, sqlite_db: str, tmp_path: Path
) -> None:
    telegram = strict_telegram
    ids = add_readers(telegram, sqlite_db, 100)
    blocked = set(ids[::10])
    for user_id in blocked:
        telegram.block(user_id)
    got = run_fanout(telegram, sqlite_db, tmp_path, ids)
    assert {i for i, m in got.items() if not m} == blocked
    assert all(len(m) == 1 for i, m in got.items() if i not in blocked)
    store = Store.open(sqlite_db, migrate=False)
    with store.read() as session:
        inactive = set(session.execute(sa.select(User.id).where(~User.active)).scalars())  # type: ignore[arg-type]
    store.close()
    assert inactive == blocked


@pytest.mark.slow
def test_database_locked_for_seconds_mid_fanout_delays_but_neither_loses_nor_repeats(
    strict_telegram: FakeTelegram, sqlite_db: str, tmp_path: Path
) -> None:
    telegram = strict_telegram
    ids = add_readers(telegram, sqlite_db, 150)
    path = sqlite_db.removeprefix("sqlite:///")

    def lock_database() -> None:
        while sends(telegram) < 30:
            time.sleep(0.05)
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        time.sleep(4)  # the outage itself, not a wait for the bot
        conn.execute("ROLLBACK")
        conn.close()

    locker = threading.Thread(target=lock_database, daemon=True)
    locker.start()
    got = run_fanout(telegram, sqlite_db, tmp_path, ids, timeout_s=90)
    locker.join()
    assert Counter(len(m) for m in got.values()) == {1: 150}


@pytest.mark.slow
@pytest.mark.postgres
def test_postgresql_outage_mid_fanout_delays_but_neither_loses_nor_repeats(
    strict_telegram: FakeTelegram, postgres_db: str, tmp_path: Path
) -> None:
    # The bot reaches PostgreSQL through a proxy; cutting it resets every connection in the
    # middle of whatever the bot was doing (a claim, a record of a sent digest) and refuses
    # new ones for a few seconds: an outage as a failover or restart of the server looks.
    telegram = strict_telegram
    ids = add_readers(telegram, postgres_db, 150)
    url = sa.engine.make_url(postgres_db)
    with CuttableProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)

        def outage() -> None:
            while sends(telegram) < 30:
                time.sleep(0.05)
            proxy.cut(4)  # the outage itself, not a wait for the bot
            while sends(telegram) < 90:
                time.sleep(0.05)
            proxy.cut(2)

        cutter = threading.Thread(target=outage, daemon=True)
        cutter.start()
        got = run_fanout(telegram, postgres_db, tmp_path, ids, 120, bot_db_url=proxied)
        cutter.join(timeout=5)
        assert proxy.cuts == 2
    assert Counter(len(m) for m in got.values()) == {1: 150}
    # The outage was seen, and lived through.
    assert "database unavailable" in (tmp_path / "bot.log").read_text()
