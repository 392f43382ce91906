"""The one error handler, and the gate that slows down floods of commands."""

from __future__ import annotations

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot import log
from bot.core.throttle import Verdict
from bot.telegram.context import DalaContext
from bot.telegram.handlers.common import lang_of, reply

logger = log.get(__name__)


async def on_error(update: object, context: DalaContext) -> None:
    """Log with the update id (never the update or user data) and tell the user once."""
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error("handler.failed", update_id=update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return  # the user blocked the bot: there is nobody to tell
    try:
        lang = await lang_of(update, context)
        if update.callback_query is not None:
            await update.callback_query.answer(context.deps.catalog.t(lang, "error.generic"))
        else:
            await reply(update, context.deps.catalog.t(lang, "error.generic"))
    except (TelegramError, NetworkError):
        logger.warning("handler.error_reply_failed", update_id=update_id)


async def gate(update: Update, context: DalaContext) -> None:
    """More than 20 commands (messages or taps) in 10 seconds: say so once, then ignore the user
    for a minute. Membership changes (block, unblock) are not the user talking and pass."""
    user = update.effective_user
    if user is None or (update.message is None and update.callback_query is None):
        return
    verdict = context.deps.throttle.check(user.id, context.deps.clock())
    if verdict is Verdict.PASS:
        return
    query = update.callback_query
    if verdict is Verdict.WARN:
        logger.warning("user.throttled", user_id=user.id)
        text = context.deps.catalog.t(await lang_of(update, context), "error.slow_down")
        if query is not None:
            await query.answer(text)
        else:
            await reply(update, text)
    elif query is not None:
        await query.answer()  # silently, but the client stops its spinner
    raise ApplicationHandlerStop
