"""Schedule and preferences: /time, /timezone, /frequency, /alerts, /languages, /language,
/pause, /resume."""

from __future__ import annotations

from telegram import Update

from bot.core import schedule, timezones
from bot.core.errors import UserInputError
from bot.core.models import Profile
from bot.services import users
from bot.telegram import callbacks as cb
from bot.telegram import keyboards
from bot.telegram.context import DalaContext
from bot.telegram.handlers.common import arg_text, edit, local_time, reader, reply, run


async def time(update: Update, context: DalaContext) -> None:
    deps = context.deps
    profile = await reader(update, context)
    lang = profile.language
    try:
        at = schedule.parse_time(arg_text(context))
    except UserInputError:
        await reply(update, deps.catalog.t(lang, "time.usage"))
        return
    profile = await run(users.set_time, deps.store, profile.user_id, at, now=deps.clock())
    await reply(
        update,
        deps.catalog.t(
            lang,
            "time.set",
            time=profile.digest_time,
            zone=profile.timezone,
            when=local_time(profile.next_digest_at, profile),
        ),
    )


async def timezone(update: Update, context: DalaContext) -> None:
    deps = context.deps
    profile = await reader(update, context)
    lang, text = profile.language, arg_text(context)
    if not text.strip():
        await reply(update, deps.catalog.t(lang, "timezone.usage"))
        return
    try:
        zone = timezones.zone_name(timezones.parse_zone(text))
    except UserInputError:
        await reply(update, deps.catalog.t(lang, "timezone.unknown", zone=text[:40]))
        return
    profile = await run(users.set_timezone, deps.store, profile.user_id, zone, now=deps.clock())
    when = local_time(profile.next_digest_at, profile)
    await reply(update, deps.catalog.t(lang, "timezone.set", zone=zone, when=when))


async def frequency(update: Update, context: DalaContext) -> None:
    deps = context.deps
    profile = await reader(update, context)
    lang = profile.language
    try:
        value = schedule.parse_frequency(arg_text(context))
    except UserInputError:
        await reply(update, deps.catalog.t(lang, "frequency.usage"))
        return
    await run(users.set_frequency, deps.store, profile.user_id, value, now=deps.clock())
    label = deps.catalog.t(lang, f"frequency.{value.value}")
    await reply(update, deps.catalog.t(lang, "frequency.set", frequency=label))


async def alerts(update: Update, context: DalaContext) -> None:
    deps = context.deps
    profile = await reader(update, context)
    lang, word = profile.language, arg_text(context).strip().lower()
    if word not in ("on", "off"):
        await reply(update, deps.catalog.t(lang, "alerts.usage"))
        return
    await run(users.set_alerts, deps.store, profile.user_id, word == "on", now=deps.clock())
    await reply(update, deps.catalog.t(lang, f"alerts.{word}"))


async def languages(update: Update, context: DalaContext) -> None:
    deps = context.deps
    profile = await reader(update, context)
    lang = profile.language
    markup = keyboards.article_langs(deps.catalog, lang, profile.article_langs)
    await reply(update, deps.catalog.t(lang, "languages.prompt"), markup)


async def on_article_lang_button(
    update: Update, context: DalaContext, data: cb.ToggleArticleLang
) -> None:
    deps = context.deps
    profile = await reader(update, context)
    profile = await run(
        users.toggle_article_lang, deps.store, profile.user_id, data.lang, now=deps.clock()
    )
    lang = profile.language
    markup = keyboards.article_langs(deps.catalog, lang, profile.article_langs)
    await edit(update, context, deps.catalog.t(lang, "languages.prompt"), markup)


async def language(update: Update, context: DalaContext) -> None:
    deps = context.deps
    profile = await reader(update, context)
    markup = keyboards.interface_langs(deps.catalog, profile.language)
    await reply(update, deps.catalog.t(profile.language, "language.prompt"), markup)


async def on_interface_lang_button(
    update: Update, context: DalaContext, data: cb.SetInterfaceLang
) -> None:
    deps = context.deps
    profile = await reader(update, context)
    profile = await run(
        users.set_language, deps.store, profile.user_id, data.lang, now=deps.clock()
    )
    markup = keyboards.interface_langs(deps.catalog, profile.language)
    await edit(update, context, deps.catalog.t(profile.language, "language.set"), markup)


async def pause(update: Update, context: DalaContext) -> None:
    await _set_paused(update, context, paused=True)


async def resume(update: Update, context: DalaContext) -> None:
    await _set_paused(update, context, paused=False)


async def _set_paused(update: Update, context: DalaContext, *, paused: bool) -> None:
    deps = context.deps
    profile = await reader(update, context)
    key = ("pause" if paused else "resume") + (".already" if profile.paused == paused else ".done")
    profile = await run(users.set_paused, deps.store, profile.user_id, paused, now=deps.clock())
    await reply(update, deps.catalog.t(profile.language, key, when=_next(profile)))


def _next(profile: Profile) -> str:
    return local_time(profile.next_digest_at, profile)
