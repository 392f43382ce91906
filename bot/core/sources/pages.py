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
)

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
    return Document(
        text=text,
        title=(extracted.title or "").strip() or None,
        url=url or extracted.url or None,
        published_at=_parse_date(extracted.date),
        origin=source,
        declared_lang=lang or primary_lang(extracted.language),
    )


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return as_utc(dateparser.isoparse(value))
    except (ValueError, OverflowError):
        return None
