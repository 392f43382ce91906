"""Digest composition: what is new for one reader, grouped by topic, best first, each story once."""

from __future__ import annotations

import textwrap
from bisect import bisect_right, insort
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
    """Group new matching articles by the reader's topics (see `Pool.compose`); here every
    article given counts as new."""
    return Pool(articles, stories).compose(
        interest, datetime.min.replace(tzinfo=UTC), delivered=delivered, per_topic=per_topic
    )


class Pool:
    """The articles of a window, ranked per topic, so that composing a digest walks down the
    reader's topics only as far as the items it shows.

    A story is a set of reprints (same `story_id`) and translations (`stories`, from
    `bot.core.stories`): its best article leads, the others are extra links. Each story appears
    once, in the section of the reader's topic where it scores best; sections are ordered by
    their best item, items by score and then recency. "And K more" counts the topic's other
    new articles, as `/latest TOPIC` lists them (some may stand in another section).

    Readers with the same topics and languages whose last digest falls between the same two
    articles get the same digest, unless some of those articles were already delivered to them
    (an alert, a /digest) or their keywords matched: that digest is composed once and shared.
    """

    #: Shared digests kept; the pool is rebuilt whenever the window changes anyway.
    MEMO = 50_000

    def __init__(
        self, articles: Iterable[StoredArticle], stories: Mapping[int, int] | None = None
    ) -> None:
        self.by_id = {a.id: a for a in articles}
        self.stories = stories or {}
        self._at = {a.id: a.ingested_at.timestamp() for a in self.by_id.values()}
        self._times = sorted(self._at.values())
        self._group: dict[int, int] = {}
        self._members: dict[int, list[StoredArticle]] = {}
        ranked: dict[str, list[tuple[float, float, StoredArticle]]] = {}
        for article in self.by_id.values():
            story = article.story_id or article.id
            group = self.stories.get(story, story)
            self._group[article.id] = group
            self._members.setdefault(group, []).append(article)
            recency = _ts(article, 0.0)
            for t in article.topics:
                ranked.setdefault(t.topic_id, []).append((t.score, recency, article))
        for members in self._members.values():
            members.sort(key=lambda a: (-_best(a), a.id))
        #: Per topic, best first: (ingested at, id, story group, language, article, score),
        #: flat tuples so the walk down a topic costs a few comparisons per article.
        self._ranked: dict[str, list[tuple[float, int, int, Lang, StoredArticle, float]]] = {
            topic_id: [
                (self._at[a.id], a.id, self._group[a.id], a.lang, a, score)
                for score, _, a in sorted(items, key=lambda x: (-x[0], -x[1], x[2].id))
            ]
            for topic_id, items in ranked.items()
        }
        self._score = {(a.id, t.topic_id): t.score for a in self.by_id.values() for t in a.topics}
        self._topic_times: dict[tuple[str, Lang | None], list[float]] = {}
        for topic_id, entries in self._ranked.items():
            self._topic_times[topic_id, None] = sorted(e[0] for e in entries)
            for at, _, _, lang, _, _ in entries:
                self._topic_times.setdefault((topic_id, lang), []).append(at)
        for times in self._topic_times.values():
            times.sort()
        self._memo: dict[tuple[frozenset[str], frozenset[Lang], int, int], Digest] = {}
        self.shared = 0

    def extend(self, articles: Iterable[StoredArticle]) -> bool:
        """Add newly stored articles in place (the window grows every tick; rebuilding the
        whole index each time would cost seconds with a week of news). False, with nothing
        changed, when a translation link moved a story that already has articles here:
        then the caller rebuilds the pool."""
        items = [a for a in articles if a.id not in self.by_id]
        for article in items:
            story = article.story_id or article.id
            if story in self._members and self.stories.get(story, story) != story:
                return False
        for article in items:
            self._add(article)
        self._memo.clear()
        return True

    def _add(self, article: StoredArticle) -> None:
        self.by_id[article.id] = article
        at = self._at[article.id] = article.ingested_at.timestamp()
        insort(self._times, at)
        story = article.story_id or article.id
        group = self._group[article.id] = self.stories.get(story, story)
        members = self._members.setdefault(group, [])
        members.append(article)
        members.sort(key=lambda a: (-_best(a), a.id))
        for t in article.topics:
            self._score[article.id, t.topic_id] = t.score
            entry = (at, article.id, group, article.lang, article, t.score)
            insort(
                self._ranked.setdefault(t.topic_id, []),
                entry,
                key=lambda e: (-e[5], -_ts(e[4], 0.0), e[1]),
            )
            insort(self._topic_times.setdefault((t.topic_id, None), []), at)
            insort(self._topic_times.setdefault((t.topic_id, article.lang), []), at)

    def compose(
        self,
        interest: Interest,
        since: datetime,
        *,
        delivered: Collection[int] = (),
        per_topic: int = PER_TOPIC,
        now: datetime | None = None,
        share: bool = True,
    ) -> Digest:
        """The reader's digest of what was ingested after `since` and not delivered to them
        (`share=False` composes it afresh even when an equal one is at hand)."""
        after = since.timestamp()
        private = (
            not share
            or bool(interest.keyword_hits)
            or any(self._at.get(d, 0.0) > after or self._in_story(d) for d in delivered)
        )
        key = (interest.topics, interest.langs, per_topic, bisect_right(self._times, after))
        if not private and key in self._memo:
            self.shared += 1
            return self._memo[key]
        digest = self._compose(interest, after, delivered, per_topic)
        if not private:
            if len(self._memo) >= self.MEMO:
                self._memo.clear()
            self._memo[key] = digest
        return digest

    def story_of(self, article_id: int) -> int:
        """The story an article belongs to (its reprints and translations share it)."""
        return self._group.get(article_id, article_id)

    def members(self, article_id: int) -> Sequence[StoredArticle]:
        """The articles of this article's story, best first (the article alone if unknown)."""
        return self._members.get(self.story_of(article_id), ())

    def _in_story(self, article_id: int) -> bool:
        """The article has reprints or translations here."""
        return len(self.members(article_id)) > 1

    def _eligible(
        self,
        article: StoredArticle,
        after: float,
        delivered: Collection[int],
        langs: frozenset[Lang],
    ) -> bool:
        return (
            self._at[article.id] > after
            and article.id not in delivered
            and not (langs and article.lang not in langs)
        )

    def _compose(
        self,
        interest: Interest,
        after: float,
        delivered: Collection[int],
        per_topic: int,
    ) -> Digest:
        wanted, langs = interest.topics, interest.langs
        # A story of which the reader already got one version (an alert in Russian, yesterday's
        # digest before the Kazakh translation came in) is not shown again in another one.
        used: set[int] = {self._group[d] for d in delivered if d in self._group}
        shown: set[int] = set()
        sections: list[tuple[tuple[bool, float], DigestSection]] = []
        for topic_id in sorted(wanted):
            items: list[DigestItem] = []
            for at, article_id, group, lang, article, score in self._ranked.get(topic_id, ()):
                if (
                    at <= after
                    or group in used
                    or article_id in delivered
                    or (langs and lang not in langs)
                ):
                    continue
                if len(wanted) > 1 and self._home(article, wanted) != topic_id:
                    continue  # it leads the section of a topic where it scores better
                used.add(group)
                members = self._members[group]
                also = (
                    tuple(
                        m
                        for m in members
                        if m.id != article_id and self._eligible(m, after, delivered, langs)
                    )
                    if len(members) > 1
                    else ()
                )
                shown.update((article_id, *(m.id for m in also)))
                items.append(DigestItem(article, score, also))
                if len(items) == per_topic:
                    break
            if not items:
                continue
            new = self._new_count(topic_id, after, delivered, langs)
            more = max(0, new - sum(1 + len(i.also) for i in items))
            sections.append(((False, -items[0].score), DigestSection(topic_id, tuple(items), more)))
        keyword_items = self._keyword_items(interest, after, delivered, used)
        if keyword_items:
            shown.update(i.article.id for i in keyword_items)
            more = max(0, len(keyword_items) - per_topic)
            section = DigestSection(None, tuple(keyword_items[:per_topic]), more)
            sections.append(((True, 0.0), section))
        sections.sort(key=lambda pair: pair[0])
        return Digest(tuple(section for _, section in sections), frozenset(shown))

    def _home(self, article: StoredArticle, wanted: frozenset[str]) -> str:
        """The reader's topic where the article scores best (ties: the first id)."""
        best, home = -1.0, ""
        for t in article.topics:
            if t.topic_id in wanted and (t.score > best or (t.score == best and t.topic_id < home)):
                best, home = t.score, t.topic_id
        return home

    def _new_count(
        self, topic_id: str, after: float, delivered: Collection[int], langs: frozenset[Lang]
    ) -> int:
        """The topic's articles ingested after `after`, in the reader's languages, not
        delivered to them: counted by bisection, the reader's few deliveries taken off."""
        keys = [(topic_id, lang) for lang in langs] if langs else [(topic_id, None)]
        new = 0
        for key in keys:
            times = self._topic_times.get(key, [])
            new += len(times) - bisect_right(times, after)
        gone = 0
        for d in delivered:
            article = self.by_id.get(d)
            if (
                article is not None
                and (d, topic_id) in self._score
                and self._at[d] > after
                and not (langs and article.lang not in langs)
            ):
                gone += 1
        return new - gone

    def _keyword_items(
        self, interest: Interest, after: float, delivered: Collection[int], used: set[int]
    ) -> list[DigestItem]:
        """Keyword matches that no topic section shows, newest first."""
        found = []
        for article_id in interest.keyword_hits:
            article = self.by_id.get(article_id)
            if article is None or not self._eligible(article, after, delivered, interest.langs):
                continue
            group = self._group[article_id]
            if group in used:
                continue
            used.add(group)
            found.append(DigestItem(article, 0.0))
        found.sort(key=lambda i: (-_ts(i.article, 0.0), -i.article.id))
        return found


def _best(article: StoredArticle) -> float:
    return max((t.score for t in article.topics), default=0.0)


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
            lines.extend(_item_lines(item, section.topic_id, width))
        if section.more:
            lines.append(f"   … and {section.more} more")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _item_lines(item: DigestItem, topic_id: str | None, width: int) -> Sequence[str]:
    a = item.article
    date = (a.published_at or a.ingested_at).date().isoformat()
    mine = [t for t in a.topics if topic_id is None or t.topic_id == topic_id]
    terms = ", ".join(dict.fromkeys(term for t in mine for term in t.terms))
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
