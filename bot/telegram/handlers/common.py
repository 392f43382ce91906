"""What every handler shares: the reader, their language and zone, and one way to reply."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import ParamSpec, TypeVar

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.core import timezones
from bot.core.errors import UserInputError
from bot.core.models import Lang, Profile
from bot.services import users
from bot.telegram.context import DalaContext
from bot.telegram.i18n import interface_lang

P = ParamSpec("P")
R = TypeVar("R")
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
#: Messages per chat whose last edited content is remembered (see `edit`).
EDITS_REMEMBERED = 20


async def run(func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a (blocking, database) service call off the event loop."""
    return await asyncio.to_thread(func, *args, **kwargs)


async def reader(update: Update, context: DalaContext) -> Profile:
    """The reader behind this update; one who never sent /start (or sent /forget) is created
    with defaults, so every command works without ceremony."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    deps = context.deps
    known = await run(users.get, deps.store, user.id)
    if known is not None:
        return known
    profile, _ = await run(
        users.start,
        deps.store,
        user_id=user.id,
        chat_id=chat.id,
        language=interface_lang(user.language_code),
        timezone=deps.settings.default_timezone,
        now=deps.clock(),
    )
    return profile


async def lang_of(update: Update, context: DalaContext) -> Lang:
    """The reader's interface language, without creating them."""
    user = update.effective_user
    if user is None:
        return Lang.EN
    stored = await run(users.language_of, context.deps.store, user.id)
    return stored or interface_lang(user.language_code)


def zone_of(profile: Profile) -> tzinfo:
    try:
        return timezones.load_zone(profile.timezone)
    except UserInputError:
        return timezones.load_zone("UTC")


def local_time(moment: datetime | None, profile: Profile) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(zone_of(profile)).strftime("%d.%m %H:%M")


def arg_text(context: DalaContext) -> str:
    return " ".join(context.args or ())


async def reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    message = update.effective_message
    if message is None:
        return None
    return await message.reply_html(text, reply_markup=markup, link_preview_options=NO_PREVIEW)


async def edit(
    update: Update,
    context: DalaContext,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Update the message a button belongs to in place.

    A button pressed twice quickly would edit the message to what it already shows, which
    Telegram refuses ("message is not modified"): the last content set per message is kept in
    `chat_data`, and an edit to that same content is skipped."""
    query = update.callback_query
    if query is None:
        return
    message_id = query.message.message_id if query.message is not None else 0
    shown = _shown(context)
    content = hash((text, markup.to_json() if markup else ""))
    if shown.get(message_id) == content:
        return
    shown[message_id] = content
    while len(shown) > EDITS_REMEMBERED:
        shown.pop(next(iter(shown)))
    try:
        await query.edit_message_text(
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            link_preview_options=NO_PREVIEW,
        )
    except BadRequest as exc:
        if "message is not modified" not in str(exc):
            shown.pop(message_id, None)
            raise
    except Exception:
        shown.pop(message_id, None)
        raise


def _shown(context: DalaContext) -> dict[int, int]:
    if context.chat_data is None:
        return {}
    shown: dict[int, int] = context.chat_data.setdefault("shown", {})
    return shown
