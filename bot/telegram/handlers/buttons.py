"""One handler for every inline button: parse the callback data, dispatch on its type."""

from __future__ import annotations

from telegram import Update

from bot.telegram import callbacks as cb
from bot.telegram.context import DalaContext
from bot.telegram.handlers import forget, reading, settings, topics
from bot.telegram.handlers.common import lang_of


async def button(update: Update, context: DalaContext) -> None:
    query = update.callback_query
    if query is None:
        return
    data = cb.parse(query.data)
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
            await reading.on_search_button(update, context, data)
            return  # it answers the query itself when the button is stale
        case cb.Forget():
            await forget.on_forget_button(update, context, data)
        case None:
            lang = await lang_of(update, context)
            await query.answer(context.deps.catalog.t(lang, "error.stale_button"))
            return
    await query.answer()
