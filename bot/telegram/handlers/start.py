"""/start and /help."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType

from bot import log
from bot.services import users
from bot.telegram import keyboards
from bot.telegram.context import DalaContext
from bot.telegram.handlers import topics
from bot.telegram.handlers.common import lang_of, reply, run
from bot.telegram.i18n import interface_lang

logger = log.get(__name__)


async def start(update: Update, context: DalaContext) -> None:
    """Greet in the client's language, explain in three lines, show the topic picker."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    deps = context.deps
    known = await run(users.language_of, deps.store, user.id)
    profile, _ = await run(
        users.start,
        deps.store,
        user_id=user.id,
        chat_id=chat.id,
        language=known or interface_lang(user.language_code),
        timezone=deps.settings.default_timezone,
        now=deps.clock(),
    )
    lang = profile.language
    await reply(
        update,
        deps.catalog.t(lang, "start.greeting", time=profile.digest_time, zone=profile.timezone),
    )
    await reply(
        update,
        topics.picker_prompt(context, lang, 0),
        keyboards.topics(deps.taxonomy, deps.catalog, lang, profile.topics, 0),
    )


async def help_(update: Update, context: DalaContext) -> None:
    await reply(update, context.deps.catalog.t(await lang_of(update, context), "help.text"))


async def membership(update: Update, context: DalaContext) -> None:
    """The reader blocked the bot (or unblocked it): stop scheduling digests until their next
    /start, which reactivates them with everything they had."""
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    status = change.new_chat_member.status
    if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        await run(users.deactivate, context.deps.store, change.from_user.id)
        logger.info("user.blocked_bot", user_id=change.from_user.id)
