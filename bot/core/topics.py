"""The topic taxonomy, loaded from data, and the term matcher that scores texts against it.

Terms are word patterns (exact, prefix `*`, or stem plus inflectional endings `~`) so that
inflection does not defeat them; see the header of `seeds/taxonomy.toml` for the syntax.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.core.errors import TaxonomyError
from bot.core.models import PRODUCT_LANGS, Lang, TopicScore
from bot.core.text import fold_token, tokenize

#: How many matched terms a topic keeps as its explanation.
MAX_EXPLANATION_TERMS = 8
# Token caches are cleared when they grow past this, to bound memory on odd input.
_CACHE_LIMIT = 200_000
_NO_UNITS: frozenset[int] = frozenset()


class Mode(Enum):
    """How one word pattern matches a token."""

    EXACT = "exact"
    PREFIX = "prefix"
    INFLECTED = "inflected"


@dataclass(frozen=True, slots=True)
class WordPattern:
    """One word of a term: a folded stem and how tokens may extend it."""

    stem: str
    mode: Mode


@dataclass(frozen=True, slots=True)
class Term:
    """A term of a topic: one word pattern or a phrase of consecutive ones, with a weight."""

    text: str
    words: tuple[WordPattern, ...]
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Morphology:
    """Inflectional endings of a language, for `~` patterns: a stem takes up to `max_chain`.

    When `slots` are given (an agglutinative language), the endings of a chain must come in
    slot order, at most one from each slot: plural before possessive before case, so that
    "суларының" is су-лар-ы-ның but "көлемінде" is not көл-е-м-і-нде.
    """

    endings: frozenset[str]
    max_chain: int = 1
    slots: tuple[frozenset[str], ...] = ()


@dataclass(frozen=True, slots=True)
class Scoring:
    """How term matches turn into a topic decision; see `[scoring]` in the taxonomy."""

    title_weight: float = 2.5
    max_repeats: int = 3
    reference_tokens: int = 150
    threshold: float = 2.6
    min_tokens: int = 8
    anchor_weight: float = 0.7


@dataclass(frozen=True, slots=True)
class Topic:
    """A subscribable topic: its id, names per interface language, description and terms."""

    id: str
    names: Mapping[Lang, str]
    description: str
    terms: Mapping[Lang, tuple[Term, ...]]
    threshold: float
    #: Short names people type (вода, су, woda): `/subscribe` resolves them to this topic.
    aliases: tuple[str, ...] = ()

    def name(self, lang: Lang) -> str:
        """The topic's name in `lang`, English when it has none in that language."""
        return self.names.get(lang) or self.names[Lang.EN]


def parse_term(raw: str, *, where: str = "term") -> Term:
    """Parse one term of the taxonomy syntax (`word`, `word*`, `stem~`, phrases, `^weight`)."""
    text, _, weight_text = raw.strip().partition("^")
    weight = 1.0
    if weight_text:
        try:
            weight = float(weight_text)
        except ValueError:
            raise TaxonomyError(f"{where}: bad weight in {raw!r}", term=raw) from None
        if not 0 < weight <= 10:
            raise TaxonomyError(f"{where}: weight out of (0, 10] in {raw!r}", term=raw)
    words: list[WordPattern] = []
    for word in text.split():
        mode = Mode.EXACT
        if word.endswith("*"):
            mode, word = Mode.PREFIX, word[:-1]
        elif word.endswith("~"):
            mode, word = Mode.INFLECTED, word[:-1]
        # A term word goes through the tokenizer so that it is spelled as tokens are.
        parts = tokenize(word)
        if len(parts) != 1 or not parts[0]:
            raise TaxonomyError(f"{where}: {raw!r} has a word that is not one token", term=raw)
        words.append(WordPattern(parts[0], mode))
    if not words:
        raise TaxonomyError(f"{where}: empty term", term=raw)
    return Term(text=text.strip(), words=tuple(words), weight=weight)


