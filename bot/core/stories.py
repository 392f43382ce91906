"""Translations of one story: a Russian and a Kazakh article on the same event, linked cheaply.

Reprints in one language already share a `story_id` (word shingles, see `fingerprint`); a
translation shares no words, so shingles cannot see it. What a translation keeps are anchors
that do not depend on the language:

- numbers: years, amounts, counts ("12 месторождений" / "12 кен орнын"), thousands joined;
- Latin-script words: names, acronyms and brands in a Cyrillic text ("Raw Materials Week");
- proper names: capitalised Cyrillic words not opening a sentence, transliterated to one
  Latin alphabet and reduced to their consonant skeleton, so that the Russian and Kazakh
  spellings and case endings meet: Казахстана / Қазақстанның -> kzkst, Исакулов / Исақұлов
  -> iskl.

Two articles are one story when they are in different languages, were ingested within
`MAX_APART` of each other, have the same best topic, and share at least `MIN_SHARED` anchors
that are rare in the window (an anchor in more than `COMMON_SHARE` of the articles, such as
"Kazakhstan" or the current year, says nothing) covering `MIN_COVER` of the smaller anchor set:
`ENOUGH_SHARED` of any kind, or `MIN_SHARED` of which `MIN_STRONG` are amounts or Latin words
(names and years alone collide: two stories about one minister in one year are not one story).

Measured on the hand-made pairs in tests/data/translations.jsonl (tests/test_digest.py): 10 of
10 translations linked, 0 of 10 look-alikes (same topic, minister, year) merged. On the 278
articles of ../shared/corpus/dev.jsonl put in one window at one moment (far harsher than a
2-day window), 3 links, all articles on the same Hyrasia hydrogen project in Mangystau.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from bot.core.models import StoredArticle

MAX_APART = timedelta(days=2)
#: Shared anchors that make one story: this many of any kind, or MIN_SHARED with at least
#: MIN_STRONG strong ones (amounts and Latin words; years and names are weak: a minister and
#: the current year appear in many stories).
ENOUGH_SHARED = 5
MIN_SHARED = 3
MIN_STRONG = 2
MIN_COVER = 0.35
#: Anchors in more than this share of the window's articles are ignored (from 20 articles on).
COMMON_SHARE = 0.1
COMMON_FROM = 20

_LATIN_CODE = re.compile(r"\b[A-Za-z]+[-\u2011]?\d+(?:[.,]\d+)?\b")  # COP30, PM2.5, EXPO-2017
_YEAR = re.compile(r"#(?:19|20)\d\d")
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?")
_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_SENTENCE_END = re.compile(r"[.!?…:]\s*[«\"“„(]*\s*$")
# One Latin alphabet for Russian and Kazakh letters; х and қ both give k so that Казахстан and
# Қазақстан meet. Vowels are dropped afterwards, so their values matter only for the first letter.
_TRANSLIT = str.maketrans(
    {
        "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
        "ё": "e", "ж": "j", "з": "z", "и": "i", "й": "i", "і": "i", "к": "k", "қ": "k",
        "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r",
        "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "k", "һ": "h",
        "ц": "c", "ч": "c", "ш": "s", "щ": "s", "ъ": "", "ы": "i", "ь": "", "э": "e",
        "ю": "u", "я": "a",
    }
)  # fmt: skip
_VOWELS = frozenset("aeiouy")
SKELETON = 5


@dataclass(frozen=True, slots=True)
class Anchors:
    numbers: frozenset[str]
    latin: frozenset[str]
    names: frozenset[str]

    @property
    def all(self) -> frozenset[str]:
        return self.numbers | self.latin | self.names

    @property
    def strong(self) -> frozenset[str]:
        """Amounts and Latin words: years and names are weak."""
        return frozenset(n for n in self.numbers if not _YEAR.fullmatch(n)) | self.latin


def anchors(text: str) -> Anchors:
    """The language-independent anchors of a title and summary."""
    latin, names, numbers = set(), set(), set()
    for match in _LATIN_CODE.finditer(text):
        latin.add("@" + re.sub(r"[-\u2011]", "", match.group()).replace(",", ".").lower())
    text = _LATIN_CODE.sub(" ", text)
    for match in _NUMBER.finditer(text):
        value = re.sub(r"[ \u00a0\u202f]", "", match.group()).replace(",", ".")
        if len(value.replace(".", "")) >= 2:
            numbers.add("#" + value)
    for match in _WORD.finditer(text):
        word = match.group()
        if _LATIN.match(word) and not _CYRILLIC.search(word):
            if len(word) >= 2 and (word[0].isupper() or len(word) >= 4):
                latin.add("@" + word.lower())
        elif _CYRILLIC.match(word) and word[0].isupper() and not word.isupper():
            before = text[: match.start()]
            if before.strip() and not _SENTENCE_END.search(before):
                key = skeleton(word)
                if len(key) >= 3:
                    names.add(key)
    return Anchors(frozenset(numbers), frozenset(latin), frozenset(names))


def skeleton(word: str) -> str:
    """A Cyrillic name as its first letter and following consonants, transliterated."""
    latin = word.lower().translate(_TRANSLIT)
    if not latin:
        return ""
    kept = latin[0] + "".join(c for c in latin[1:] if c not in _VOWELS)
    # Doubled letters differ between spellings (Брюссель / Брюссельде both keep one).
    squeezed = re.sub(r"(.)\1+", r"\1", kept)
    return squeezed[:SKELETON]


def _top_topic(article: StoredArticle) -> str | None:
    if not article.topics:
        return None
    return max(article.topics, key=lambda t: t.score).topic_id


def _text(article: StoredArticle) -> str:
    return f"{article.title}. {article.summary}"


class Linker:
    """Links translations as articles arrive: each new article is compared with the earlier
    ones that share a rare anchor with it (an inverted index), so a tick costs little more than
    its new articles. An anchor already seen in more than `common` articles is skipped."""

    def __init__(self, common: int = 30) -> None:
        self.common = common
        self.stories: dict[int, int] = {}
        self._by_anchor: dict[str, list[StoredArticle]] = {}
        self._anchors: dict[int, Anchors] = {}

    def add(self, articles: Iterable[StoredArticle]) -> None:
        for article in sorted(articles, key=lambda a: a.id):
            if article.id not in self._anchors:
                self._link(article)

    def forget(self, article_ids: Iterable[int]) -> None:
        """Drop articles that left the window (their links stay for their story's other
        articles still in it)."""
        gone = set(article_ids)
        for article_id in gone:
            self._anchors.pop(article_id, None)
        for anchor in list(self._by_anchor):
            kept = [a for a in self._by_anchor[anchor] if a.id not in gone]
            if kept:
                self._by_anchor[anchor] = kept
            else:
                del self._by_anchor[anchor]

    def _link(self, article: StoredArticle) -> None:
        marks = anchors(_text(article))
        self._anchors[article.id] = marks
        mine = {x for x in marks.all if len(self._by_anchor.get(x, ())) < self.common}
        topic = _top_topic(article)
        if topic is not None:
            counts: Counter[int] = Counter()
            others: dict[int, StoredArticle] = {}
            for anchor in mine:
                for other in self._by_anchor.get(anchor, ()):
                    if other.lang != article.lang:
                        counts[other.id] += 1
                        others[other.id] = other
            best: tuple[int, int] | None = None
            for other_id, shared in counts.items():
                other = others[other_id]
                if shared < MIN_SHARED or _top_topic(other) != topic:
                    continue
                if _apart(article, other) > MAX_APART:
                    continue
                theirs = {
                    x
                    for x in self._anchors[other_id].all
                    if len(self._by_anchor.get(x, ())) <= self.common
                }
                common = mine & theirs
                strong = common & marks.strong
                if len(common) < ENOUGH_SHARED and len(strong) < MIN_STRONG:
                    continue
                if len(common) / max(1, min(len(mine), len(theirs))) < MIN_COVER:
                    continue
                if best is None or len(common) > best[0]:
                    best = (len(common), other_id)
            if best is not None:
                root = _story_of(others[best[1]])
                own = _story_of(article)
                if own != root:
                    self.stories[own] = self.stories.get(root, root)
        for anchor in marks.all:
            self._by_anchor.setdefault(anchor, []).append(article)


def link_translations(articles: Iterable[StoredArticle]) -> dict[int, int]:
    """Stories that are translations of an earlier one: story id -> the story it joins (a
    story id is `story_id or id`, so reprints of a translation follow it)."""
    items = list(articles)
    linker = Linker(
        common=max(2, int(COMMON_SHARE * len(items)))
        if len(items) >= COMMON_FROM
        else len(items) + 1
    )
    linker.add(items)
    return linker.stories


def _story_of(article: StoredArticle) -> int:
    return article.story_id or article.id


def _apart(a: StoredArticle, b: StoredArticle) -> timedelta:
    return abs(a.ingested_at - b.ingested_at)
