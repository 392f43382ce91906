"""Inline keyboards built from data: the topic picker pages past 20 topics (issue #6.1)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.models import Lang
from bot.core.topics import Taxonomy
from bot.telegram import callbacks as cb
from bot.telegram import keyboards
from bot.telegram.i18n import Catalog


def _taxonomy(n: int) -> Taxonomy:
    topics: list[dict[str, Any]] = [
        {
            "id": f"topic_{i:02d}",
            "description": f"Topic number {i}.",
            "names": {
                "en": f"Topic {i}",
                "ru": f"Тема {i}",
                "kk": f"Тақырып {i}",
                "pl": f"Temat {i}",
            },
            "terms": {"en": [f"word{i}"]},
        }
        for i in range(n)
    ]
    return Taxonomy.from_mapping({"topics": topics})


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def _datas(markup: Any) -> list[cb.Callback | None]:
    return [cb.parse(b.callback_data) for row in markup.inline_keyboard for b in row]


def _topic_ids(markup: Any) -> list[str]:
    return [d.topic_id for d in _datas(markup) if isinstance(d, cb.ToggleTopic)]


def test_25_topics_make_three_pages_of_at_most_ten(catalog: Catalog) -> None:
    taxonomy = _taxonomy(25)
    assert keyboards.topic_pages(taxonomy) == 3
    pages = [keyboards.topics(taxonomy, catalog, Lang.EN, set(), p) for p in range(3)]
    ids = [_topic_ids(m) for m in pages]
    assert [len(i) for i in ids] == [10, 10, 5]
    assert [t for page in ids for t in page] == list(taxonomy.ids)


def test_the_pages_link_back_and_forth(catalog: Catalog) -> None:
    taxonomy = _taxonomy(25)
    first, middle, last = (
        [
            d
            for d in _datas(keyboards.topics(taxonomy, catalog, Lang.EN, set(), p))
            if not isinstance(d, cb.ToggleTopic)
        ]
        for p in range(3)
    )
    assert first == [cb.TopicsPage(1), cb.TopicsDone()]
    assert middle == [cb.TopicsPage(0), cb.TopicsPage(2), cb.TopicsDone()]
    assert last == [cb.TopicsPage(1), cb.TopicsDone()]


def test_a_page_past_the_end_shows_the_last_page(catalog: Catalog) -> None:
    taxonomy = _taxonomy(25)
    assert _topic_ids(keyboards.topics(taxonomy, catalog, Lang.EN, set(), 99)) == [
        f"topic_{i}" for i in range(20, 25)
    ]


def test_followed_topics_are_ticked_and_their_tap_means_stop(catalog: Catalog) -> None:
    taxonomy = _taxonomy(25)
    markup = keyboards.topics(taxonomy, catalog, Lang.RU, {"topic_12"}, 1)
    buttons = {b.text: cb.parse(b.callback_data) for row in markup.inline_keyboard for b in row}
    assert buttons["✓ Тема 12"] == cb.ToggleTopic(1, "topic_12", follow=False)
    assert buttons["Тема 13"] == cb.ToggleTopic(1, "topic_13", follow=True)


def test_ten_topics_fit_one_page_without_paging_buttons(catalog: Catalog) -> None:
    markup = keyboards.topics(_taxonomy(10), catalog, Lang.EN, set(), 0)
    assert [d for d in _datas(markup) if not isinstance(d, cb.ToggleTopic)] == [cb.TopicsDone()]


def test_search_paging_shows_only_the_directions_that_exist(catalog: Catalog) -> None:
    assert keyboards.search_pages(catalog, Lang.EN, "k", 1, 1) is None
    assert _datas(keyboards.search_pages(catalog, Lang.EN, "k", 1, 3)) == [cb.SearchPage(2, "k")]
    assert _datas(keyboards.search_pages(catalog, Lang.EN, "k", 3, 3)) == [cb.SearchPage(2, "k")]
    assert _datas(keyboards.search_pages(catalog, Lang.EN, "k", 2, 3)) == [
        cb.SearchPage(1, "k"),
        cb.SearchPage(3, "k"),
    ]


def test_interface_language_buttons_tick_the_current_one(catalog: Catalog) -> None:
    markup = keyboards.interface_langs(catalog, Lang.KK)
    texts = [b.text for row in markup.inline_keyboard for b in row]
    assert sum(t.startswith("✓") for t in texts) == 1
    assert len(texts) == 4


def test_every_button_label_is_nonempty_and_data_fits(catalog: Catalog) -> None:
    taxonomy = _taxonomy(25)
    for lang in (Lang.EN, Lang.RU, Lang.KK, Lang.PL):
        markup = keyboards.topics(taxonomy, catalog, lang, {"topic_00"}, 1)
        for row in markup.inline_keyboard:
            for button in row:
                assert button.text.strip()
                assert len(str(button.callback_data).encode()) <= 64
