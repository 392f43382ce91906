"""One handler for every inline button: parse the callback data, dispatch on its type, answer
the query exactly once."""

from __future__ import annotations

from datetime import datetime

from telegram import CallbackQuery, Update

from bot.telegram import callbacks as cb
from bot.telegram.context import DalaContext
from bot.telegram.handlers import forget, reading, settings, topics
from bot.telegram.handlers.common import lang_of


async def button(update: Update, context: DalaContext) -> None:
    query = update.callback_query
    if query is None:
        return
    data = cb.parse(query.data)
    if data is None or (_needs_fresh(data) and _before(query, context.deps.started_at)):
        lang = await lang_of(update, context)
        await query.answer(context.deps.catalog.t(lang, "error.stale_button"))
        return
    notice: str | None = None
    match data:
        case cb.TopicsPage() | cb.ToggleTopic() | cb.TopicsDone():
            await topics.on_topics_button(update, context, data)
        case cb.MySubsAction():
            await topics.on_mysubs_button(update, context, data)
        case cb.ToggleArticleLang():
            await settings.on_article_lang_button(update, context, data)
        case cb.SetInterfaceLang():
            await settings.on_interface_lang_button(update, context, data)
        case cb.SearchPage():
            notice = await reading.on_search_button(update, context, data)
        case cb.Forget():
            await forget.on_forget_button(update, context, data)
    await query.answer(notice)


def _needs_fresh(data: cb.Callback) -> bool:
    """Buttons whose meaning this process may not have: a search's words live in memory, and a
    confirmation to delete everything should be a fresh one. The others carry all they need
    (a topic tap says "follow water"), so they keep working on old messages."""
    return isinstance(data, cb.SearchPage | cb.Forget)


def _before(query: CallbackQuery, started_at: datetime) -> bool:
    """True when the button's message was sent before this process started (dates are whole
    seconds; an inaccessible old message has date 0)."""
    message = query.message
    return message is not None and message.date < started_at.replace(microsecond=0)
