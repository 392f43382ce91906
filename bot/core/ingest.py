"""Sources to Documents: a file or folder with `read_path`, a feed or page URL with `read_url`.

Each source either gives its Documents or raises (for URLs) / holds (for files) one SourceError
whose message names the source and says what is wrong in one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.fetch import Fetcher
from bot.core.models import Document
from bot.core.sources.feeds import ParsedFeed, looks_like_feed, parse_feed
from bot.core.sources.files import SUFFIX_KINDS, FileResult, read_file, read_path
from bot.core.sources.pages import parse_page

__all__ = [
    "SUFFIX_KINDS",
    "FileResult",
    "ParsedFeed",
    "SourceKind",
    "UrlResult",
    "is_url",
    "parse_feed",
    "parse_page",
    "read_file",
    "read_path",
    "read_url",
]


class SourceKind(StrEnum):
    """What a URL turned out to be."""

    FEED = "feed"
    PAGE = "page"


@dataclass(frozen=True, slots=True)
class UrlResult:
    """A URL read: its kind and Documents, and the validators to send on the next poll."""

    #: The URL after redirects.
    url: str
    #: None when not modified: nothing was read to tell.
    kind: SourceKind | None
    documents: tuple[Document, ...]
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    #: The feed's or page's own title.
    title: str | None = None


def is_url(source: str) -> bool:
    """Whether an ingest argument is an http(s) URL rather than a path."""
    return source.lower().startswith(("http://", "https://"))


def read_url(
    fetcher: Fetcher, url: str, *, etag: str | None = None, last_modified: str | None = None
) -> UrlResult:
    """Fetch `url` and read it as a feed or a page, told apart by content type and body.

    Raises FetchError (unreachable, timeout, error status, too large) or ParseError.
    """
    response = fetcher.get(url, etag=etag, last_modified=last_modified)
    if response.not_modified:
        return UrlResult(
            response.url, None, (), response.etag, response.last_modified, not_modified=True
        )
    if looks_like_feed(response.body, response.content_type):
        feed = parse_feed(
            response.body, url=response.url, content_type=response.content_type, origin=url
        )
        return UrlResult(
            response.url,
            SourceKind.FEED,
            feed.documents,
            response.etag,
            response.last_modified,
            title=feed.title,
        )
    page = parse_page(
        response.body, url=response.url, content_type=response.content_type, origin=url
    )
    return UrlResult(
        response.url,
        SourceKind.PAGE,
        (page,),
        response.etag,
        response.last_modified,
        title=page.title,
    )
