"""Digests: what is new for each reader, composed in memory from a window of recent articles.

The delivery tick and the /digest command share this path. Recent articles are held in an
`ArticleWindow` that grows by id (stored articles never change), so a tick that composes
thousands of digests reads each article once, not once per reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core import digest as composer
from bot.core.digest import Digest, Interest
from bot.core.models import Profile, StoredArticle
from bot.services.articles import to_stored
from bot.services.store import Store
from storage import articles, deliveries, search
from storage.tables import User

#: How far back the window reaches; older news is not "new" in any digest.
LOOKBACK = timedelta(days=7)
#: A reader's first digest covers this much past news.
FIRST_DIGEST_LOOKBACK = timedelta(days=3)
#: Keyword matches considered per keyword and tick.
KEYWORD_HITS = 200


@dataclass
class ArticleWindow:
    """Recent articles in memory, refreshed incrementally by id."""

    lookback: timedelta = LOOKBACK
    by_id: dict[int, StoredArticle] = field(default_factory=dict)
    max_id: int = 0

    def refresh(self, store: Store, now: datetime) -> None:
        oldest = now - self.lookback
        with store.read() as session:
            rows = articles.window(session, since=oldest, after_id=self.max_id)
        for article, locator, links in rows:
            stored = to_stored(article, locator, links)
            self.by_id[stored.id] = stored
            self.max_id = max(self.max_id, stored.id)
        for stale in [i for i, a in self.by_id.items() if a.ingested_at < oldest]:
            del self.by_id[stale]

    @property
    def min_id(self) -> int:
        return min(self.by_id, default=self.max_id + 1)

    def since(self, moment: datetime) -> list[StoredArticle]:
        return [a for a in self.by_id.values() if a.ingested_at > moment]


def since_of(profile: Profile) -> datetime:
    """The moment after which news is new for this reader."""
    return profile.last_digest_at or (profile.created_at - FIRST_DIGEST_LOOKBACK)


def prepare(
    store: Store,
    window: ArticleWindow,
    profiles: Sequence[Profile],
    *,
    now: datetime,
    per_topic: int = composer.PER_TOPIC,
) -> list[tuple[Profile, Digest]]:
    """Compose the digest of each reader: new, matching, not yet delivered."""
    window.refresh(store, now)
    keywords = {k for p in profiles for k in p.keywords}
    with store.read() as session:
        sent = deliveries.delivered(session, [p.user_id for p in profiles], window.min_id - 1)
        hits_by_keyword = {
            k: set(search.search(session, k, limit=KEYWORD_HITS, offset=0)[0]) for k in keywords
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
                composer.compose(
                    window.since(since_of(profile)),
                    interest,
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
