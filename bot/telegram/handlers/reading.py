"""Reading: /digest now, /latest, /search with paging."""

from __future__ import annotations

import hashlib

from telegram import InlineKeyboardMarkup, Update

from bot.core.errors import UserInputError
from bot.core.models import Profile
from bot.services import articles, digests, search
from bot.telegram import callbacks as cb
from bot.telegram import keyboards, render
from bot.telegram.context import DalaContext
from bot.telegram.handlers.common import arg_text, edit, reader, reply, run, zone_of

LATEST_ITEMS = 8
SEARCH_PAGE = 5
#: Search queries kept per chat for the paging buttons.
SEARCH_MEMORY = 20
#: Longer queries are cut: the search itself uses only the first few words.
MAX_QUERY = 500


async def digest(update: Update, context: DalaContext) -> None:
    """What is new for me since my last digest, now."""
    deps = context.deps
    profile = await reader(update, context)
    lang, now = profile.language, deps.clock()
    if not profile.topics and not profile.keywords:
        await reply(update, deps.catalog.t(lang, "digest.no_topics"))
        return
    [(_, composed)] = await run(
        digests.prepare, deps.store, deps.window, [profile], now=now, fresh=False
    )
    if composed.empty:
        if profile.last_digest_at is None:
            await reply(update, deps.catalog.t(lang, "digest.nothing_yet"))
        else:
            since = profile.last_digest_at.astimezone(zone_of(profile)).strftime("%H:%M")
            await reply(update, deps.catalog.t(lang, "digest.nothing_since", time=since))
        return
    # Each message's articles are recorded as soon as Telegram has taken it, as scheduled
    # delivery does: a crash mid-way repeats at most the message in flight, not the digest.
    for message in render.digest(
        composed, deps.taxonomy, deps.catalog, lang, zone_of(profile), now
    ):
        await reply(update, message.text)
        await run(
            digests.record_sent,
            deps.store,
            profile.user_id,
            sorted(message.article_ids),
            kind="manual",
            now=now,
        )


async def latest(update: Update, context: DalaContext) -> None:
    """The latest items, delivered or not, optionally of one topic."""
    deps = context.deps
    profile = await reader(update, context)
    lang, text = profile.language, arg_text(context).strip()
    topic = deps.taxonomy.resolve(text) if text else None
    if text and topic is None:
        await reply(update, deps.catalog.t(lang, "latest.unknown_topic", topic=text[:40]))
        return
    items = await run(
        articles.latest,
        deps.store,
        topic_id=topic.id if topic else None,
        lang=None,
        limit=LATEST_ITEMS,
    )
    if profile.article_langs:
        items = [a for a in items if a.lang in profile.article_langs]
    if not items:
        await reply(update, deps.catalog.t(lang, "latest.nothing"))
        return
    header = (
        deps.catalog.t(lang, "latest.header_topic", topic=topic.name(lang))
        if topic
        else deps.catalog.t(lang, "latest.header")
    )
    for message in render.listing(header, items, deps.catalog, lang, zone_of(profile)):
        await reply(update, message)


async def search_(update: Update, context: DalaContext) -> None:
    profile = await reader(update, context)
    query = arg_text(context).strip()[:MAX_QUERY]
    key = hashlib.sha1(query.encode(), usedforsecurity=False).hexdigest()[:10]
    if context.chat_data is not None and query:
        remembered = context.chat_data.setdefault("searches", {})
        remembered[key] = query
        while len(remembered) > SEARCH_MEMORY:
            remembered.pop(next(iter(remembered)))
    text, markup = await _search_page(context, profile, query, key, 1)
    await reply(update, text, markup)


async def on_search_button(update: Update, context: DalaContext, data: cb.SearchPage) -> str | None:
    """Turn a search page in place; the notice to show when the search is gone."""
    deps = context.deps
    profile = await reader(update, context)
    remembered = (context.chat_data or {}).get("searches", {})
    query = remembered.get(data.key)
    if query is None:  # a button from before a restart or of a forgotten search
        return deps.catalog.t(profile.language, "error.stale_button")
    text, markup = await _search_page(context, profile, query, data.key, data.page)
    await edit(update, context, text, markup)
    return None


async def _search_page(
    context: DalaContext, profile: Profile, query: str, key: str, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    deps, lang = context.deps, profile.language
    try:
        found = await run(
            search.search,
            deps.store,
            query,
            page=page,
            page_size=SEARCH_PAGE,
            langs=[code.value for code in profile.article_langs],
        )
    except UserInputError:
        return deps.catalog.t(lang, "search.usage"), None
    if not found.items:
        return deps.catalog.t(lang, "search.nothing", query=query[:100]), None
    header = deps.catalog.t(
        lang, "search.header", query=query[:100], page=found.page, pages=found.pages
    )
    zone = zone_of(profile)
    text = render.chunk(
        [header, *(render.item(a, deps.catalog, lang, zone, with_terms=False) for a in found.items)]
    )[0]
    return text, keyboards.search_pages(deps.catalog, lang, key, found.page, found.pages)
