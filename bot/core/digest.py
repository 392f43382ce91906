"""Digest composition: what is new for one reader, grouped by topic, best first, each story once."""

from __future__ import annotations

import textwrap
from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.core.models import Lang, StoredArticle

#: Items shown per topic before "and K more".
PER_TOPIC = 5


@dataclass(frozen=True, slots=True)
class Interest:
    """What a reader wants: topic ids, article languages (empty = all), and the articles their
    keywords matched (article id -> the keywords), found by the store's search."""

    topics: frozenset[str]
    langs: frozenset[Lang] = frozenset()
    keyword_hits: Mapping[int, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DigestItem:
    article: StoredArticle
    score: float
    #: Other articles of the same story (reprints, translations), shown as extra links.
    also: tuple[StoredArticle, ...] = ()


@dataclass(frozen=True, slots=True)
class DigestSection:
    #: The topic of the section; None for the section of keyword matches.
    topic_id: str | None
    items: tuple[DigestItem, ...]
    more: int = 0


@dataclass(frozen=True, slots=True)
class Digest:
    sections: tuple[DigestSection, ...]
    #: Every article the digest accounts for (shown, grouped under a story, or counted in "more").
    article_ids: frozenset[int]

    @property
    def empty(self) -> bool:
        return not self.sections


def compose(
    articles: Iterable[StoredArticle],
    interest: Interest,
    *,
    delivered: Collection[int] = (),
    per_topic: int = PER_TOPIC,
    now: datetime | None = None,
    stories: Mapping[int, int] | None = None,
) -> Digest:
    """Group new matching articles by the reader's topics; each story appears once, in the
    section of its best-scoring topic, best first by score and then recency.

    A story is a set of reprints (same `story_id`) and translations (`stories`, from
    `bot.core.stories.link_translations`): its best article leads, the others are extra links.
    """
    now = now or datetime.now(UTC)
    fallback = now.timestamp()
    links = stories or {}
    wanted, langs, hits = interest.topics, interest.langs, interest.keyword_hits
    groups: dict[int, list[tuple[float, float, str | None, StoredArticle]]] = {}
    for article in articles:
        if article.id in delivered or (langs and article.lang not in langs):
            continue
        score, topic_id = -1.0, None
        for t in article.topics:
            if t.topic_id in wanted and t.score > score:
                score, topic_id = t.score, t.topic_id
        if topic_id is None:
            if article.id not in hits:
                continue
            score = 0.0
        story = article.story_id or article.id
        groups.setdefault(links.get(story, story), []).append(
            (score, _ts(article, fallback), topic_id, article)
        )
    sections: dict[str | None, list[DigestItem]] = {}
    ranks: dict[str | None, list[tuple[float, float]]] = {}
    for members in groups.values():
        if len(members) > 1:
            members.sort(key=lambda m: (-m[0], -m[1]))
        score, ts, topic_id, lead = members[0]
        sections.setdefault(topic_id, []).append(
            DigestItem(lead, score, tuple(m[3] for m in members[1:]))
        )
        ranks.setdefault(topic_id, []).append((score, ts))
    ordered = []
    # Topics by their best item; the keyword section last.
    for topic_id in sorted(sections, key=lambda t: (t is None, -max(s for s, _ in ranks[t]))):
        items = sections[topic_id]
        order = sorted(
            range(len(items)), key=lambda i: (-ranks[topic_id][i][0], -ranks[topic_id][i][1])
        )
        shown = tuple(items[i] for i in order[:per_topic])
        ordered.append(DigestSection(topic_id, shown, more=max(0, len(items) - per_topic)))
    ids = frozenset(m[3].id for members in groups.values() for m in members)
    return Digest(tuple(ordered), ids)


class Pool:
    """The articles of a window indexed by topic and time, so that composing thousands of
    digests looks at each reader's topics since their last digest only, not at every article."""

    def __init__(self, articles: Iterable[StoredArticle]) -> None:
        self.by_id = {a.id: a for a in articles}
        by_topic: dict[str, list[StoredArticle]] = {}
        for article in self.by_id.values():
            for t in article.topics:
                by_topic.setdefault(t.topic_id, []).append(article)
        self._topics: dict[str, tuple[list[float], list[StoredArticle]]] = {}
        for topic_id, members in by_topic.items():
            members.sort(key=lambda a: (a.ingested_at, a.id))
            self._topics[topic_id] = ([a.ingested_at.timestamp() for a in members], members)

    def candidates(self, interest: Interest, since: datetime) -> list[StoredArticle]:
        """Articles ingested after `since` in the reader's topics or matching their keywords."""
        after = since.timestamp()
        found: dict[int, StoredArticle] = {}
        for topic_id in interest.topics:
            indexed = self._topics.get(topic_id)
            if indexed is None:
                continue
            times, members = indexed
            for article in members[bisect_right(times, after) :]:
                found[article.id] = article
        for article_id in interest.keyword_hits:
            hit = self.by_id.get(article_id)
            if hit is not None and hit.ingested_at > since:
                found[article_id] = hit
        return list(found.values())


def _ts(article: StoredArticle, fallback: float) -> float:
    moment = article.published_at or article.ingested_at
    return moment.timestamp() if moment else fallback


def render_text(digest: Digest, topic_names: Mapping[str, str], *, width: int = 100) -> str:
    """A plain-text digest for the terminal (the Telegram layer renders HTML itself)."""
    lines: list[str] = []
    for section in digest.sections:
        name = topic_names.get(section.topic_id or "", section.topic_id or "keywords")
        lines.append(f"== {name} ==")
        for item in section.items:
            lines.extend(_item_lines(item, width))
        if section.more:
            lines.append(f"   … and {section.more} more")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _item_lines(item: DigestItem, width: int) -> Sequence[str]:
    a = item.article
    date = (a.published_at or a.ingested_at).date().isoformat()
    terms = ", ".join(dict.fromkeys(term for t in a.topics for term in t.terms))
    out = [f"• {a.title} [{a.lang}] {date}"]
    if a.url:
        out.append(f"  {a.url}")
    out.extend(f"  {line}" for line in _wrap(a.summary, width - 2))
    if terms:
        out.append(f"  matched: {terms}")
    out.extend(f"  also: {o.url or o.title} [{o.lang}]" for o in item.also)
    return out


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]
