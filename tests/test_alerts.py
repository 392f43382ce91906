"""Instant alerts and the article window, on both backends (issue #7): each strong match is
alerted once, one per story, also when ingests commit out of id order (PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.models import Lang
from bot.services import digests, subscriptions, users
from bot.services.store import Store
from storage import deliveries
from storage.tables import Article, ArticleTopic

SCORE = 3.5


def _article(
    store: Store, article_id: int, *, score: float = 5.0, story: int | None = None
) -> None:
    """An article stored now under an id of the test's choosing: a later call with a lower id
    is an ingest whose transaction committed after one that took a higher id."""
    with store.write() as session:
        session.add(
            Article(
                id=article_id, url=f"https://n.example/{article_id}", title=f"Water {article_id}",
                text=f"Text {article_id}", summary=f"Summary {article_id}", lang="ru",
                content_hash=f"{article_id:064x}", sketch="f" * 128,
                **{f"lsh{i}": 0 for i in range(8)}, story_id=story,
                ingested_at=datetime.now(UTC),
            )
        )  # fmt: skip
        session.flush()
        session.add(ArticleTopic(article_id=article_id, topic_id="water", score=score, terms=""))


def _reader(store: Store, user_id: int, *, alerts: bool = True) -> None:
    now = datetime.now(UTC)
    users.start(store, user_id=user_id, chat_id=user_id, language=Lang.EN, timezone="UTC", now=now)
    subscriptions.set_topic(store, user_id, "water", follow=True)
    users.set_alerts(store, user_id, alerts, now=now)


def _tick(store: Store, window: digests.ArticleWindow) -> list[tuple[int, int]]:
    """One alerts tick as the delivery does it: what to send, recorded as sent, cursor moved."""
    now = datetime.now(UTC)
    alerts, upto = digests.pending_alerts(store, window, now=now, min_score=SCORE)
    for alert in alerts:
        digests.record_message(
            store, alert.profile.user_id, [alert.article.id], kind="alert", now=now
        )
    digests.advance_alerts(store, upto, now=now)
    return sorted((a.profile.user_id, a.article.id) for a in alerts)


def test_strong_matches_are_alerted_once_to_readers_with_alerts_on(store: Store) -> None:
    _reader(store, 1)
    _reader(store, 2, alerts=False)
    window = digests.ArticleWindow()
    _article(store, 10)
    assert _tick(store, window) == []  # the first look starts from now
    _article(store, 11)
    _article(store, 12, score=1.0)  # too weak for an alert
    assert _tick(store, window) == [(1, 11)]
    assert _tick(store, window) == []
    # A restarted process looks at the recent articles again: the deliveries say 11 was sent.
    assert _tick(store, digests.ArticleWindow()) == []


def test_an_article_committed_after_a_higher_id_is_still_alerted_and_in_the_window(
    store: Store,
) -> None:
    _reader(store, 1)
    window = digests.ArticleWindow()
    _article(store, 10)
    _tick(store, window)
    _article(store, 30)
    assert _tick(store, window) == [(1, 30)]
    _article(store, 20)  # its ingest took id 20 before 30 but committed after it
    assert _tick(store, window) == [(1, 20)]
    assert {10, 20, 30} <= window.by_id.keys()
    with store.read() as session:
        assert deliveries.cursor(session, digests.ALERT_CURSOR) == 30


def test_one_alert_per_story(store: Store) -> None:
    _reader(store, 1)
    window = digests.ArticleWindow()
    _article(store, 10)
    _tick(store, window)
    _article(store, 11)
    _article(store, 12, story=11)  # a reprint of 11
    assert _tick(store, window) == [(1, 11)]
    _article(store, 13, story=11)  # a later reprint: the reader has the story
    assert _tick(store, window) == []


def test_the_window_takes_in_late_articles_only_once(store: Store) -> None:
    window = digests.ArticleWindow()
    now = datetime.now(UTC)
    _article(store, 5)
    window.refresh(store, now, force=True)
    _article(store, 3)
    window.refresh(store, now + timedelta(seconds=1), force=True)
    window.refresh(store, now + timedelta(seconds=2), force=True)
    assert sorted(window.by_id) == [3, 5]
    assert sorted(a.id for a in window.pool.by_id.values()) == [3, 5]
