"""Digests: what is new for each reader, composed in memory from a window of recent articles.

The delivery tick and the /digest command share this path. Recent articles are held in an
`ArticleWindow` that grows by id (stored articles never change), so a tick that composes
thousands of digests reads each article once, not once per reader.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import ParamSpec, TypeVar

import sqlalchemy.exc

from bot.core import digest as composer
from bot.core import schedule, timezones
from bot.core import stories as story_links
from bot.core.digest import Digest, Interest
from bot.core.errors import StorageError
from bot.core.models import Profile, StoredArticle
from bot.services.articles import to_stored
from bot.services.store import Store
from bot.services.users import to_profile
from storage import articles, deliveries, search
from storage import users as users_repo
from storage.tables import User

#: How far back the window reaches; older news is not "new" in any digest.
LOOKBACK = timedelta(days=7)
#: Seconds between two prunings of articles that left the window.
PRUNE_S = 3600.0
#: A reader's first digest covers this much past news.
FIRST_DIGEST_LOOKBACK = timedelta(days=3)
#: Keyword matches considered per keyword and tick.
KEYWORD_HITS = 200


P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def _database() -> Iterator[None]:
    """The database refused or dropped a connection: a StorageError the delivery can retry."""
    try:
        yield
    except sqlalchemy.exc.DBAPIError as exc:
        raise StorageError(f"database unavailable: {exc.orig or exc}") from exc


def _wrapped(func: Callable[P, R]) -> Callable[P, R]:
    @wraps(func)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        with _database():
            return func(*args, **kwargs)

    return call


@dataclass
class ArticleWindow:
    """Recent articles in memory, refreshed incrementally by id, indexed for composing
    (`pool`) and with their translations linked (`stories`) whenever they change."""

    lookback: timedelta = LOOKBACK
    by_id: dict[int, StoredArticle] = field(default_factory=dict)
    max_id: int = 0
    pool: composer.Pool = field(default_factory=lambda: composer.Pool(()))
    linker: story_links.Linker = field(default_factory=story_links.Linker)
    #: A refresh within this many seconds of the last one is skipped: indexing is done for
    #: all readers at once, not on every /digest (the OVERLAP covers the lag).
    max_age_s: float = 20.0
    _refreshed: float = field(default=float("-inf"), repr=False)
    _pruned: float = field(default_factory=time.monotonic, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: Ids of the last OVERLAP's articles that `pending_alerts` has looked at.
    alert_looked: set[int] = field(default_factory=set, repr=False)

    @property
    def stories(self) -> dict[int, int]:
        return self.linker.stories

    def refresh(self, store: Store, now: datetime, *, force: bool = False) -> None:
        """Take in the articles stored since the last refresh (one thread at a time; readers
        keep using the previous pool until the new one is assigned)."""
        with self._lock:
            if not force and time.monotonic() - self._refreshed < self.max_age_s:
                return
            self._refresh(store, now)
            self._refreshed = time.monotonic()

    def _refresh(self, store: Store, now: datetime) -> None:
        oldest = now - self.lookback
        with store.read() as session:
            # Articles committed after one with a higher id (concurrent ingests on
            # PostgreSQL) are caught by looking OVERLAP back as well.
            recent = articles.ids_since(session, since=now - OVERLAP, upto_id=self.max_id)
            late = [i for i in recent if i not in self.by_id]
            rows = articles.window(session, since=oldest, after_id=self.max_id, also=late)
        new = [to_stored(article, locator, links) for article, locator, links in rows]
        for stored in new:
            self.by_id[stored.id] = stored
            self.max_id = max(self.max_id, stored.id)
        # Articles that left the window are dropped (a full re-index) at most every PRUNE_S:
        # until then they stay, older than anybody's "since" but a weekly reader's.
        if time.monotonic() - self._pruned >= PRUNE_S:
            self._pruned = time.monotonic()
            stale = [i for i, a in self.by_id.items() if a.ingested_at < oldest]
            if stale:
                for article_id in stale:
                    del self.by_id[article_id]
                self.linker.forget(stale)
                self.load(self.by_id.values())
                return
        if new:
            self.linker.add(new)
            if not self.pool.extend(new):
                self.load(self.by_id.values())

    def load(self, items: Iterable[StoredArticle]) -> None:
        """Index these articles (the window's own, or given ones in benchmarks and tests)."""
        self.by_id = {a.id: a for a in items}
        self.max_id = max(self.by_id, default=self.max_id)
        self.linker.add(self.by_id.values())
        self.pool = composer.Pool(self.by_id.values(), self.linker.stories)

    @property
    def min_id(self) -> int:
        return min(self.by_id, default=self.max_id + 1)

    def since(self, moment: datetime) -> list[StoredArticle]:
        return [a for a in self.by_id.values() if a.ingested_at > moment]


#: Articles are stamped when their batch starts and become visible when it commits, so one
#: stamped just before a digest may appear just after it; looking back this much further
#: catches it, and the delivery records keep what was shown from being shown again.
OVERLAP = timedelta(minutes=5)


def since_of(profile: Profile) -> datetime:
    """The moment after which news is new for this reader."""
    if profile.last_digest_at is None:
        return profile.created_at - FIRST_DIGEST_LOOKBACK
    return profile.last_digest_at - OVERLAP


@_wrapped
def prepare(
    store: Store,
    window: ArticleWindow,
    profiles: Sequence[Profile],
    *,
    now: datetime,
    per_topic: int = composer.PER_TOPIC,
    fresh: bool = True,
) -> list[tuple[Profile, Digest]]:
    """Compose the digest of each reader: new, matching, not yet delivered. With
    `fresh=False` (one reader's /digest) a window refreshed in the last seconds is used as it
    is, so a stream of /digest commands does not re-index the window for each."""
    window.refresh(store, now, force=fresh)
    keywords = {k for p in profiles for k in p.keywords}
    with store.read() as session:
        sent = deliveries.delivered(session, [p.user_id for p in profiles], window.min_id - 1)
        hits_by_keyword = {
            k: set(
                search.recent_matches(session, k, after_id=window.min_id - 1, limit=KEYWORD_HITS)
            )
            for k in keywords
        }
    out = []
    for profile in profiles:
        hits: dict[int, tuple[str, ...]] = {}
        for keyword in profile.keywords:
            for article_id in hits_by_keyword.get(keyword, ()):
                hits[article_id] = (*hits.get(article_id, ()), keyword)
        interest = Interest(profile.topics, profile.article_langs, hits)
        out.append(
            (
                profile,
                window.pool.compose(
                    interest,
                    since_of(profile),
                    delivered=sent.get(profile.user_id, set()),
                    per_topic=per_topic,
                    now=now,
                ),
            )
        )
    return out


def mark_delivered(
    store: Store, user_id: int, article_ids: Sequence[int], *, kind: str, now: datetime
) -> None:
    with store.write() as session:
        deliveries.record(session, user_id, article_ids, kind=kind, now=now)


def record_sent(
    store: Store, user_id: int, article_ids: Sequence[int], *, kind: str, now: datetime
) -> None:
    """Record a digest the reader received on request: its articles and the moment."""
    with store.write() as session:
        deliveries.record(session, user_id, article_ids, kind=kind, now=now)
        user = session.get(User, user_id)
        if user is not None:
            user.last_digest_at = now
            session.add(user)


# --- scheduled delivery ----------------------------------------------------------------------

#: How long a claimed reader stays with the claiming process unless it renews the claim; one
#: that dies lets it lapse and the reader is claimed again by whoever ticks next.
CLAIM_LEASE = timedelta(minutes=2)


@_wrapped
def claim_due(
    store: Store, *, now: datetime, limit: int, worker: str, lease: timedelta = CLAIM_LEASE
) -> list[Profile]:
    """Claim readers whose digest is due, for this process only."""
    with store.write() as session:
        rows = deliveries.claim_due(session, now=now, limit=limit, worker=worker, lease=lease)
        subs = users_repo.subscriptions_of(session, [u.id for u in rows])
        return [to_profile(u, subs[u.id]) for u in rows]


@_wrapped
def renew_claims(store: Store, *, worker: str, user_ids: Sequence[int], until: datetime) -> int:
    """Keep the readers this process is still sending to; returns how many it holds."""
    with store.write() as session:
        return deliveries.renew(session, worker=worker, user_ids=user_ids, until=until)


def next_slot(profile: Profile, now: datetime) -> datetime | None:
    """The reader's next regular digest after `now`: one catch-up, never one per missed day."""
    due_at = profile.next_digest_at or now
    return schedule.catch_up(
        due_at=due_at,
        now=now,
        local_time=schedule.parse_time(profile.digest_time),
        zone=timezones.load_zone(profile.timezone),
        frequency=schedule.Frequency(profile.frequency),
    )


@_wrapped
def finish(store: Store, profile: Profile, *, worker: str, now: datetime, sent: bool) -> bool:
    """The digest went out (or there was nothing new): schedule the next one, drop the claim."""
    with store.write() as session:
        return deliveries.finish(
            session,
            profile.user_id,
            worker=worker,
            sent_at=now if sent else None,
            next_at=next_slot(profile, now),
        )


@_wrapped
def postpone(store: Store, user_id: int, *, worker: str, until: datetime) -> None:
    """Telegram failed for now: keep the digest due and let it be claimed again after `until`."""
    with store.write() as session:
        deliveries.postpone(session, user_id, worker=worker, until=until)


@_wrapped
def gone(store: Store, user_id: int, *, now: datetime, worker: str | None = None) -> None:
    """Telegram says the reader blocked the bot, is deactivated or the chat is gone: stop
    sending until they /start again, and drop the claim `worker` holds."""
    with store.write() as session:
        user = users_repo.get(session, user_id)
        if user is not None:
            user.active = False
            session.add(user)
        if worker is not None:
            deliveries.postpone(session, user_id, worker=worker, until=now)


@_wrapped
def record_message(
    store: Store, user_id: int, article_ids: Sequence[int], *, kind: str, now: datetime
) -> None:
    """Telegram accepted a message: its articles are delivered and never sent again."""
    with store.write() as session:
        deliveries.record(session, user_id, article_ids, kind=kind, now=now)


# --- alerts -------------------------------------------------------------------------------------

ALERT_CURSOR = "alerts"
#: When alerts first looked (epoch milliseconds): what was stored before is never alerted.
ALERT_START = "alerts.start"


@dataclass(frozen=True, slots=True)
class Alert:
    profile: Profile
    article: StoredArticle
    topic_id: str
    #: Other versions of the story (reprints, translations), shown as extra links.
    also: tuple[StoredArticle, ...] = ()


@_wrapped
def pending_alerts(
    store: Store, window: ArticleWindow, *, now: datetime, min_score: float
) -> tuple[list[Alert], int]:
    """Strong matches stored since the last look, for readers with alerts on; and the id up to
    which articles were looked at (pass it to `advance_alerts` once they are sent)."""
    window.refresh(store, now, force=True)
    with store.read() as session:
        after = deliveries.cursor(session, ALERT_CURSOR)
        if after == 0:  # first run: start from now, do not alert on the whole back catalogue
            return [], window.max_id
        # Past the cursor, and the last OVERLAP again: an article committed late (concurrent
        # ingests on PostgreSQL) may have an id below the cursor. What was alerted already is
        # in the deliveries and is not alerted twice.
        start = datetime.fromtimestamp(deliveries.cursor(session, ALERT_START) / 1000, UTC)
        settled = max(now - OVERLAP, start)
        looked = window.alert_looked
        fresh = [
            a
            for a in window.by_id.values()
            if a.id not in looked and (a.id > after or a.ingested_at >= settled)
        ]
        # Each article is looked at once per process: the look costs a query over every
        # reader with alerts on, and the ticks of the OVERLAP would otherwise repeat it.
        window.alert_looked = {
            i for i in looked if i in window.by_id and window.by_id[i].ingested_at >= settled
        } | {a.id for a in fresh}
        upto = max([after, *(a.id for a in fresh)])
        strong: dict[str, list[StoredArticle]] = {}
        for article in fresh:
            for t in article.topics:
                if t.score >= min_score:
                    strong.setdefault(t.topic_id, []).append(article)
        if not strong:
            return [], upto
        rows = users_repo.alert_subscribers(session, list(strong))
        subs = users_repo.subscriptions_of(session, [u.id for u in rows])
        readers = [to_profile(u, subs[u.id]) for u in rows]
        # Everything delivered in the window, so that a story the reader already has in one
        # version (a digest yesterday, an alert) is not alerted again in another.
        sent = deliveries.delivered(session, [p.user_id for p in readers], window.min_id - 1)
    pool = window.pool
    alerts = []
    for profile in readers:
        got = sent[profile.user_id]
        langs = profile.article_langs
        seen = {pool.story_of(d) for d in got}
        for topic_id in sorted(profile.topics & strong.keys()):
            for article in sorted(strong[topic_id], key=lambda a: (-_score(a, topic_id), a.id)):
                story = pool.story_of(article.id)
                if story in seen or (langs and article.lang not in langs):
                    continue
                seen.add(story)
                also = tuple(
                    m
                    for m in pool.members(article.id)
                    if m.id != article.id
                    and m.id not in got
                    and not (langs and m.lang not in langs)
                )
                alerts.append(Alert(profile, article, topic_id, also))
    return alerts, upto


def _score(article: StoredArticle, topic_id: str) -> float:
    return max((t.score for t in article.topics if t.topic_id == topic_id), default=0.0)


@_wrapped
def advance_alerts(store: Store, upto: int, *, now: datetime) -> None:
    with store.write() as session:
        if not deliveries.cursor(session, ALERT_CURSOR):
            deliveries.set_cursor(session, ALERT_START, math.ceil(now.timestamp() * 1000))
        deliveries.set_cursor(session, ALERT_CURSOR, upto)
