"""Operator commands, for the Telegram ids in ADMIN_IDS: /add, /sources, /remove, /stats.

A non-operator gets exactly the answer of an unknown command, and the attempt is logged."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import Update

from bot import log
from bot.core.fetch import Fetcher
from bot.services import admin, pipeline
from bot.telegram import render
from bot.telegram.context import DalaContext
from bot.telegram.handlers.common import arg_text, lang_of, reply, run
from bot.telegram.handlers.fallback import unknown_command
from bot.telegram.i18n import Html

logger = log.get(__name__)
Handler = Callable[[Update, DalaContext], Coroutine[Any, Any, None]]


def operator_only(handler: Handler) -> Handler:
    @wraps(handler)
    async def guarded(update: Update, context: DalaContext) -> None:
        user = update.effective_user
        if user is None or user.id not in context.deps.settings.admin_ids:
            logger.warning(
                "admin.denied", user_id=user.id if user else None, command=handler.__name__
            )
            await unknown_command(update, context)
            return
        await handler(update, context)

    return guarded


def _ingest(context: DalaContext, url: str) -> pipeline.SourceReport:
    deps = context.deps
    settings = deps.settings
    with Fetcher(timeout_s=settings.fetch_timeout_s, max_bytes=settings.fetch_max_bytes) as f:
        report = pipeline.ingest_url(deps.store, deps.analyzer, f, url, now=deps.clock())
    if report.taken:  # readers' next /digest should see them at once
        deps.window.refresh(deps.store, deps.clock(), force=True)
    return report


@operator_only
async def add(update: Update, context: DalaContext) -> None:
    deps = context.deps
    lang, url = await lang_of(update, context), arg_text(context).strip()
    if not pipeline.is_url(url):
        await reply(update, deps.catalog.t(lang, "admin.add_usage"))
        return
    report = await run(_ingest, context, url)
    logger.info("admin.add", url=url, kind=report.kind, taken=report.taken, ok=report.ok)
    if not report.ok:
        await reply(
            update, deps.catalog.t(lang, "admin.add_failed", url=url, error=report.errors[0])
        )
        return
    key = "admin.added_page" if report.kind == "page" else "admin.added_feed"
    skipped = sum(report.skipped.values())
    await reply(update, deps.catalog.t(lang, key, url=url, taken=report.taken, skipped=skipped))
    if report.taken and deps.on_new_articles is not None:
        deps.on_new_articles()


@operator_only
async def sources(update: Update, context: DalaContext) -> None:
    deps = context.deps
    lang = await lang_of(update, context)
    found = await run(admin.list_sources, deps.store)
    if not found:
        await reply(update, deps.catalog.t(lang, "admin.sources_none"))
        return
    t = deps.catalog.t
    lines = [t(lang, "admin.sources_header", count=len(found))]
    for s in found:
        error = t(lang, "admin.source_error", error=s.last_error[:200]) if s.last_error else ""
        fetched = (
            s.last_fetch_at.strftime("%Y-%m-%d %H:%M UTC")
            if s.last_fetch_at
            else t(lang, "admin.never")
        )
        lines.append(
            t(
                lang,
                "admin.source_line",
                id=s.id,
                kind=s.kind,
                locator=s.locator,
                articles=deps.catalog.plural(lang, "articles", s.articles),
                fetched=fetched,
                error=Html(error),
            )
        )
    for message in render.chunk(lines):
        await reply(update, message)


@operator_only
async def remove(update: Update, context: DalaContext) -> None:
    deps = context.deps
    lang, ref = await lang_of(update, context), arg_text(context).strip()
    if not ref:
        await reply(update, deps.catalog.t(lang, "admin.remove_usage"))
        return
    removed = await run(admin.remove_source, deps.store, ref)
    if removed is None:
        await reply(update, deps.catalog.t(lang, "admin.remove_unknown", source=ref[:100]))
        return
    logger.info("admin.remove", source_id=removed.id)
    await reply(
        update, deps.catalog.t(lang, "admin.removed", id=removed.id, locator=removed.locator)
    )


@operator_only
async def stats(update: Update, context: DalaContext) -> None:
    deps = context.deps
    lang = await lang_of(update, context)
    s = await run(admin.stats, deps.store, now=deps.clock())

    def pairs(items: tuple[tuple[str, int], ...]) -> str:
        return ", ".join(f"{k} {n}" for k, n in items) or "—"

    await reply(
        update,
        deps.catalog.t(
            lang,
            "admin.stats",
            users=s.users,
            active=s.active_users,
            digests_today=s.digests_today,
            per_topic=pairs(s.subscriptions_per_topic),
            per_lang=pairs(s.articles_per_lang),
            per_topic_articles=pairs(s.articles_per_topic),
        ),
    )