class _SuffixChains:
    """Whether a remainder is a chain of known endings; memoised, the same few recur."""

    def __init__(self, morphology: Morphology) -> None:
        self._endings = morphology.endings
        self._max_chain = morphology.max_chain
        self._slots = morphology.slots
        self._longest = max((len(e) for e in morphology.endings), default=0)
        self._memo: dict[str, bool] = {"": True}

    def accepts(self, rest: str) -> bool:
        known = self._memo.get(rest)
        if known is None:
            if self._slots:
                known = self._split_slots(rest, self._max_chain, 0)
            else:
                known = self._split(rest, self._max_chain)
            if len(self._memo) < _CACHE_LIMIT:
                self._memo[rest] = known
        return known

    def _split(self, rest: str, budget: int) -> bool:
        if not rest:
            return True
        if budget == 0:
            return False
        for size in range(1, min(self._longest, len(rest)) + 1):
            if rest[:size] in self._endings and self._split(rest[size:], budget - 1):
                return True
        return False

    def _split_slots(self, rest: str, budget: int, first_slot: int) -> bool:
        if not rest:
            return True
        if budget == 0:
            return False
        for size in range(1, min(self._longest, len(rest)) + 1):
            piece = rest[:size]
            for index in range(first_slot, len(self._slots)):
                if piece in self._slots[index] and self._split_slots(
                    rest[size:], budget - 1, index + 1
                ):
                    return True
        return False


@dataclass(frozen=True, slots=True)
class _CompiledTerm:
    topic: int
    units: tuple[int, ...]
    weight: float
    #: Length of the (first) word's stem: how specific a one-word term is.
    stem_length: int = 0


class TermMatcher:
    """Finds the terms of one language in token lists; caches what each token matches."""

    def __init__(self, terms: Sequence[tuple[int, Term]], morphology: Morphology) -> None:
        self._chains = _SuffixChains(morphology)
        unit_ids: dict[WordPattern, int] = {}
        self._by_first: dict[int, list[_CompiledTerm]] = {}
        self._exact: dict[str, list[int]] = {}
        self._prefix: dict[str, list[int]] = {}
        self._inflected: dict[str, list[int]] = {}
        for topic_index, term in terms:
            units = []
            for word in term.words:
                if word not in unit_ids:
                    unit_id = unit_ids[word] = len(unit_ids)
                    index = {
                        Mode.EXACT: self._exact,
                        Mode.PREFIX: self._prefix,
                        Mode.INFLECTED: self._inflected,
                    }[word.mode]
                    index.setdefault(word.stem, []).append(unit_id)
                units.append(unit_ids[word])
            compiled = _CompiledTerm(
                topic_index, tuple(units), term.weight, len(term.words[0].stem)
            )
            self._by_first.setdefault(units[0], []).append(compiled)
        stems = [*self._prefix, *self._inflected] or [""]
        self._min_stem = min(len(s) for s in stems)
        self._max_stem = max(len(s) for s in stems)
        self._cache: dict[str, frozenset[int]] = {}

    def units(self, token: str) -> frozenset[int]:
        """The ids of the word patterns that `token` matches."""
        found = self._cache.get(token)
        if found is not None:
            return found
        hits: set[int] = set(self._exact.get(token, ()))
        for size in range(self._min_stem, min(len(token), self._max_stem) + 1):
            stem = token[:size]
            prefixed = self._prefix.get(stem)
            if prefixed:
                hits.update(prefixed)
            inflected = self._inflected.get(stem)
            if inflected and self._chains.accepts(token[size:]):
                hits.update(inflected)
        found = frozenset(hits) if hits else _NO_UNITS
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = found
        return found

    def find(self, tokens: Sequence[str]) -> list[tuple[_CompiledTerm, int]]:
        """Every term occurrence in `tokens`, as (term, start position)."""
        sets = [self.units(token) for token in tokens]
        found: list[tuple[_CompiledTerm, int]] = []
        for position, units in enumerate(sets):
            if not units:
                continue
            for unit in units:
                for term in self._by_first.get(unit, ()):
                    size = len(term.units)
                    if size == 1 or (
                        position + size <= len(sets)
                        and all(term.units[k] in sets[position + k] for k in range(1, size))
                    ):
                        found.append((term, position))
        return found


