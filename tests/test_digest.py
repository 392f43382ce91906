"""Digest composition and translations of one story (issue #7.2)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import cast

import pytest
from telegram.error import BadRequest, Forbidden
from telegram.ext import ExtBot

from bot.config import Settings
from bot.core.analysis import Analyzer
from bot.core.digest import Interest, Pool, compose
from bot.core.models import Lang, StoredArticle, TopicScore
from bot.core.stories import anchors, link_translations, skeleton
from bot.services import digests, pipeline, users
from bot.services.store import Store
from bot.telegram import delivery
from bot.telegram.context import Deps
from bot.telegram.i18n import Catalog
from storage.tables import Subscription, User

from .conftest import ROOT, SEEDS

NOW = datetime(2025, 11, 20, 8, 0, tzinfo=UTC)
PAIRS = [
    json.loads(line)
    for line in (ROOT / "tests" / "data" / "translations.jsonl").read_text("utf-8").splitlines()
]


def article(
    id: int,
    lang: Lang = Lang.RU,
    topic: str = "water",
    score: float = 5.0,
    title: str = "",
    summary: str = "",
    hours_ago: float = 1,
    story_id: int | None = None,
) -> StoredArticle:
    at = NOW - timedelta(hours=hours_ago)
    return StoredArticle(
        id, title or f"Title {id}", f"https://n.example/{id}", lang, summary, at, at, None,
        (TopicScore(topic, score),), story_id,
    )  # fmt: skip


def pair_articles() -> tuple[list[StoredArticle], dict[str, tuple[bool, int, int]]]:
    items, pairs = [], {}
    for n, row in enumerate(PAIRS):
        ru, kk = 2 * n + 1, 2 * n + 2
        for id_, lang in ((ru, Lang.RU), (kk, Lang.KK)):
            text = row[lang.value]
            items.append(
                article(id_, lang, row["topic"], title=text["title"], summary=text["summary"])
            )
        pairs[row["id"]] = (row["same"], ru, kk)
    return items, pairs


def test_russian_and_kazakh_spellings_of_a_name_share_a_skeleton() -> None:
    assert skeleton("Казахстана") == skeleton("Қазақстанның")
    assert skeleton("Исакулов") == skeleton("Исақұлов")


def test_anchors_keep_numbers_latin_words_and_names_not_sentence_starts() -> None:
    found = anchors(
        "Завод Kazakhstan Waste переработает 1 200 тонн. Аким Габит Сыздыкбеков сказал, COP30."
    )
    assert {"#1200", "@kazakhstan", "@waste", "@cop30"} <= found.all
    assert skeleton("Габит") in found.names and skeleton("Завод") not in found.names


def test_hand_made_translation_pairs_are_linked_and_lookalikes_are_not() -> None:
    items, pairs = pair_articles()
    links = link_translations(items)
    linked = {name for name, (_, ru, kk) in pairs.items() if links.get(kk) == ru}
    assert linked == {name for name, (same, _, _) in pairs.items() if same}


def test_translations_ingested_days_apart_are_not_linked() -> None:
    row = PAIRS[0]
    ru = article(1, Lang.RU, row["topic"], title=row["ru"]["title"], summary=row["ru"]["summary"])
    kk = article(
        2,
        Lang.KK,
        row["topic"],
        title=row["kk"]["title"],
        summary=row["kk"]["summary"],
        hours_ago=80,
    )
    assert link_translations([ru, kk]) == {}


def test_a_story_in_russian_and_kazakh_is_shown_once_with_both_links() -> None:
    items, pairs = pair_articles()
    _, ru, kk = pairs["p02"]
    digest = compose(
        items, Interest(frozenset({"water"})), now=NOW, stories=link_translations(items)
    )
    leads = [i for s in digest.sections for i in s.items]
    both = [i for i in leads if {i.article.id, *(o.id for o in i.also)} == {ru, kk}]
    assert len(both) == 1


def test_compose_groups_by_topic_best_first_with_more_and_skips_delivered() -> None:
    items = [article(i, score=i) for i in range(1, 9)] + [article(20, topic="energy")]
    digest = compose(items, Interest(frozenset({"water"})), delivered={8}, per_topic=3, now=NOW)
    [section] = digest.sections
    assert [i.article.id for i in section.items] == [7, 6, 5]
    assert section.more == 4
    assert digest.article_ids == frozenset({5, 6, 7})  # what it shows; "more" stays unsent


def test_nothing_new_gives_an_empty_digest() -> None:
    digest = compose([article(1, topic="energy")], Interest(frozenset({"water"})), now=NOW)
    assert digest.empty


def test_pool_gives_the_same_digest_as_composing_all_articles() -> None:
    items = [article(i, score=i % 7, hours_ago=i) for i in range(1, 60)]
    interest = Interest(frozenset({"water"}), frozenset({Lang.RU}))
    since = NOW - timedelta(hours=30)
    fresh = [a for a in items if a.ingested_at > since]
    pool = Pool(items)
    assert pool.compose(interest, since, now=NOW) == compose(fresh, interest, now=NOW)
    assert pool.compose(interest, since, now=NOW) == compose(fresh, interest, now=NOW)
    assert pool.shared == 1


def test_a_pool_extended_in_place_composes_like_one_built_at_once() -> None:
    items = [article(i, score=(i * 7) % 11, hours_ago=60 - i) for i in range(1, 60)]
    grown = Pool(items[:30])
    assert grown.extend(items[30:])
    interest = Interest(frozenset({"water"}))
    since = NOW - timedelta(hours=40)
    assert grown.compose(interest, since, share=False) == Pool(items).compose(
        interest, since, share=False
    )


def test_a_story_already_delivered_in_russian_is_not_shown_again_in_kazakh() -> None:
    ru = article(1, Lang.RU, hours_ago=30)
    kk = article(2, Lang.KK, hours_ago=2)
    other = article(3, Lang.RU, score=1.0, hours_ago=2)
    pool = Pool([ru, kk, other], {2: 1})
    digest = pool.compose(Interest(frozenset({"water"})), NOW - timedelta(hours=20), delivered={1})
    assert [i.article.id for s in digest.sections for i in s.items] == [3]


def test_a_reader_who_got_one_version_of_a_story_is_not_given_a_shared_digest_with_the_other() -> (
    None
):
    pool = Pool([article(1, Lang.RU, hours_ago=30), article(2, Lang.KK, hours_ago=2)], {2: 1})
    interest, since = Interest(frozenset({"water"})), NOW - timedelta(hours=20)
    newcomer = pool.compose(interest, since)
    reader = pool.compose(interest, since, delivered={1})
    assert [i.article.id for s in newcomer.sections for i in s.items] == [2]
    assert reader.empty


# --- scheduled delivery through a stand-in for Telegram -----------------------------------------

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # a Monday
TICK = T0 + timedelta(hours=1)


class StandInBot:
    """Takes every message, unless `hook` (awaited with the chat id) raises."""

    def __init__(self, hook: Callable[[int], Awaitable[None]] | None = None) -> None:
        self.hook = hook
        self.sent: list[int] = []

    async def send_message(self, chat_id: int, text: str, **_: object) -> None:
        if self.hook is not None:
            await self.hook(chat_id)
        self.sent.append(chat_id)


def delivery_deps(store: Store, analyzer: Analyzer, readers: int) -> Deps:
    """Seed articles and `readers` readers of rare earths (ids 1..n) due an hour ago, the first
    one due earliest."""
    pipeline.ingest_path(store, analyzer, SEEDS, max_file_bytes=1 << 20, now=T0)
    with store.write() as session:
        for n in range(1, readers + 1):
            session.add(
                User(
                    id=n,
                    chat_id=n,
                    timezone="Asia/Kathmandu",
                    digest_time="11:45",
                    next_digest_at=T0 - timedelta(minutes=readers - n),
                    created_at=T0,
                )
            )
        session.flush()
        for n in range(1, readers + 1):
            session.add(Subscription(user_id=n, topic_id="rare_earths"))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    return Deps(settings, store, analyzer, Catalog.load(), clock=lambda: TICK)


def stored_user(store: Store, user_id: int) -> User:
    with store.read() as session:
        user = session.get(User, user_id)
        assert user is not None
        session.expunge(user)
        return user


def bot_of(stand_in: StandInBot) -> ExtBot[int]:
    return cast("ExtBot[int]", stand_in)


async def test_a_reader_whose_sends_hang_does_not_hold_up_the_readers_claimed_after_it(
    store: Store, analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "BATCH", 4)
    deps = delivery_deps(store, analyzer, 12)
    others_done = asyncio.Event()

    async def hook(chat_id: int) -> None:
        if chat_id == 1:  # claimed first; answers only once the eleven others have their digest
            await others_done.wait()
        elif len(bot.sent) == 10:
            others_done.set()

    bot = StandInBot(hook)
    report = await asyncio.wait_for(delivery.deliver_due(bot_of(bot), deps, worker="w"), 30)
    assert sorted(bot.sent) == list(range(1, 13))
    assert report.digests == 12


async def test_a_reader_whose_delivery_breaks_keeps_the_digest_due_and_the_others_get_theirs(
    store: Store, analyzer: Analyzer
) -> None:
    deps = delivery_deps(store, analyzer, 3)

    async def hook(chat_id: int) -> None:
        if chat_id == 2:
            raise RuntimeError("something nobody foresaw")

    bot = StandInBot(hook)
    report = await delivery.deliver_due(bot_of(bot), deps, worker="w")
    assert sorted(bot.sent) == [1, 3]
    assert report.postponed == 1
    broken = stored_user(store, 2)
    assert broken.next_digest_at is not None and broken.next_digest_at <= TICK
    assert broken.claimed_by is None
    assert broken.claimed_until == TICK + timedelta(seconds=deps.settings.delivery_retry_s)


async def test_a_message_telegram_rejects_is_skipped_and_the_next_digest_is_scheduled(
    store: Store, analyzer: Analyzer
) -> None:
    deps = delivery_deps(store, analyzer, 1)

    async def hook(chat_id: int) -> None:
        raise BadRequest("Can't parse entities: unsupported start tag")

    report = await delivery.deliver_due(bot_of(StandInBot(hook)), deps, worker="w")
    assert report.rejected == 1
    # 11:45 in Kathmandu (UTC+5:45) is 06:00 UTC; 07:00 UTC today is past it: tomorrow.
    assert stored_user(store, 1).next_digest_at == T0 + timedelta(days=1)
    assert await delivery.deliver_due(bot_of(StandInBot()), deps, worker="w") == (
        delivery.DeliveryReport()
    )


async def test_a_reader_who_blocked_the_bot_and_starts_again_is_due_at_the_next_slot(
    store: Store, analyzer: Analyzer
) -> None:
    deps = delivery_deps(store, analyzer, 1)

    async def hook(chat_id: int) -> None:
        raise Forbidden("Forbidden: bot was blocked by the user")

    assert (await delivery.deliver_due(bot_of(StandInBot(hook)), deps, worker="w")).gone == 1
    assert not stored_user(store, 1).active
    users.start(store, user_id=1, chat_id=1, language=Lang.EN, timezone="UTC", now=TICK)
    again = stored_user(store, 1)
    assert again.active and again.next_digest_at == T0 + timedelta(days=1)
    due = digests.claim_due(store, now=T0 + timedelta(days=1), limit=10, worker="w")
    assert [p.user_id for p in due] == [1]


def test_renewing_claims_extends_only_the_readers_named(store: Store, analyzer: Analyzer) -> None:
    delivery_deps(store, analyzer, 2)
    digests.claim_due(store, now=TICK, limit=10, worker="w")
    until = TICK + timedelta(hours=1)
    assert digests.renew_claims(store, worker="w", user_ids=[2], until=until) == 1
    assert stored_user(store, 1).claimed_until == TICK + digests.CLAIM_LEASE
    assert stored_user(store, 2).claimed_until == until
