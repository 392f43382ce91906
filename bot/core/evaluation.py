"""The `analyze` and `eval` commands: JSON lines in and out, and figures against labels."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bot.core.analysis import Analyzer
from bot.core.models import Analysis


def analysis_record(record_id: Any, analysis: Analysis) -> dict[str, Any]:
    """The JSON shape of one analysed article on the `analyze` command's output."""
    return {
        "id": record_id,
        "lang": analysis.lang.value,
        "topics": [
            {"id": topic.topic_id, "score": topic.score, "terms": list(topic.terms)}
            for topic in analysis.topics
        ],
        "title": analysis.title,
        "summary": analysis.summary,
    }


def _parse_input(line: str) -> tuple[Any, str, str | None]:
    """id, text and title of one input line; ValueError with a short reason if malformed."""
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    text = data.get("text")
    if not isinstance(text, str):
        raise ValueError('"text" must be a string')
    title = data.get("title")
    if title is not None and not isinstance(title, str):
        raise ValueError('"title" must be a string or null')
    return data.get("id"), text, title


def analyze_stream(inp: TextIO, out: TextIO, analyzer: Analyzer, err: TextIO | None = None) -> int:
    """Analyse JSON lines ({"id", "text", "title"?}) from `inp`, one JSON line each to `out`.

    A malformed line gives a one-line message on `err` (stderr by default) and an output
    line {"id", "error"}, so outputs stay aligned with inputs. Blank lines are skipped.
    Returns an exit status: 0 when every line was analysed, 1 when any was malformed.
    """
    errors = sys.stderr if err is None else err
    failures = 0
    for number, line in enumerate(inp, start=1):
        if not line.strip():
            continue
        record_id: Any = None
        try:
            record_id, text, title = _parse_input(line)
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            failures += 1
            if record_id is None:
                record_id = _salvage_id(line)
            reason = str(exc).splitlines()[0]
            print(f"analyze: line {number}: {reason}", file=errors)
            record = {"id": record_id, "error": reason}
        else:
            record = analysis_record(record_id, analyzer.analyze(text, title))
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    return 1 if failures else 0


def _salvage_id(line: str) -> Any:
    """The id of a line that parses as an object but fails validation, else None."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    return data.get("id") if isinstance(data, dict) else None


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives of one topic (or all)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class Miss:
    """One article where the analysis disagrees with the labels."""

    id: str
    expected_lang: str
    got_lang: str
    missing: tuple[str, ...]
    extra: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Language accuracy and topic precision/recall/F1 of an analyzer on a labelled file."""

    path: str
    articles: int
    lang_total: Mapping[str, int]
    lang_correct: Mapping[str, int]
    topics: Mapping[str, Counts]
    misses: tuple[Miss, ...] = field(default=())

    @property
    def lang_accuracy(self) -> float:
        total = sum(self.lang_total.values())
        return sum(self.lang_correct.values()) / total if total else 0.0

    def lang_accuracy_of(self, lang: str) -> float:
        total = self.lang_total.get(lang, 0)
        return self.lang_correct.get(lang, 0) / total if total else 0.0

    @property
    def micro(self) -> Counts:
        return Counts(
            tp=sum(c.tp for c in self.topics.values()),
            fp=sum(c.fp for c in self.topics.values()),
            fn=sum(c.fn for c in self.topics.values()),
        )

    @property
    def macro_f1(self) -> float:
        return sum(c.f1 for c in self.topics.values()) / len(self.topics) if self.topics else 0.0


def evaluate(path: Path, analyzer: Analyzer) -> EvalReport:
    """Analyse every labelled article of a JSON-lines file (id, lang, title, text, topics)."""
    lang_total: Counter[str] = Counter()
    lang_correct: Counter[str] = Counter()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    misses = []
    articles = 0
    topic_ids = set(analyzer.taxonomy.ids)
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            item = json.loads(line)
            articles += 1
            analysis = analyzer.analyze(item.get("text") or "", item.get("title"))
            expected_lang = str(item.get("lang", "und"))
            lang_total[expected_lang] += 1
            if analysis.lang.value == expected_lang:
                lang_correct[expected_lang] += 1
            expected = set(item.get("topics") or ())
            got = {topic.topic_id for topic in analysis.topics}
            topic_ids |= expected
            for topic_id in expected & got:
                tp[topic_id] += 1
            for topic_id in got - expected:
                fp[topic_id] += 1
            for topic_id in expected - got:
                fn[topic_id] += 1
            if expected != got or analysis.lang.value != expected_lang:
                misses.append(
                    Miss(
                        id=str(item.get("id")),
                        expected_lang=expected_lang,
                        got_lang=analysis.lang.value,
                        missing=tuple(sorted(expected - got)),
                        extra=tuple(sorted(got - expected)),
                    )
                )
    ordered = [t for t in analyzer.taxonomy.ids if t in topic_ids] + sorted(
        topic_ids - set(analyzer.taxonomy.ids)
    )
    topics = {t: Counts(tp=tp[t], fp=fp[t], fn=fn[t]) for t in ordered}
    return EvalReport(
        path=str(path),
        articles=articles,
        lang_total=dict(sorted(lang_total.items())),
        lang_correct=dict(lang_correct),
        topics=topics,
        misses=tuple(misses),
    )


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def format_report(report: EvalReport, *, show_misses: bool = False) -> str:
    """The report as plain-text tables: language accuracy, then topic P/R/F1."""
    out = [f"data: {report.path} ({report.articles} articles)", ""]
    lang_rows = [
        [lang, str(report.lang_total[lang]), f"{report.lang_accuracy_of(lang):.3f}"]
        for lang in report.lang_total
    ]
    lang_rows.append(
        ["overall", str(sum(report.lang_total.values())), f"{report.lang_accuracy:.3f}"]
    )
    out += _table(["language", "articles", "accuracy"], lang_rows)
    out.append("")
    topic_rows = [
        [
            t,
            str(c.tp + c.fn),
            str(c.tp),
            str(c.fp),
            str(c.fn),
            f"{c.precision:.3f}",
            f"{c.recall:.3f}",
            f"{c.f1:.3f}",
        ]
        for t, c in report.topics.items()
    ]
    micro = report.micro
    topic_rows.append(
        [
            "micro",
            str(micro.tp + micro.fn),
            str(micro.tp),
            str(micro.fp),
            str(micro.fn),
            f"{micro.precision:.3f}",
            f"{micro.recall:.3f}",
            f"{micro.f1:.3f}",
        ]
    )
    topic_rows.append(["macro F1", "", "", "", "", "", "", f"{report.macro_f1:.3f}"])
    out += _table(["topic", "labels", "tp", "fp", "fn", "precision", "recall", "f1"], topic_rows)
    if show_misses and report.misses:
        out += ["", "misses:"]
        for miss in report.misses:
            lang = (
                ""
                if miss.expected_lang == miss.got_lang
                else (f" lang {miss.expected_lang}->{miss.got_lang}")
            )
            missing = f" missing {','.join(miss.missing)}" if miss.missing else ""
            extra = f" extra {','.join(miss.extra)}" if miss.extra else ""
            out.append(f"  {miss.id}{lang}{missing}{extra}")
    return "\n".join(out)
