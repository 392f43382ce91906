"""Digest composition and translations of one story (issue #7.2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.core.digest import Interest, Pool, compose
from bot.core.models import Lang, StoredArticle, TopicScore
from bot.core.stories import anchors, link_translations, skeleton

from .conftest import ROOT

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
