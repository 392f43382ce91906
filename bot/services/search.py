"""`/search WORDS`: full-text search over the whole store in every language, a page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.core.errors import UserInputError
from bot.core.models import StoredArticle
from bot.services.articles import to_stored
from bot.services.store import Store
from storage import articles
from storage import search as search_repo
from storage.tables import Article, Source

#: The query as echoed back in a page (the search itself uses `storage.search.MAX_WORDS` words).
MAX_QUERY_CHARS = 200


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of results, best first: `page` of `pages` (both from 1), `total` matches."""

    items: tuple[StoredArticle, ...]
    page: int
    pages: int
    #: Matches counted up to `storage.search.MAX_TOTAL`; see `capped`.
    total: int
    query: str

    @property
    def capped(self) -> bool:
        """True when there are at least `total` matches, not exactly `total` ("1000+")."""
        return self.total >= search_repo.MAX_TOTAL


def search(
    store: Store,
    words: str,
    *,
    page: int,
    page_size: int = 5,
    langs: Sequence[str] = (),
) -> SearchPage:
    """Articles containing every word (any form of it), best matches first.

    A page past the last gives the last page, so a stale "next" button still answers.
    Raises UserInputError when `words` has no word to search for.
    """
    query = " ".join(words.split())
    if not search_repo.words(query):
        raise UserInputError(
            "Send /search followed by words, for example /search lithium",
            example="/search lithium",
        )
    if page_size < 1:
        raise ValueError(f"page_size must be positive, not {page_size}")
    page = max(page, 1)
    with store.read() as session:
        ids, total = search_repo.search(
            session, query, limit=page_size, offset=(page - 1) * page_size, langs=langs
        )
        pages = max(1, -(-total // page_size))
        if page > pages:
            page = pages
            if total:
                ids, total = search_repo.search(
                    session, query, limit=page_size, offset=(page - 1) * page_size, langs=langs
                )
        items = _articles(session, ids)
    return SearchPage(
        items=items, page=page, pages=pages, total=total, query=query[:MAX_QUERY_CHARS]
    )


def _articles(session: Session, ids: list[int]) -> tuple[StoredArticle, ...]:
    """The articles with these ids, in this order."""
    if not ids:
        return ()
    rows = session.exec(
        select(Article, Source.locator)
        .join(Source, col(Article.source_id) == col(Source.id), isouter=True)
        .where(col(Article.id).in_(ids))
    ).all()
    links = articles.topic_links(session, ids)
    by_id = {a.id: to_stored(a, locator, links.get(a.id or 0, [])) for a, locator in rows}
    # An article deleted since the search is left out rather than failing the page.
    return tuple(by_id[i] for i in ids if i in by_id)
