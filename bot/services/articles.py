"""Reading the article store: listings for the CLI, the bot and digests."""

from __future__ import annotations

from bot.core.models import Lang, StoredArticle, TopicScore
from bot.services.store import Store
from storage import articles
from storage.tables import Article, ArticleTopic


def latest(
    store: Store,
    *,
    topic_id: str | None = None,
    lang: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[StoredArticle]:
    with store.read() as session:
        rows = articles.listing(session, topic_id=topic_id, lang=lang, limit=limit, offset=offset)
        return [to_stored(a, locator, links) for a, locator, links in rows]


def count(store: Store) -> int:
    with store.read() as session:
        return articles.count(session)


def to_stored(article: Article, source: str | None, links: list[ArticleTopic]) -> StoredArticle:
    assert article.id is not None
    try:
        lang = Lang(article.lang)
    except ValueError:
        lang = Lang.UND
    return StoredArticle(
        id=article.id,
        title=article.title,
        url=article.url,
        lang=lang,
        summary=article.summary,
        published_at=article.published_at,
        ingested_at=article.ingested_at,
        source=source,
        topics=tuple(
            TopicScore(link.topic_id, link.score, tuple(link.terms.split())) for link in links
        ),
        story_id=article.story_id or article.id,
    )
