"""Subscriptions without Telegram: topics by id or name in any language, keywords, limits,
and /forget deleting every row (issue #6), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import sqlalchemy.exc

from bot.core.analysis import Analyzer
from bot.core.errors import UserInputError
from bot.core.models import Lang
from bot.core.topics import Taxonomy
from bot.services import subscriptions, users
from bot.services.store import Store
from bot.services.subscriptions import Outcome
from storage.tables import Subscription

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
UID = 777


@pytest.fixture
def taxonomy(analyzer: Analyzer) -> Taxonomy:
    return analyzer.taxonomy


@pytest.fixture
def reader(store: Store) -> int:
    users.start(store, user_id=UID, chat_id=UID, language=Lang.EN, timezone="UTC", now=NOW)
    return UID


@pytest.mark.parametrize("name", ["water", "Water", "вода", "Водные ресурсы", "су", "woda", "WODA"])
def test_a_topic_is_found_by_id_or_name_in_any_language(
    store: Store, taxonomy: Taxonomy, reader: int, name: str
) -> None:
    change = subscriptions.subscribe(store, taxonomy, reader, name)
    assert change == subscriptions.Change(Outcome.ADDED, topic_id="water")
    assert users.get(store, reader).topics == {"water"}  # type: ignore[union-attr]


def test_a_topic_named_twice_in_two_languages_is_followed_once(
    store: Store, taxonomy: Taxonomy, reader: int
) -> None:
    subscriptions.subscribe(store, taxonomy, reader, "вода")
    assert subscriptions.subscribe(store, taxonomy, reader, "woda").outcome is Outcome.ALREADY


def test_anything_else_becomes_a_keyword(store: Store, taxonomy: Taxonomy, reader: int) -> None:
    change = subscriptions.subscribe(store, taxonomy, reader, "  Lithium   MINE ")
    assert change == subscriptions.Change(Outcome.ADDED, keyword="lithium mine")
    assert users.get(store, reader).keywords == ("lithium mine",)  # type: ignore[union-attr]


def test_a_keyword_in_another_letter_case_is_the_same_keyword(
    store: Store, taxonomy: Taxonomy, reader: int
) -> None:
    subscriptions.subscribe(store, taxonomy, reader, "Литий")
    assert subscriptions.subscribe(store, taxonomy, reader, "ЛИТИЙ").outcome is Outcome.ALREADY
    removed = subscriptions.unsubscribe(store, taxonomy, reader, "литий")
    assert removed == subscriptions.Change(Outcome.REMOVED, keyword="литий")
    assert users.get(store, reader).keywords == ()  # type: ignore[union-attr]


def test_unsubscribe_from_what_is_not_followed_says_not_found(
    store: Store, taxonomy: Taxonomy, reader: int
) -> None:
    assert subscriptions.unsubscribe(store, taxonomy, reader, "су").outcome is Outcome.NOT_FOUND
    assert subscriptions.unsubscribe(store, taxonomy, reader, "cobalt").outcome is Outcome.NOT_FOUND


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "subscribe.usage"),
        ("   ", "subscribe.usage"),
        ("🙂🙂", "subscribe.usage"),
        ("!!! ???", "subscribe.usage"),
        ("x" * 65, "subscribe.too_long"),
        ("ы" * 5000, "subscribe.too_long"),
    ],
)
def test_bad_subscribe_input_raises_a_localizable_error(
    store: Store, taxonomy: Taxonomy, reader: int, text: str, key: str
) -> None:
    with pytest.raises(UserInputError) as caught:
        subscriptions.subscribe(store, taxonomy, reader, text)
    assert caught.value.key == key


def test_empty_unsubscribe_shows_the_unsubscribe_form(
    store: Store, taxonomy: Taxonomy, reader: int
) -> None:
    with pytest.raises(UserInputError) as caught:
        subscriptions.unsubscribe(store, taxonomy, reader, " ")
    assert caught.value.key == "unsubscribe.usage"


def test_rtl_text_is_a_keyword(store: Store, taxonomy: Taxonomy, reader: int) -> None:
    assert subscriptions.subscribe(store, taxonomy, reader, "مياه").keyword == "مياه"


def test_at_most_twenty_keywords(store: Store, taxonomy: Taxonomy, reader: int) -> None:
    for i in range(subscriptions.MAX_KEYWORDS):
        subscriptions.subscribe(store, taxonomy, reader, f"word{i}")
    with pytest.raises(UserInputError) as caught:
        subscriptions.subscribe(store, taxonomy, reader, "one more")
    assert caught.value.key == "subscribe.too_many"
    assert caught.value.args_map == {"max": subscriptions.MAX_KEYWORDS}
    # Topics are not keywords: they are not limited by it.
    assert subscriptions.subscribe(store, taxonomy, reader, "water").outcome is Outcome.ADDED


def test_set_topic_is_idempotent_so_a_double_tap_follows_once(store: Store, reader: int) -> None:
    assert subscriptions.set_topic(store, reader, "water", follow=True) is True
    assert subscriptions.set_topic(store, reader, "water", follow=True) is True
    assert users.get(store, reader).topics == {"water"}  # type: ignore[union-attr]
    assert subscriptions.set_topic(store, reader, "water", follow=False) is False
    assert subscriptions.set_topic(store, reader, "water", follow=False) is False
    assert users.get(store, reader).topics == frozenset()  # type: ignore[union-attr]


def test_the_database_refuses_a_second_row_for_the_same_topic_or_keyword(
    store: Store, reader: int
) -> None:
    """What keeps two racing taps from storing a topic twice (NULLs defeat the plain unique
    constraint): the partial unique indexes of migration 0003."""
    with store.write() as session:
        session.add(Subscription(user_id=reader, topic_id="water"))
    with pytest.raises(sqlalchemy.exc.IntegrityError), store.write() as session:
        session.add(Subscription(user_id=reader, topic_id="water"))
    with store.write() as session:
        session.add(Subscription(user_id=reader, keyword="Lithium"))
    with pytest.raises(sqlalchemy.exc.IntegrityError), store.write() as session:
        session.add(Subscription(user_id=reader, keyword="lithium"))


def test_forget_deletes_every_row_about_the_reader_and_no_other(
    store: Store, taxonomy: Taxonomy, reader: int
) -> None:
    other = UID + 1
    users.start(store, user_id=other, chat_id=other, language=Lang.RU, timezone="UTC", now=NOW)
    for uid in (reader, other):
        subscriptions.subscribe(store, taxonomy, uid, "water")
        subscriptions.subscribe(store, taxonomy, uid, "lithium")
    article_id = _any_article(store)
    with store.engine.begin() as conn:
        for uid in (reader, other):
            conn.execute(
                sa.text(
                    "INSERT INTO delivery (user_id, article_id, kind, delivered_at) "
                    "VALUES (:u, :a, 'manual', :t)"
                ),
                {"u": uid, "a": article_id, "t": NOW.replace(tzinfo=None)},
            )
    users.forget(store, reader)
    assert _rows(store, reader) == {"bot_user": 0, "subscription": 0, "delivery": 0}
    assert _rows(store, other) == {"bot_user": 1, "subscription": 2, "delivery": 1}


def _any_article(store: Store) -> int:
    with store.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO article (url, title, text, summary, lang, content_hash, sketch, "
                "lsh0, lsh1, lsh2, lsh3, lsh4, lsh5, lsh6, lsh7, ingested_at) VALUES "
                "('https://e.org/a', 't', 'text', 's', 'en', 'h', 'k', 0,0,0,0,0,0,0,0, :t)"
            ),
            {"t": NOW.replace(tzinfo=None)},
        )
        return int(conn.execute(sa.text("SELECT max(id) FROM article")).scalar_one())


def _rows(store: Store, user_id: int) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            table: conn.execute(
                sa.text(f"SELECT count(*) FROM {table} WHERE {column} = :u"), {"u": user_id}
            ).scalar_one()
            for table, column in (
                ("bot_user", "id"),
                ("subscription", "user_id"),
                ("delivery", "user_id"),
            )
        }
