"""One web page to a Document: trafilatura finds the main text, the title and the date."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import trafilatura
from dateutil import parser as dateparser

from bot.core.models import Document
from bot.core.sources.plaintext import (
    as_utc,
    charset_of,
    html_to_text,
    is_binary,
    parse_error,
    primary_lang,
    same_line,
)

#: The <h1> elements looked at for a title without its site suffix.
_MAX_HEADINGS = 3
_MIN_HEADING_CHARS = 10
#: What separates a headline from the site name in a <title>.
_SEPS = frozenset("|–—-:·•/")
_BULLETS = "-–—•*·"
_MAX_DATE_LINE_CHARS = 40
#: A lead shorter than this is not worth adding; its first this many characters identify it.
_MIN_LEAD_CHARS = 40
_HIDDEN = frozenset({"script", "style", "noscript", "template", "svg"})

#: htmldate's output format with the time of day, when the page gives one.
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def parse_page(
    body: bytes,
    *,
    url: str | None,
    content_type: str = "",
    origin: str | None = None,
) -> Document:
    """Main text, title and date of an HTML page fetched from `url` (or read from `origin`).

    Document.url is `url`, else the page's canonical URL. Raises ParseError naming the source.
    """
    source = origin or url or "page"
    if not body.strip():
        raise parse_error(source, "empty, not a web page")
    if is_binary(body):
        raise parse_error(source, "binary data, not a web page")
    charset = charset_of(content_type)
    # Without a header charset trafilatura decodes the bytes itself (meta charset, detection).
    html: bytes | str = body.decode(charset, errors="replace") if charset else body
    tree: Any = trafilatura.load_html(html)
    if tree is None:
        raise parse_error(source, "not an HTML page")
    lang = primary_lang(tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang"))
    # Read before extraction, which prunes the tree.
    headings = [" ".join(h1.text_content().split()) for h1 in tree.iter("h1")][:_MAX_HEADINGS]
    visible = _visible_text(tree)
    extracted: Any = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "outputformat": _DATE_FORMAT,
        },
    )
    if extracted is None:
        raise parse_error(source, "no article text found")
    text = (extracted.text or "").strip()
    if not text:
        # Short pages fall below trafilatura's thresholds; their visible text still counts.
        text = html_to_text(str(extracted.raw_text or ""))
    if not text:
        raise parse_error(source, "no article text found")
    title = _title(extracted.title, headings)
    text = _with_lead(_without_lead(text, title), extracted.description, visible)
    return Document(
        text=text,
        title=title,
        url=url or extracted.url or None,
        published_at=_parse_date(extracted.date),
        origin=source,
        declared_lang=lang or primary_lang(extracted.language),
    )


def _title(extracted: str | None, headings: list[str]) -> str | None:
    """The page title without a site suffix: `Headline | DW | 19.01.2020` becomes the
    `Headline` of the page's <h1> when the title starts with it."""
    title = " ".join((extracted or "").split())
    if not title:
        return None
    for heading in headings:
        rest = title[len(heading) :].lstrip()
        if len(heading) >= _MIN_HEADING_CHARS and title.startswith(heading) and rest[:1] in _SEPS:
            return heading
    return title


def _without_lead(text: str, title: str | None) -> str:
    """The text without the lines above the article that only repeat the title or give the
    date: pages print both, and the same article saved as text would otherwise differ."""
    lines = text.split("\n")
    start = 0
    while start < len(lines) - 1:
        line = lines[start].strip().lstrip(_BULLETS).strip()
        if line and not (title and same_line(line, title)) and not _is_date_line(line):
            break
        start += 1
    return "\n".join(lines[start:]).strip()


def _visible_text(tree: Any) -> str:
    """The text of the page's <body> outside scripts and styles, on one line."""
    body = tree.find(".//body")
    if body is None:
        return ""
    parts: list[str] = []
    for element in body.iter():
        if element.text and isinstance(element.tag, str) and element.tag not in _HIDDEN:
            parts.append(element.text)
        if element.tail and element is not body:
            parts.append(element.tail)
    return " ".join(" ".join(parts).split())


def _with_lead(text: str, description: str | None, visible: str) -> str:
    """The text with the page's lead in front when extraction left it out.

    Pages set a standfirst apart from the body (`<p class="lead">`), and extraction often drops
    it; the meta description usually repeats it. It is added only when it is shown on the page
    (a description that is not the lead, or a cut one, is not) and is not in the text already.
    """
    lead = " ".join((description or "").split())
    if len(lead) < _MIN_LEAD_CHARS or lead not in visible:
        return text
    if lead[:_MIN_LEAD_CHARS] in " ".join(text.split()):
        return text
    return f"{lead}\n{text}"


def _is_date_line(line: str) -> bool:
    """A short line that is only a date and time (`08.04.2015 12:46`, `24 July 2015`)."""
    if len(line) > _MAX_DATE_LINE_CHARS or not any(c.isdigit() for c in line):
        return False
    try:
        dateparser.parse(line, dayfirst=True)
    except (ValueError, OverflowError):
        return False
    return True


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return as_utc(dateparser.isoparse(value))
    except (ValueError, OverflowError):
        return None
