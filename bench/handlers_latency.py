"""Handler latency with 100,000 readers and 100,000 articles in SQLite (issue #6.6).

    python bench/handlers_latency.py [--users 100000] [--articles 100000] [--db PATH]
        [--samples 300] [--e2e-users 200] [--e2e-rounds 4] [--no-due-digests]

1. Builds the database (or reuses --db if it already holds the data): rows are synthesized and
   bulk-inserted with SQLAlchemy core, not analysed one by one (that would take an hour; the
   analyser's own speed is bench/analysis_speed.py). Articles recombine real news sentences of
   one language (ru, kk, pl, en: the seed articles', as in bench/ingest_throughput.py), get
   1-2 topics with scores and matched terms, and are spread over the last 90 days (so a
   digest's 7-day window holds ~7,800). Readers follow 1-3 topics; one in ten also follows a
   keyword. The FTS index is filled by the migration's triggers, as in production.
2. Handler time, in process: the real Application and handlers, with an instant in-memory Bot
   API (no network, no rate limits). Each sample is one `Application.process_update` of a new
   update from a random reader: a /topics tap, /mysubs, /digest (which also records what it
   sent) and /search with 1-2 words.
3. End to end: `python -m bot run` on the same database against the fake Bot API (real
   Telegram limits: 1 message per chat per second, 30 per second overall). 200 readers talk at
   once, each sending a command after a think time of 8-20 s (≈14 commands/s in all, below
   Telegram's 30 sends/s); latency is from the user's send to the bot's first answer (a new
   message, or the edit of the picker for a tap). One /digest warms the process up first: a
   fresh process reads the 7-day article window on its first digest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest_throughput import ENGLISH, _sentences  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.core.analysis import Analyzer  # noqa: E402
from bot.services import topics as topics_service  # noqa: E402
from bot.services.store import Store  # noqa: E402

COMMANDS = ("topics tap", "/mysubs", "/digest", "/search")
#: Real news sentences per language, from the seed articles (English from ingest_throughput).
SENTENCES = {lang: _sentences(None).get(lang) or ENGLISH for lang in ("en", "ru", "kk", "pl")}
TOPIC_TERMS = {
    "water": ("water", "river", "irrigation"),
    "rare_earths": ("lithium", "tungsten", "deposit"),
    "energy": ("energy", "grid", "power"),
    "climate": ("climate", "emissions"),
    "air_quality": ("smog", "air"),
    "waste": ("waste", "recycling"),
    "green_tech": ("hydrogen", "solar"),
    "ev": ("electric", "charging"),
    "cooperation": ("memorandum", "partnership"),
    "investment": ("investors", "investment"),
}
SEARCHES = ["lithium", "water", "Almaty", "вода", "литий", "energia", "су", "wind farm", "Aral"]
KEYWORDS = ["lithium", "aral", "вода", "wodór", "smog", "tungsten"]
BATCH = 5_000
TOKEN = "123456:BENCHbenchBENCHbenchBENCHbenchBENCH"


# --- 1. the data set ----------------------------------------------------------------------------


def build(db: Path, n_users: int, n_articles: int, seed: int = 6) -> float:
    """Fill a fresh SQLite file; returns the seconds it took."""
    started = time.perf_counter()
    rng = random.Random(seed)
    store = Store.open(f"sqlite:///{db}")
    topics_service.sync(store, Analyzer.load().taxonomy)
    now = datetime.now(UTC)
    topic_ids = list(TOPIC_TERMS)
    with store.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO source (kind, locator, created_at, error_count, interval_s, active) "
                "VALUES ('feed', 'https://news.example.org/feed.xml', :t, 0, 900, 1)"
            ),
            {"t": now.replace(tzinfo=None)},
        )
    for start in range(0, n_articles, BATCH):
        articles, links = [], []
        for i in range(start + 1, min(start + BATCH, n_articles) + 1):
            lang = rng.choice(("ru", "ru", "kk", "pl", "en"))
            pool = SENTENCES[lang]
            text = " ".join(rng.sample(pool, k=min(len(pool), rng.randint(4, 7)))) + f" №{i}."
            ingested = now - timedelta(seconds=rng.uniform(0, 90 * 86400))
            articles.append(
                {
                    "id": i,
                    "url": f"https://news.example.org/{lang}/{i}",
                    "title": pool[i % len(pool)].rstrip(".") + f" ({i})",
                    "text": text,
                    "summary": text[:280],
                    "lang": lang,
                    "published_at": ingested.replace(tzinfo=None),
                    "ingested_at": ingested.replace(tzinfo=None),
                    "source_id": 1,
                    "content_hash": f"{i:064x}",
                    "sketch": "0" * 64,
                    "story_id": i,
                    **{f"lsh{b}": rng.getrandbits(62) for b in range(8)},
                }
            )
            for topic in rng.sample(topic_ids, k=rng.choice((1, 1, 2))):
                links.append(
                    {
                        "article_id": i,
                        "topic_id": topic,
                        "score": round(rng.uniform(2.6, 12), 2),
                        "terms": " ".join(TOPIC_TERMS[topic]),
                    }
                )
        with store.engine.begin() as conn:
            conn.execute(sa.text(_insert("article", articles[0])), articles)
            conn.execute(sa.text(_insert("article_topic", links[0])), links)
    for start in range(0, n_users, BATCH):
        users, subs = [], []
        for uid in range(start + 1, min(start + BATCH, n_users) + 1):
            created = now - timedelta(days=rng.uniform(1, 200))
            users.append(
                {
                    "id": uid,
                    "chat_id": uid,
                    "language": rng.choice(("ru", "kk", "pl", "en")),
                    "timezone": rng.choice(("Asia/Almaty", "Europe/Warsaw", "UTC")),
                    "digest_time": f"{rng.randint(6, 21):02d}:{rng.choice((0, 30)):02d}",
                    "frequency": "daily",
                    "alerts": rng.random() < 0.2,
                    "article_langs": "",
                    "paused": False,
                    "active": True,
                    "next_digest_at": (now + timedelta(hours=rng.uniform(0, 24))).replace(
                        tzinfo=None
                    ),
                    "last_digest_at": (now - timedelta(hours=rng.uniform(1, 30))).replace(
                        tzinfo=None
                    ),
                    "created_at": created.replace(tzinfo=None),
                }
            )
            for topic in rng.sample(topic_ids, k=rng.randint(1, 3)):
                subs.append({"user_id": uid, "topic_id": topic, "keyword": None})
            if rng.random() < 0.1:
                subs.append({"user_id": uid, "topic_id": None, "keyword": rng.choice(KEYWORDS)})
        with store.engine.begin() as conn:
            conn.execute(sa.text(_insert("bot_user", users[0])), users)
            created_at = now.replace(tzinfo=None)
            conn.execute(
                sa.text(
                    "INSERT INTO subscription (user_id, topic_id, keyword, created_at) "
                    "VALUES (:user_id, :topic_id, :keyword, :created_at)"
                ),
                [{**s, "created_at": created_at} for s in subs],
            )
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    store.close()
    return time.perf_counter() - started


def _insert(table: str, row: dict[str, Any]) -> str:
    columns = ", ".join(row)
    values = ", ".join(f":{c}" for c in row)
    return f"INSERT INTO {table} ({columns}) VALUES ({values})"


def counts(db: Path) -> dict[str, int]:
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        found = {
            t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("bot_user", "subscription", "article", "article_topic")
        }
    engine.dispose()
    return found


# --- 2. handler time, in process ----------------------------------------------------------------


def instant_request() -> Any:
    """A Bot API that answers at once from memory: what is timed is the handler alone."""
    from telegram.request import BaseRequest, RequestData

    class InstantRequest(BaseRequest):
        def __init__(self) -> None:
            self.message_ids = 0

        async def initialize(self) -> None:
            pass

        async def shutdown(self) -> None:
            pass

        @property
        def read_timeout(self) -> float | None:
            return 5.0

        async def do_request(
            self,
            url: str,
            method: str,
            request_data: RequestData | None = None,
            read_timeout: Any = None,
            write_timeout: Any = None,
            connect_timeout: Any = None,
            pool_timeout: Any = None,
        ) -> tuple[int, bytes]:
            name = url.rsplit("/", 1)[-1]
            params = request_data.parameters if request_data else {}
            result: Any = True
            if name == "getMe":
                result = {"id": 123456, "is_bot": True, "first_name": "Dala", "username": "dala"}
            elif name in ("sendMessage", "editMessageText"):
                self.message_ids += 1
                chat = int(params.get("chat_id") or 1)
                result = {
                    "message_id": int(params.get("message_id") or self.message_ids),
                    "date": int(time.time()),
                    "chat": {"id": chat, "type": "private"},
                    "text": str(params.get("text", ""))[:50],
                }
            return 200, json.dumps({"ok": True, "result": result}).encode()

    return InstantRequest()


def _update(update_id: int, uid: int, text: str | None, data: str | None = None) -> dict[str, Any]:
    user = {"id": uid, "is_bot": False, "first_name": "R", "language_code": "ru"}
    chat = {"id": uid, "type": "private", "first_name": "R"}
    now = int(time.time())
    if data is not None:
        message = {"message_id": 1, "date": now, "chat": chat, "text": "picker"}
        return {
            "update_id": update_id,
            "callback_query": {
                "id": str(update_id),
                "from": user,
                "chat_instance": "1",
                "message": message,
                "data": data,
            },
        }
    entities = (
        [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text else []
    )
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": now,
            "chat": chat,
            "from": user,
            "text": text,
            "entities": entities,
        },
    }


async def handler_times(db: Path, n_users: int, samples: int) -> dict[str, list[float]]:
    from telegram import Update

    from bot.telegram import application
    from bot.telegram.context import Deps
    from bot.telegram.i18n import Catalog

    settings = Settings(DATABASE_URL=f"sqlite:///{db}")  # type: ignore[call-arg]
    analyzer = Analyzer.load()
    store = Store.open(settings.database_url)
    deps = Deps(settings=settings, store=store, analyzer=analyzer, catalog=Catalog.load())
    app = application.build(deps, TOKEN, request=instant_request())
    rng = random.Random(66)
    times: dict[str, list[float]] = defaultdict(list)
    update_id = 0
    async with app:
        for warm in range(20):  # the article window loads on the first digest
            update_id += 1
            await app.process_update(
                Update.de_json(_update(update_id, warm + 1, "/digest"), app.bot)
            )
        for _ in range(samples):
            for command in COMMANDS:
                uid = rng.randint(21, n_users)
                update_id += 1
                if command == "topics tap":
                    topic = rng.choice(list(TOPIC_TERMS))
                    raw = _update(update_id, uid, None, f"tt:0:{rng.randint(0, 1)}:{topic}")
                elif command == "/search":
                    raw = _update(update_id, uid, f"/search {rng.choice(SEARCHES)}")
                else:
                    raw = _update(update_id, uid, command)
                update = Update.de_json(raw, app.bot)
                started = time.perf_counter()
                await app.process_update(update)
                times[command].append((time.perf_counter() - started) * 1000)
    store.close()
    return times


# --- 3. end to end, through the fake Bot API ----------------------------------------------------


def end_to_end(db: Path, n_users: int, talkers: int, rounds: int) -> dict[str, list[float]]:
    from bot.fakebot.server import FakeTelegram
    from bot.fakebot.testing import TEST_TOKEN

    times: dict[str, list[float]] = defaultdict(list)
    lock = threading.Lock()
    with FakeTelegram(token=TEST_TOKEN) as telegram, tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        env.update(
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_API_URL=telegram.url,
            DATABASE_URL=f"sqlite:///{db}",
            LOG_LEVEL="WARNING",
        )
        log = Path(tmp, "bot.log").open("wb")  # noqa: SIM115 (the child writes it until the end)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        try:
            _wait(lambda: bool(telegram.calls("getUpdates")), 120)
            rng = random.Random(7)
            ids = rng.sample(range(1, n_users + 1), talkers + 1)
            people = [telegram.create_user("R", language_code="ru", user_id=uid) for uid in ids]
            # A fresh process reads the 7-day article window on its first digest (~2-3 s);
            # that start-up cost is not the steady state measured here.
            warm = people.pop()
            telegram.send(warm, "/digest")
            telegram.wait_for_message(warm.id, timeout_s=120)

            def talk(person: Any, seed: int) -> None:
                r = random.Random(seed)
                seq = _ask(telegram, person, "/topics", None)[1]
                picker = telegram.messages(person.id)[-1]
                for _ in range(rounds):
                    time.sleep(r.uniform(8, 20))  # think time: shapes the load, syncs nothing
                    command = r.choice(COMMANDS)
                    if command == "topics tap":
                        current = telegram.message(person.id, picker.message_id)
                        button = r.choice([b for row in current.buttons for b in row][:-1])
                        action: Any = (picker.message_id, button.callback_data)
                    elif command == "/search":
                        action = f"/search {r.choice(SEARCHES)}"
                    else:
                        action = command
                    seq = max(seq, _last_seq(telegram, person.id, seq))
                    latency, seq = _ask(telegram, person, action, seq)
                    with lock:
                        times[command].append(latency)

            threads = [
                threading.Thread(target=talk, args=(p, i), daemon=True)
                for i, p in enumerate(people)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return times


def _ask(telegram: Any, person: Any, action: Any, after: int | None) -> tuple[float, int]:
    after = after if after is not None else _last_seq(telegram, person.id, 0)
    started = time.perf_counter()
    if isinstance(action, tuple):
        telegram.press(person, action[0], action[1])
    else:
        telegram.send(person, action)
    while True:
        events = [
            e
            for e in telegram.events(person.id, after_seq=after, timeout_s=30)
            if e.message.from_bot
        ]
        if events:
            return (time.perf_counter() - started) * 1000, max(e.seq for e in events)


def _last_seq(telegram: Any, chat_id: int, after: int) -> int:
    events = telegram.events(chat_id, after_seq=after, timeout_s=0)
    return max((e.seq for e in events), default=after)


def _wait(check: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit("the bot did not start")
        time.sleep(0.1)


# --- the table ----------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="SQLite file: built when missing, else reused")
    parser.add_argument("--samples", type=int, default=300, help="in-process samples per command")
    parser.add_argument("--e2e-users", type=int, default=200)
    parser.add_argument("--e2e-rounds", type=int, default=4)
    parser.add_argument(
        "--no-due-digests",
        action="store_true",
        help="move every scheduled digest past the run, so the end-to-end figures are of the "
        "conversation alone (by default ~70 readers a minute are due, as the data set has them, "
        "and the bot's delivery tick sends to them meanwhile)",
    )
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    db = args.db or Path(tmp.name, "bench.db")
    built_s = None
    if not db.exists():
        built_s = build(db, args.users, args.articles)
    rows = counts(db)
    inproc = asyncio.run(handler_times(db, rows["bot_user"], args.samples))
    if args.no_due_digests:
        engine = sa.create_engine(f"sqlite:///{db}")
        with engine.begin() as conn:
            later = (datetime.now(UTC) + timedelta(days=3)).replace(tzinfo=None)
            conn.execute(sa.text("UPDATE bot_user SET next_digest_at = :t"), {"t": later})
        engine.dispose()
    e2e = end_to_end(db, rows["bot_user"], args.e2e_users, args.e2e_rounds)

    print("# Handler latency (issue #6.6)\n")
    print(
        f"data set: {rows['bot_user']:,} readers ({rows['subscription']:,} subscriptions), "
        f"{rows['article']:,} articles ({rows['article_topic']:,} topic links) in one SQLite "
        "file" + (f", built in {built_s:.0f} s" if built_s else " (reused)")
    )
    print(
        f"versions: Python {platform.python_version()}, python-telegram-bot "
        f"{version('python-telegram-bot')}, SQLAlchemy {sa.__version__}, sqlite3 "
        f"{__import__('sqlite3').sqlite_version}"
    )
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}")
    print(
        f"in process: {args.samples} samples per command; end to end: {args.e2e_users} readers "
        f"at once, {args.e2e_rounds} commands each, think time 8-20 s, scheduled digests "
        + ("moved past the run" if args.no_due_digests else "due as in the data set")
        + "\n"
    )
    print("| command | handler p50 ms | handler p99 ms | e2e n | e2e p50 ms | e2e p99 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for command in COMMANDS:
        h, e = inproc[command], e2e.get(command, [])
        e2e_cols = f"{len(e)} | {pct(e, 50):.1f} | {pct(e, 99):.1f}" if e else "0 | – | –"
        print(f"| {command} | {pct(h, 50):.1f} | {pct(h, 99):.1f} | {e2e_cols} |")
    everything = [v for vs in e2e.values() for v in vs]
    if everything:
        print(
            f"\nall e2e: n={len(everything)}, p50 {statistics.median(everything):.1f} ms, "
            f"p99 {pct(everything, 99):.1f} ms"
        )
    print("targets: handler p99 ≤ 50 ms, end-to-end p99 ≤ 250 ms")
    tmp.cleanup()


if __name__ == "__main__":
    main()
