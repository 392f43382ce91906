"""A saved article as plain text or Markdown to a Document: header, title, date, URL, no chrome.

Accepted shapes (the seed files are the reference):

- A `date YYYY-MM-DD` header line (`date YYYY-MM` keeps the first of the month). What follows
  on the same line is a language tag (`РУ`, `ҚАЗ`, `PL`, `EN`), a title (one short line without a
  final full stop), or the first line of the body (long or ending in a full stop: no title).
- Markdown headings before the first paragraph: the last one is the title, so a site name in
  `#` followed by the article's `##` gives the article's title.
- A `<https://...>` or bare URL line and a date line (`28.04.2024, 01:03`, day first) before the
  first paragraph give the URL and the date. Dates without a zone are taken as UTC.
- Without a heading, a first paragraph of one short line without a final full stop is the title.
  A first paragraph repeating the title is dropped.
- Page chrome is dropped: `[Drukuj](#)` links, `fot. DUW` / `Фото: ...` credits (with the caption
  just above them), view counters, archive notices, rules and images.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from dateutil import parser as dateparser

from bot.core.models import Document
from bot.core.sources.plaintext import as_utc, parse_error

_DATE_HEADER = re.compile(r"date\s+(\d{4}-\d{2}(?:-\d{2})?)\b\s*(.*)", re.IGNORECASE)
_HEADING = re.compile(r"(#{1,6})\s+(.+?)\s*#*")
_URL_LINE = re.compile(r"<?(https?://[^\s<>]+)>?")
#: The shape of a date line; dateutil reads it (day first unless it starts with the year).
_DATE_LINE = re.compile(r"[\d.,:/\-T+Z ]{8,40}")
#: Language tags seen after the date in header lines.
_LANG_TAGS = {
    "ру": "ru",
    "рус": "ru",
    "ru": "ru",
    "қаз": "kk",
    "каз": "kk",
    "kz": "kk",
    "kk": "kk",
    "pl": "pl",
    "en": "en",
    "eng": "en",
}
#: One-line page chrome, matched against a whole stripped line, case-insensitively.
_CHROME = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"(?:\[[^\]]*\]\(#[^)]*\)\s*)+",  # [Drukuj](#) [Powrót](#)
        r"!\[[^\]]*\]\([^)]*\)",  # a Markdown image
        r"[-*_]{3,}",  # a horizontal rule
        r"(?:liczba wejść|liczba odsłon|просмотров|просмотры|қаралым|views)\s*:?\s*[\d\s]+",
        r"strona znajduje się w archiwum\.?",
        r"(?:drukuj|generuj pdf|powiadom|powrót|печать|print|share|поделиться)",
    )
)
#: A photo credit; the short caption right above it, in the same paragraph, goes with it.
_CREDIT = re.compile(r"(?:(?:фото|foto|photo|сурет)\s*:|fot\.)\s*\S.{0,100}", re.IGNORECASE)
_TITLE_MAX_CHARS = 200
_CAPTION_MAX_LINES = 2


@dataclass
class _Header:
    title: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    lang: str | None = None
    #: Body text that began on the header line itself (a `date` line with no title).
    body: list[str] = field(default_factory=list)


def parse_article(text: str, *, origin: str) -> Document:
    """A Document from the text of a saved article; ParseError when no text is left."""
    # Runs of spaces (no-break ones too) become one space; indentation goes.
    lines = [" ".join(line.split()) for line in text.splitlines()]
    header, start = _read_header(lines)
    rest = lines[start:]
    if header.title is None and not header.body:
        header.title, rest = _title_paragraph(rest)
    if header.title is not None:
        rest = _drop_repeated_title(rest, header.title)
    body = _strip_chrome([*header.body, *rest])
    if not body:
        raise parse_error(origin, "no article text")
    return Document(
        text=body,
        title=header.title,
        url=header.url,
        published_at=header.published_at,
        origin=origin,
        declared_lang=header.lang,
    )


def _read_header(lines: list[str]) -> tuple[_Header, int]:
    """Read the lines before the first paragraph of prose; return them and where prose starts."""
    header = _Header()
    for index, line in enumerate(lines):
        if not line or _is_chrome(line):
            continue
        if match := _DATE_HEADER.fullmatch(line):
            header.published_at = _parse_date(match[1])
            _read_after_date(match[2].strip(), header)
            if header.body:
                return header, index + 1
        elif match := _HEADING.fullmatch(line):
            header.title = match[2]
        elif match := _URL_LINE.fullmatch(line):
            header.url = header.url or match[1]
        elif _DATE_LINE.fullmatch(line) and (moment := _parse_date(line)) is not None:
            header.published_at = header.published_at or moment
        else:
            return header, index
    return header, len(lines)


def _read_after_date(rest: str, header: _Header) -> None:
    if not rest:
        return
    if (lang := _LANG_TAGS.get(rest.casefold())) is not None:
        header.lang = lang
    elif _is_title_like(rest):
        header.title = rest
    else:
        header.body.append(rest)


def _is_title_like(line: str) -> bool:
    return len(line) <= _TITLE_MAX_CHARS and not line.endswith((".", ",", ";", ":"))


def _title_paragraph(lines: list[str]) -> tuple[str | None, list[str]]:
    """A first paragraph of one short line, with more text after it, is the title."""
    start = next((i for i, line in enumerate(lines) if line), len(lines))
    end = start + 1
    ends_paragraph = end >= len(lines) or not lines[end]
    has_more = any(lines[end:])
    if start < len(lines) and ends_paragraph and has_more and _is_title_like(lines[start]):
        return lines[start], lines[end:]
    return None, lines


def _drop_repeated_title(lines: list[str], title: str) -> list[str]:
    """Drop a first paragraph that only repeats the title (pages often print it twice)."""
    start = next((i for i, line in enumerate(lines) if line), len(lines))
    if start < len(lines) and _same(lines[start], title):
        end = start + 1
        if end >= len(lines) or not lines[end]:
            return lines[end:]
    return lines


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _is_chrome(line: str) -> bool:
    return any(pattern.fullmatch(line) for pattern in _CHROME) or bool(_CREDIT.fullmatch(line))


def _strip_chrome(lines: list[str]) -> str:
    """Join the body's paragraphs without chrome lines and photo captions."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    kept: list[str] = []
    for paragraph in paragraphs:
        clean: list[str] = []
        for line in paragraph:
            if _CREDIT.fullmatch(line):
                # A caption sits right above its credit; a long run above it is prose, kept.
                if len(clean) <= _CAPTION_MAX_LINES:
                    clean = []
            elif not _is_chrome(line):
                clean.append(_unheading(line))
        if clean:
            kept.append("\n".join(clean))
    return "\n\n".join(kept)


def _unheading(line: str) -> str:
    match = _HEADING.fullmatch(line)
    return match[2] if match else line


def _parse_date(value: str) -> datetime | None:
    """A date from a header or date line; day first unless the year comes first."""
    value = value.strip().rstrip(",")
    try:
        if value[:4].isdigit() and value[4:5] == "-":
            return as_utc(dateparser.isoparse(value))
        return as_utc(dateparser.parse(value, dayfirst=True))
    except (ValueError, OverflowError):
        return None
