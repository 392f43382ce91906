"""Files and folders to Documents: text, Markdown, HTML, JSON, JSON Lines and feed files.

JSON is one object, a list of objects, or an object holding the list under `items`, `articles`,
`entries`, `documents` or `data`; JSON Lines is one object per line. Each object may use:

- text: `text`, `content`, `body`, `article`, `description`, `summary` (HTML is made plain text);
- title: `title`, `headline`, `name`;
- URL: `url`, `link`, `href`, `permalink`, `source` (when it is an http(s) URL);
- date: `published_at`, `published`, `date`, `pubDate`, `created_at`, `datetime`, `updated`
  (ISO 8601 or any form dateutil reads; numbers are Unix seconds; no zone means UTC);
- language: `lang`, `language`.

An object with a title and no text keeps its title as text; one with neither is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dateutil import parser as dateparser

from bot.core.errors import FetchError, SourceError
from bot.core.fetch import DEFAULT_MAX_BYTES, too_large
from bot.core.models import Document
from bot.core.sources.articles import parse_article
from bot.core.sources.feeds import parse_feed
from bot.core.sources.pages import parse_page
from bot.core.sources.plaintext import (
    as_utc,
    decode,
    html_to_text,
    parse_error,
    primary_lang,
    replaced_chars,
)

#: File suffix → how the file is read.
SUFFIX_KINDS = {
    ".txt": "article",
    ".md": "article",
    ".markdown": "article",
    ".html": "page",
    ".htm": "page",
    ".json": "json",
    ".jsonl": "jsonl",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}
_TEXT_KEYS = ("text", "content", "body", "article", "description", "summary")
_TITLE_KEYS = ("title", "headline", "name")
_URL_KEYS = ("url", "link", "href", "permalink", "source")
_DATE_KEYS = ("published_at", "published", "date", "pubDate", "created_at", "datetime", "updated")
_LANG_KEYS = ("lang", "language")
_LIST_KEYS = ("items", "articles", "entries", "documents", "data")
#: Unix timestamps above this are in milliseconds.
_MS_THRESHOLD = 100_000_000_000


@dataclass(frozen=True, slots=True)
class FileResult:
    """One file read: its documents, or the error that stopped it, or why it was skipped."""

    path: Path
    documents: tuple[Document, ...] = ()
    error: SourceError | None = None
    #: Set for a file in a folder that is not read at all (e.g. an unsupported type).
    skipped: str | None = None
    #: Read, but with something the operator should know (bytes that could not be decoded).
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None and self.skipped is None


def read_path(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[FileResult]:
    """Read a file, or every file under a folder (sorted, hidden ones left out).

    A broken file yields a FileResult holding its SourceError and never stops the others.
    In a folder, files of unsupported types are skipped with a reason; named directly they fail.
    """
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            relative = child.relative_to(path)
            if not child.is_file() or any(part.startswith(".") for part in relative.parts):
                continue
            if child.suffix.lower() in SUFFIX_KINDS:
                yield read_file(child, max_bytes=max_bytes)
            else:
                yield FileResult(child, skipped="unsupported file type")
    else:
        yield read_file(path, max_bytes=max_bytes)


def read_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> FileResult:
    """Read one file into a FileResult; errors are caught into it, never raised."""
    warnings: list[str] = []
    try:
        documents = tuple(_read(path, max_bytes, warnings))
    except SourceError as exc:
        return FileResult(path, error=exc)
    return FileResult(path, documents=documents, warnings=tuple(warnings))


def _read(path: Path, max_bytes: int, warnings: list[str]) -> list[Document]:
    source = str(path)
    kind = SUFFIX_KINDS.get(path.suffix.lower())
    if kind is None:
        supported = ", ".join(SUFFIX_KINDS)
        raise parse_error(source, f"unsupported file type; use one of {supported}")
    body = _read_bytes(path, max_bytes)
    if kind == "page":
        return [parse_page(body, url=None, origin=source)]
    if kind == "feed":
        # No base URL: relative links in a local feed file stay relative.
        return list(parse_feed(body, url="", origin=source).documents)
    text = decode(body, source=source)
    if replaced := replaced_chars(body, text):
        noun = "byte" if replaced == 1 else "bytes"
        reason = f"{replaced} undecodable {noun} replaced with \ufffd, the rest read"
        warnings.append(f"{source}: {reason}")
    if kind == "article":
        return [parse_article(text, origin=source)]
    records = _json_records(text, source=source, lines=kind == "jsonl")
    documents = [doc for record in records if (doc := _record_document(record, source))]
    if not documents:
        keys = "/".join(_TEXT_KEYS[:3])
        raise parse_error(source, f"no record has a text or title field ({keys}, title)")
    return documents


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing one over the cap before reading it."""
    source = str(path)
    too_big = too_large(max_bytes)
    try:
        if not path.exists():
            raise FetchError(f"{source}: no such file or folder", source=source)
        if path.stat().st_size > max_bytes:
            raise FetchError(f"{source}: {too_big}", source=source, reason=too_big)
        with path.open("rb") as file:
            body = file.read(max_bytes + 1)
    except OSError as exc:
        reason = f"cannot read ({exc.strerror or exc})"
        raise FetchError(f"{source}: {reason}", source=source, reason=reason) from exc
    if len(body) > max_bytes:  # it grew since stat()
        raise FetchError(f"{source}: {too_big}", source=source, reason=too_big)
    return body


def _json_records(text: str, *, source: str, lines: bool) -> list[Any]:
    if lines:
        records: list[Any] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                records.append(_load_json(line, source=source, where=f"line {number}"))
        return records
    data = _load_json(text, source=source, where="")
    if isinstance(data, dict):
        inner = next((data[key] for key in _LIST_KEYS if isinstance(data.get(key), list)), None)
        return inner if inner is not None else [data]
    if isinstance(data, list):
        return data
    raise parse_error(source, "JSON is neither an object nor a list of objects")


def _load_json(text: str, *, source: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        at = where or f"line {exc.lineno}"
        raise parse_error(source, f"invalid JSON at {at} ({exc.msg})") from exc


def _record_document(record: Any, origin: str) -> Document | None:
    if not isinstance(record, dict):
        return None
    title = _first_str(record, _TITLE_KEYS)
    raw = _first_str(record, _TEXT_KEYS)
    text = html_to_text(raw) if raw and "<" in raw and ">" in raw else (raw or "")
    if not text and not title:
        return None
    url = next(
        (v for k in _URL_KEYS if isinstance(v := record.get(k), str) and v.startswith("http")),
        None,
    )
    return Document(
        text=text or title or "",
        title=title,
        url=url,
        published_at=_record_date(record),
        origin=origin,
        declared_lang=primary_lang(_first_str(record, _LANG_KEYS)),
    )


def _first_str(record: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _record_date(record: dict[str, Any]) -> datetime | None:
    for key in _DATE_KEYS:
        value = record.get(key)
        try:
            if isinstance(value, bool):
                continue
            if isinstance(value, int | float):
                seconds = value / 1000 if value > _MS_THRESHOLD else value
                return datetime.fromtimestamp(seconds, tz=UTC)
            if isinstance(value, str) and value.strip():
                return as_utc(dateparser.parse(value))
        except (ValueError, OverflowError, OSError):
            continue
    return None
