"""Digest composition: what is new for one reader, grouped by topic, best first, each story once."""

from __future__ import annotations

import textwrap
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
) -> Digest:
    """Group new matching articles by the reader's topics; each story appears once, in the
    section of its best-scoring topic, best first by score and then recency."""
    now = now or datetime.now(UTC)
    stories: dict[int, list[tuple[float, str | None, StoredArticle]]] = {}
    for article in articles:
        if article.id in delivered or (interest.langs and article.lang not in interest.langs):
            continue
        matches = [t for t in article.topics if t.topic_id in interest.topics]
        if matches:
            best = max(matches, key=lambda t: t.score)
            placed: tuple[float, str | None] = (best.score, best.topic_id)
        elif article.id in interest.keyword_hits:
            placed = (0.0, None)
        else:
            continue
        stories.setdefault(article.story_id or article.id, []).append((*placed, article))
    sections: dict[str | None, list[DigestItem]] = {}
    for members in stories.values():
        members.sort(key=lambda m: (-m[0], -_ts(m[2], now)))
        score, topic_id, lead = members[0]
        sections.setdefault(topic_id, []).append(
            DigestItem(lead, score, tuple(m[2] for m in members[1:]))
        )
    ordered = []
    # Topics by their best item; the keyword section last.
    for topic_id in sorted(sections, key=lambda t: (t is None, -max(i.score for i in sections[t]))):
        items = sorted(sections[topic_id], key=lambda i: (-i.score, -_ts(i.article, now)))
        ordered.append(
            DigestSection(topic_id, tuple(items[:per_topic]), more=max(0, len(items) - per_topic))
        )
    ids = frozenset(m[2].id for members in stories.values() for m in members)
    return Digest(tuple(ordered), ids)


def _ts(article: StoredArticle, now: datetime) -> float:
    return (article.published_at or article.ingested_at or now).timestamp()


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
