"""Subscriptions: topics by id or name in any language, and free keywords."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy.exc

from bot.core.errors import UserInputError
from bot.core.topics import Taxonomy
from bot.services.store import Store
from storage import users
from storage.tables import Subscription

MAX_KEYWORD_CHARS = 64
MAX_KEYWORDS = 20


class Outcome(StrEnum):
    ADDED = "added"
    ALREADY = "already"
    REMOVED = "removed"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class Change:
    """What a (un)subscribe did: to a topic (its id) or a keyword."""

    outcome: Outcome
    topic_id: str | None = None
    keyword: str | None = None


def set_topic(store: Store, user_id: int, topic_id: str, *, follow: bool) -> bool:
    """Follow (or stop following) a topic; idempotent, so a button pressed twice does it once.
    True when the reader now follows it."""
    try:
        with store.write() as session:
            found = users.find_subscription(session, user_id, topic_id=topic_id)
            if follow and found is None:
                session.add(Subscription(user_id=user_id, topic_id=topic_id))
            elif not follow and found is not None:
                session.delete(found)
    except sqlalchemy.exc.IntegrityError:
        # A concurrent tap inserted the same row first (PostgreSQL reads committed): it is there.
        if not _exists(store, user_id, topic_id, None):
            raise
    return follow


def subscribe(store: Store, taxonomy: Taxonomy, user_id: int, text: str) -> Change:
    """A topic when `text` names one (id or name in any language), else a keyword."""
    topic, keyword = _parse(taxonomy, text, usage_key="subscribe.usage")
    try:
        with store.write() as session:
            found = users.find_subscription(session, user_id, topic_id=topic, keyword=keyword)
            if found is not None:
                return Change(Outcome.ALREADY, topic, found.keyword)
            if keyword is not None and users.count_keywords(session, user_id) >= MAX_KEYWORDS:
                raise UserInputError(
                    f"at most {MAX_KEYWORDS} keywords", key="subscribe.too_many", max=MAX_KEYWORDS
                )
            session.add(Subscription(user_id=user_id, topic_id=topic, keyword=keyword))
    except sqlalchemy.exc.IntegrityError:
        if not _exists(store, user_id, topic, keyword):
            raise  # not a duplicate: the reader is gone (a /forget that raced)
        return Change(Outcome.ALREADY, topic, keyword)
    return Change(Outcome.ADDED, topic, keyword)


def _exists(store: Store, user_id: int, topic_id: str | None, keyword: str | None) -> bool:
    with store.read() as session:
        found = users.find_subscription(session, user_id, topic_id=topic_id, keyword=keyword)
        return found is not None


def unsubscribe(store: Store, taxonomy: Taxonomy, user_id: int, text: str) -> Change:
    """Stop following a topic or keyword (any letter case)."""
    topic, keyword = _parse(taxonomy, text, usage_key="unsubscribe.usage")
    with store.write() as session:
        found = users.find_subscription(session, user_id, topic_id=topic, keyword=keyword)
        if found is None:
            return Change(Outcome.NOT_FOUND, topic, keyword)
        session.delete(found)
        return Change(Outcome.REMOVED, topic, found.keyword)


def _parse(taxonomy: Taxonomy, text: str, *, usage_key: str) -> tuple[str | None, str | None]:
    words = " ".join(text.split())
    if not words:
        raise UserInputError("nothing to subscribe to", key=usage_key)
    topic = taxonomy.resolve(words)
    if topic is not None:
        return topic.id, None
    if len(words) > MAX_KEYWORD_CHARS:
        raise UserInputError("keyword too long", key="subscribe.too_long", max=MAX_KEYWORD_CHARS)
    if not any(ch.isalnum() for ch in words):
        raise UserInputError("keyword has no letters", key=usage_key)
    # Stored lower-case: SQLite's lower() folds ASCII only, so "Литий" and "ЛИТИЙ" would
    # otherwise be two keywords; matching ignores case anyway.
    return None, words.lower()