@dataclass(slots=True)
class _Evidence:
    title: float = 0.0
    anchor: float = 0.0
    body: dict[tuple[int, tuple[int, ...]], tuple[float, int]] | None = None
    surfaces: dict[str, int] | None = None

    def add_body(self, key: tuple[int, tuple[int, ...]], weight: float) -> None:
        if self.body is None:
            self.body = {}
        _, count = self.body.get(key, (weight, 0))
        self.body[key] = (weight, count + 1)

    def add_surface(self, surface: str) -> None:
        if self.surfaces is None:
            self.surfaces = {}
        self.surfaces[surface] = self.surfaces.get(surface, 0) + 1


class Taxonomy:
    """Topics and their terms, validated on load; scores token lists against them."""

    def __init__(
        self,
        topics: Sequence[Topic],
        morphology: Mapping[Lang, Morphology],
        scoring: Scoring,
    ) -> None:
        self._topics = tuple(topics)
        self._by_id = {topic.id: topic for topic in self._topics}
        self._morphology = MappingProxyType(dict(morphology))
        self._scoring = scoring
        self._names: dict[str, Topic] = {}
        for topic in self._topics:
            labels = (topic.id, topic.id.replace("_", " "), *topic.names.values(), *topic.aliases)
            for label in labels:
                self._names.setdefault(label.casefold(), topic)
        self._matchers: dict[Lang, TermMatcher] = {}
        for lang in PRODUCT_LANGS:
            terms = [
                (index, term)
                for index, topic in enumerate(self._topics)
                for term in topic.terms.get(lang, ())
            ]
            self._matchers[lang] = TermMatcher(terms, morphology.get(lang, Morphology(frozenset())))

    @classmethod
    def load(cls, path: Path) -> Taxonomy:
        """Read and validate a taxonomy TOML file."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise TaxonomyError(f"cannot read taxonomy {path}: {exc}", path=str(path)) from exc
        except tomllib.TOMLDecodeError as exc:
            raise TaxonomyError(
                f"taxonomy {path} is not valid TOML: {exc}", path=str(path)
            ) from exc
        return cls.from_mapping(data)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Taxonomy:
        """Build a taxonomy from parsed TOML data, raising `TaxonomyError` on anything malformed."""
        scoring = _parse_scoring(data.get("scoring", {}))
        morphology = _parse_morphology(data.get("morphology", {}))
        raw_topics = data.get("topics")
        if not isinstance(raw_topics, list) or not raw_topics:
            raise TaxonomyError("taxonomy has no [[topics]]")
        topics = [_parse_topic(raw, scoring) for raw in raw_topics]
        seen: set[str] = set()
        for topic in topics:
            if topic.id in seen:
                raise TaxonomyError(f"duplicate topic id {topic.id!r}", topic=topic.id)
            seen.add(topic.id)
        return cls(topics, morphology, scoring)

    @property
    def topics(self) -> tuple[Topic, ...]:
        return self._topics

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(topic.id for topic in self._topics)

    @property
    def scoring(self) -> Scoring:
        return self._scoring

    @property
    def morphology(self) -> Mapping[Lang, Morphology]:
        return self._morphology

    def __getitem__(self, topic_id: str) -> Topic:
        return self._by_id[topic_id]

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._by_id

    def __len__(self) -> int:
        return len(self._topics)

    def resolve(self, name: str) -> Topic | None:
        """Find a topic by its id, its name or an alias in any interface language, ignoring
        case."""
        key = " ".join(name.split()).casefold()
        return self._names.get(key) or self._names.get(key.replace(" ", "_"))

    def classify(
        self, title_tokens: Sequence[str], body_tokens: Sequence[str], lang: Lang
    ) -> tuple[TopicScore, ...]:
        """The topics a text is about, best first, each with its score and matched terms.

        Terms of the text's language are used; a text in another language (or `und`) is
        matched against the terms of all product languages.
        """
        scoring = self._scoring
        if len(title_tokens) + len(body_tokens) < scoring.min_tokens:
            return ()
        matchers = (
            [self._matchers[lang]] if lang in self._matchers else list(self._matchers.values())
        )
        evidence: dict[int, _Evidence] = {}
        for matcher_index, matcher in enumerate(matchers):
            for tokens, in_title in ((title_tokens, True), (body_tokens, False)):
                for term, position in _one_reading_per_word(matcher.find(tokens)):
                    item = evidence.setdefault(term.topic, _Evidence())
                    item.anchor = max(item.anchor, term.weight)
                    if in_title:
                        item.title = max(item.title, term.weight)
                    else:
                        item.add_body((matcher_index, term.units), term.weight)
                    size = len(term.units)
                    item.add_surface(" ".join(tokens[position : position + size]))
        # Long texts need proportionally more mentions: scale body evidence down by
        # sqrt(reference / length), so one passing word in a long article stays below.
        # Repeats are capped so one word cannot carry a topic, the cap growing with length so
        # that a long article that keeps returning to a subject still scores.
        length = max(len(body_tokens), 1)
        scale = math.sqrt(scoring.reference_tokens / max(length, scoring.reference_tokens))
        repeats = scoring.max_repeats * max(1.0, length / scoring.reference_tokens)
        results = []
        for topic_index, item in evidence.items():
            topic = self._topics[topic_index]
            body = sum(weight * min(count, repeats) for weight, count in (item.body or {}).values())
            score = scoring.title_weight * item.title + body * scale
            if score < topic.threshold or item.anchor < scoring.anchor_weight:
                continue
            surfaces = sorted((item.surfaces or {}).items(), key=lambda kv: (-kv[1], kv[0]))
            terms = tuple(surface for surface, _ in surfaces[:MAX_EXPLANATION_TERMS])
            results.append(TopicScore(topic.id, round(score / topic.threshold, 3), terms))
        results.sort(key=lambda ts: (-ts.score, ts.topic_id))
        return tuple(results)

    def compile_keyword(self, words: str | Iterable[str]) -> KeywordMatcher:
        """A matcher for user keywords, in the same stem/prefix form as the taxonomy terms."""
        return compile_keyword(words, self._morphology)


def _one_reading_per_word(
    found: list[tuple[_CompiledTerm, int]],
) -> list[tuple[_CompiledTerm, int]]:
    """One-word matches reduced so that each word counts once and as what it most likely is.

    A word matched by several one-word terms of one topic ("инвестициялық" by `инвест*`,
    `инвестиция*` and `инвестициялық*`) counts once, by the heaviest of them. A word matched
    by terms of different topics belongs to the most specific one: the longest stem explains
    it ("сутегі" is hydrogen, `сутег*`, not water, `су~`; "энергосбережение" is
    `энергосбереж*`, not `энерг*`). Phrases are kept as they are.
    """
    single: dict[int, list[_CompiledTerm]] = {}
    kept: list[tuple[_CompiledTerm, int]] = []
    for term, position in found:
        if len(term.units) == 1:
            single.setdefault(position, []).append(term)
        else:
            kept.append((term, position))
    for position, terms in single.items():
        longest = max(term.stem_length for term in terms)
        best: dict[int, _CompiledTerm] = {}
        for term in terms:
            if term.stem_length < longest and all(
                other.topic != term.topic for other in terms if other.stem_length == longest
            ):
                continue
            current = best.get(term.topic)
            if current is None or (term.weight, term.stem_length) > (
                current.weight,
                current.stem_length,
            ):
                best[term.topic] = term
        kept.extend((term, position) for term in best.values())
    return kept


class KeywordMatcher:
    """User keywords turned into word patterns: `.matches(text)` ignores inflection."""

    def __init__(self, keywords: Sequence[tuple[str, Term]], morphology: Morphology) -> None:
        self._keywords = tuple(keyword for keyword, _ in keywords)
        self._matcher = TermMatcher(
            [(index, term) for index, (_, term) in enumerate(keywords)], morphology
        )

    @property
    def keywords(self) -> tuple[str, ...]:
        return self._keywords

    def matched_in_tokens(self, tokens: Sequence[str]) -> tuple[str, ...]:
        """The keywords found in a token list (as `text.tokenize` gives), in keyword order."""
        found = {term.topic for term, _ in self._matcher.find(tokens)}
        return tuple(keyword for index, keyword in enumerate(self._keywords) if index in found)

    def matched(self, text: str) -> tuple[str, ...]:
        """The keywords found in a text, in keyword order."""
        return self.matched_in_tokens(tokenize(text))

    def matches(self, text: str) -> bool:
        """Whether any keyword occurs in the text, in any inflected form."""
        return bool(self._keywords) and bool(self._matcher.find(tokenize(text)))


# Keywords shorter than this are matched as a stem plus endings, not as a prefix, so that
# "су" finds "суы" but not "сурет" and "gas" finds "gases" but not "gasket".
_MIN_PREFIX_STEM = 4


def compile_keyword(
    words: str | Iterable[str], morphology: Mapping[Lang, Morphology]
) -> KeywordMatcher:
    """Turn user keywords ("lithium", "Каспий", "rare earths") into an inflection-proof matcher.

    Each keyword may be several words (a phrase). A word ending in `*` is a prefix as typed;
    otherwise one inflectional ending is stripped (keeping a stem of at least four letters)
    and the stem matches as a prefix; short words match as stem plus endings.
    """
    items = [words] if isinstance(words, str) else list(words)
    all_endings = frozenset().union(*(m.endings for m in morphology.values()))
    max_chain = max((m.max_chain for m in morphology.values()), default=1)
    union = Morphology(all_endings, max_chain)
    keywords: list[tuple[str, Term]] = []
    for item in items:
        keyword = " ".join(item.split())
        if not keyword:
            continue
        patterns = []
        for word in keyword.split():
            prefix = word.endswith("*")
            for token in tokenize(word):
                patterns.append(_keyword_pattern(token, prefix, all_endings))
        if patterns:
            keywords.append((keyword, Term(keyword, tuple(patterns))))
    return KeywordMatcher(keywords, union)


def _keyword_pattern(token: str, prefix: bool, endings: frozenset[str]) -> WordPattern:
    if prefix:
        return WordPattern(token, Mode.PREFIX)
    if len(token) < _MIN_PREFIX_STEM:
        return WordPattern(token, Mode.INFLECTED)
    for size in range(len(token) - _MIN_PREFIX_STEM, 0, -1):
        if token[-size:] in endings:
            return WordPattern(token[:-size], Mode.PREFIX)
    return WordPattern(token, Mode.PREFIX)


def _parse_scoring(raw: Any) -> Scoring:
    if not isinstance(raw, Mapping):
        raise TaxonomyError("[scoring] must be a table")
    defaults = Scoring()
    try:
        scoring = Scoring(
            title_weight=float(raw.get("title_weight", defaults.title_weight)),
            max_repeats=int(raw.get("max_repeats", defaults.max_repeats)),
            reference_tokens=int(raw.get("reference_tokens", defaults.reference_tokens)),
            threshold=float(raw.get("threshold", defaults.threshold)),
            min_tokens=int(raw.get("min_tokens", defaults.min_tokens)),
            anchor_weight=float(raw.get("anchor_weight", defaults.anchor_weight)),
        )
    except (TypeError, ValueError) as exc:
        raise TaxonomyError(f"[scoring] has a non-numeric value: {exc}") from exc
    if scoring.threshold <= 0 or scoring.reference_tokens <= 0 or scoring.max_repeats <= 0:
        raise TaxonomyError("[scoring] threshold, reference_tokens and max_repeats must be > 0")
    return scoring


def _parse_morphology(raw: Any) -> dict[Lang, Morphology]:
    if not isinstance(raw, Mapping):
        raise TaxonomyError("[morphology] must be a table")
    result = {}
    for code, table in raw.items():
        lang = _product_lang(code, "[morphology]")
        slots_raw = table.get("slots") if isinstance(table, Mapping) else None
        slots: tuple[frozenset[str], ...] = ()
        endings: Any
        if slots_raw is not None:
            if not isinstance(slots_raw, list) or not all(
                isinstance(slot, list) and slot and all(isinstance(e, str) and e for e in slot)
                for slot in slots_raw
            ):
                raise TaxonomyError(
                    f"[morphology.{code}] slots must be a list of non-empty lists of strings"
                )
            slots = tuple(frozenset(fold_token(e) for e in slot) for slot in slots_raw)
            endings = [e for slot in slots_raw for e in slot]
        else:
            endings = table.get("endings") if isinstance(table, Mapping) else None
        if not isinstance(endings, list) or not all(isinstance(e, str) and e for e in endings):
            raise TaxonomyError(f"[morphology.{code}] endings must be a list of non-empty strings")
        max_chain = table.get("max_chain", 1)
        if not isinstance(max_chain, int) or not 1 <= max_chain <= 6:
            raise TaxonomyError(f"[morphology.{code}] max_chain must be an integer in 1..6")
        folded = frozenset(fold_token(e) for e in endings)
        result[lang] = Morphology(folded, max_chain, slots)
    return result


def _product_lang(code: Any, where: str) -> Lang:
    try:
        lang = Lang(code)
    except ValueError:
        lang = Lang.UND
    if lang not in PRODUCT_LANGS:
        raise TaxonomyError(f"{where}: {code!r} is not one of ru, kk, pl, en", lang=str(code))
    return lang


def _parse_topic(raw: Any, scoring: Scoring) -> Topic:
    if not isinstance(raw, Mapping):
        raise TaxonomyError("each [[topics]] entry must be a table")
    topic_id = raw.get("id")
    if not isinstance(topic_id, str) or not topic_id.isidentifier() or topic_id != topic_id.lower():
        raise TaxonomyError(f"topic id {topic_id!r} must be a lowercase identifier", topic=topic_id)
    where = f"topic {topic_id!r}"
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip() or "\n" in description:
        raise TaxonomyError(f"{where}: needs a one-line description", topic=topic_id)
    names_raw = raw.get("names")
    if not isinstance(names_raw, Mapping):
        raise TaxonomyError(f"{where}: needs [topics.names]", topic=topic_id)
    names: dict[Lang, str] = {}
    for code, name in names_raw.items():
        if not isinstance(name, str) or not name.strip():
            raise TaxonomyError(f"{where}: name for {code!r} must be a non-empty string")
        names[_product_lang(code, where)] = name.strip()
    missing = [lang.value for lang in PRODUCT_LANGS if lang not in names]
    if missing:
        raise TaxonomyError(f"{where}: missing names for {', '.join(missing)}", topic=topic_id)
    terms_raw = raw.get("terms")
    if not isinstance(terms_raw, Mapping) or not terms_raw:
        raise TaxonomyError(f"{where}: needs [topics.terms]", topic=topic_id)
    terms: dict[Lang, tuple[Term, ...]] = {}
    for code, items in terms_raw.items():
        lang = _product_lang(code, where)
        if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
            raise TaxonomyError(f"{where}: terms.{code} must be a list of strings")
        terms[lang] = tuple(parse_term(t, where=f"{where} terms.{code}") for t in items)
    aliases_raw = raw.get("aliases", {})
    if not isinstance(aliases_raw, Mapping):
        raise TaxonomyError(f"{where}: aliases must be a table of lists per language")
    aliases: list[str] = []
    for code, items in aliases_raw.items():
        _product_lang(code, where)
        if not isinstance(items, list) or not all(isinstance(a, str) and a.strip() for a in items):
            raise TaxonomyError(f"{where}: aliases.{code} must be a list of non-empty strings")
        aliases.extend(" ".join(a.split()) for a in items)
    threshold = raw.get("threshold", scoring.threshold)
    if not isinstance(threshold, int | float) or threshold <= 0:
        raise TaxonomyError(f"{where}: threshold must be a positive number", topic=topic_id)
    return Topic(
        id=topic_id,
        names=MappingProxyType(names),
        description=description.strip(),
        terms=MappingProxyType(terms),
        threshold=float(threshold),
        aliases=tuple(aliases),
    )
