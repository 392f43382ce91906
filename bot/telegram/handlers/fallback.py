"""What is not a known command: unknown commands, plain text, photos and stickers."""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import DalaContext
from bot.telegram.handlers.common import lang_of, reply

#: Longer messages are refused before anything else looks at them.
MAX_TEXT = 1000


async def unknown_command(update: Update, context: DalaContext) -> None:
    lang = await lang_of(update, context)
    await reply(update, context.deps.catalog.t(lang, "error.unknown_command"))


async def plain_text(update: Update, context: DalaContext) -> None:
    """Text without a command: point to /search with it (a likely intent), or to /help."""
    lang = await lang_of(update, context)
    message = update.effective_message
    text = " ".join((message.text or "").split()) if message else ""
    if len(text) > MAX_TEXT:
        await reply(
            update, context.deps.catalog.t(lang, "error.too_long", length=len(text), max=MAX_TEXT)
        )
        return
    await reply(update, context.deps.catalog.t(lang, "error.plain_text", text=text[:60] or "…"))


async def not_text(update: Update, context: DalaContext) -> None:
    lang = await lang_of(update, context)
    await reply(update, context.deps.catalog.t(lang, "error.not_text"))
