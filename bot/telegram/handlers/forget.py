"""/forget: after a confirmation button, delete every row about the reader."""

from __future__ import annotations

from telegram import Update

from bot import log
from bot.services import users
from bot.telegram import callbacks as cb
from bot.telegram import keyboards
from bot.telegram.context import DalaContext
from bot.telegram.handlers.common import edit, lang_of, reply, run

logger = log.get(__name__)


async def forget(update: Update, context: DalaContext) -> None:
    lang = await lang_of(update, context)
    catalog = context.deps.catalog
    await reply(update, catalog.t(lang, "forget.confirm"), keyboards.forget(catalog, lang))


async def on_forget_button(update: Update, context: DalaContext, data: cb.Forget) -> None:
    user = update.effective_user
    assert user is not None
    lang = await lang_of(update, context)
    if not data.confirmed:
        await edit(update, context, context.deps.catalog.t(lang, "forget.cancelled"))
        return
    await run(users.forget, context.deps.store, user.id)
    if context.user_data is not None:
        context.user_data.clear()
    if context.chat_data is not None:
        context.chat_data.clear()
    logger.info("user.forgotten", user_id=user.id)
    await edit(update, context, context.deps.catalog.t(lang, "forget.done"))
