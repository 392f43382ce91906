"""The analysis of one article: language, topics, title and summary, in one pass."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.core.language import SAMPLE_TOKENS, detect_tokens
from bot.core.models import Analysis
from bot.core.summary import make_title, summarize
from bot.core.text import clean, content_lines, tokenize
from bot.core.topics import Taxonomy

#: The taxonomy shipped with the project.
DEFAULT_TAXONOMY_PATH = Path(__file__).resolve().parents[2] / "seeds" / "taxonomy.toml"
#: Only this much of a text is analysed: far beyond any article, it bounds the cost of junk.
MAX_TEXT_CHARS = 200_000
#: Characters of the body given to the language detector (with the title).
LANGUAGE_SAMPLE_CHARS = 4000
#: Distinct tokens kept in `Analysis.keywords` for keyword search.
MAX_KEYWORDS = 5000


class Analyzer:
    """Analyses texts against one taxonomy; cheap to call, so build it once and reuse it."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self._taxonomy = taxonomy

    @classmethod
    def load(cls, taxonomy_path: Path | None = None) -> Analyzer:
        """An analyzer for the taxonomy at `taxonomy_path` (default: `seeds/taxonomy.toml`)."""
        return cls(Taxonomy.load(taxonomy_path or DEFAULT_TAXONOMY_PATH))

    @property
    def taxonomy(self) -> Taxonomy:
        return self._taxonomy

    def analyze(
        self, text: str, title: str | None = None, declared_lang: str | None = None
    ) -> Analysis:
        """Language, topics (with matched terms), a title and a 2-3 sentence summary of a text.

        Never raises on odd input: empty, one word, emoji, huge or HTML-laden texts all get
        an answer (`und`, no topics, and a title).
        """
        body = clean(text[:MAX_TEXT_CHARS])
        given_title = " ".join(clean(title).split()) if title else None
        lines = content_lines(body)
        prose = "\n".join(lines)
        body_tokens = tokenize(prose)
        title_tokens = tokenize(given_title) if given_title else []
        sample = f"{given_title or ''}\n{prose[:LANGUAGE_SAMPLE_CHARS]}"
        sample_tokens = title_tokens + body_tokens[:SAMPLE_TOKENS]
        lang = detect_tokens(sample_tokens, sample, declared_lang)
        topics = self._taxonomy.classify(title_tokens, body_tokens, lang)
        final_title = make_title(lines, given_title, fallback=body)
        summary = summarize(lines, final_title)
        keywords = tuple(dict.fromkeys([*title_tokens, *body_tokens]))[:MAX_KEYWORDS]
        return Analysis(
            lang=lang, topics=topics, title=final_title, summary=summary, keywords=keywords
        )

    def analyze_many(self, items: Sequence[AnalysisInput]) -> list[Analysis]:
        """Analyse (text, title, declared_lang) triples in order."""
        return [self.analyze(text, title, lang) for text, title, lang in items]


#: What `analyze_many` takes: the text, the title if any, the language the source declares.
AnalysisInput = tuple[str, str | None, str | None]
