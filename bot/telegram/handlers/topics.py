"""Topics and keywords: the picker, /subscribe, /unsubscribe, /mysubs."""

from __future__ import annotations

from telegram import Update

from bot.core.errors import UserInputError
from bot.core.models import Lang, Profile
from bot.core.schedule import Frequency
from bot.services import subscriptions, users
from bot.services.subscriptions import Outcome
from bot.telegram import callbacks as cb
from bot.telegram import keyboards
from bot.telegram.context import DalaContext
from bot.telegram.handlers.common import arg_text, edit, local_time, reader, reply, run


def _prompt(context: DalaContext, profile: Profile, page: int) -> str:
    return picker_prompt(context, profile.language, page)


def picker_prompt(context: DalaContext, lang: Lang, page: int) -> str:
    """The text above the topic picker, with "page N of M" when there is more than one."""
    deps = context.deps
    pages = keyboards.topic_pages(deps.taxonomy)
    if pages == 1:
        return deps.catalog.t(lang, "topics.prompt_single")
    page = min(max(page, 0), pages - 1)
    return deps.catalog.t(lang, "topics.prompt", page=page + 1, pages=pages)


async def topics(update: Update, context: DalaContext) -> None:
    profile = await reader(update, context)
    deps = context.deps
    markup = keyboards.topics(deps.taxonomy, deps.catalog, profile.language, profile.topics, 0)
    await reply(update, _prompt(context, profile, 0), markup)


async def on_topics_button(
    update: Update, context: DalaContext, data: cb.TopicsPage | cb.ToggleTopic | cb.TopicsDone
) -> None:
    """A tap in the picker: follow, stop or turn the page, editing the same message in place."""
    deps = context.deps
    profile = await reader(update, context)
    chosen = profile.topics
    if isinstance(data, cb.ToggleTopic) and data.topic_id in deps.taxonomy:
        follows = await run(
            subscriptions.set_topic,
            deps.store,
            profile.user_id,
            data.topic_id,
            follow=data.follow,
        )
        chosen = chosen | {data.topic_id} if follows else chosen - {data.topic_id}
    lang = profile.language
    if isinstance(data, cb.TopicsDone):
        names = [deps.taxonomy[t].name(lang) for t in sorted(chosen) if t in deps.taxonomy]
        key = "topics.saved" if names else "topics.saved_none"
        await edit(update, context, deps.catalog.t(lang, key, topics=", ".join(names)))
        return
    page = data.page
    markup = keyboards.topics(deps.taxonomy, deps.catalog, lang, chosen, page)
    await edit(update, context, _prompt(context, profile, page), markup)


async def subscribe(update: Update, context: DalaContext) -> None:
    await _change(update, context, subscribe=True)


async def unsubscribe(update: Update, context: DalaContext) -> None:
    await _change(update, context, subscribe=False)


async def _change(update: Update, context: DalaContext, *, subscribe: bool) -> None:
    deps = context.deps
    profile = await reader(update, context)
    lang, text = profile.language, arg_text(context)
    func = subscriptions.subscribe if subscribe else subscriptions.unsubscribe
    try:
        change = await run(func, deps.store, deps.taxonomy, profile.user_id, text)
    except UserInputError as exc:
        await reply(update, deps.catalog.t(lang, exc.key, **exc.args_map))
        return
    what = "topic" if change.topic_id else "keyword"
    topic = deps.taxonomy[change.topic_id].name(lang) if change.topic_id else ""
    key = {
        Outcome.ADDED: f"subscribe.{what}_added",
        Outcome.ALREADY: f"subscribe.{what}_already",
        Outcome.REMOVED: f"unsubscribe.{what}_removed",
        Outcome.NOT_FOUND: "unsubscribe.not_following",
    }[change.outcome]
    await reply(
        update,
        deps.catalog.t(lang, key, topic=topic, keyword=change.keyword or "", what=topic or text),
    )


def mysubs_text(context: DalaContext, profile: Profile) -> str:
    deps, lang = context.deps, profile.language
    t = deps.catalog.t
    none = t(lang, "mysubs.none")
    names = [deps.taxonomy[x].name(lang) for x in sorted(profile.topics) if x in deps.taxonomy]
    langs = ", ".join(sorted(code.value for code in profile.article_langs))
    lines = [
        t(lang, "mysubs.title"),
        t(lang, "mysubs.topics", topics=", ".join(names) or none),
        t(lang, "mysubs.keywords", keywords=", ".join(profile.keywords) or none),
        _schedule(context, profile),
    ]
    if profile.frequency != Frequency.OFF:
        lines.append(t(lang, "mysubs.next", when=local_time(profile.next_digest_at, profile)))
    lines += [
        t(lang, "mysubs.alerts", state=t(lang, "state.on" if profile.alerts else "state.off")),
        t(lang, "mysubs.langs", langs=langs or t(lang, "mysubs.all_langs")),
    ]
    if profile.paused:
        lines.append(t(lang, "mysubs.paused"))
    return "\n".join(lines)


def _schedule(context: DalaContext, profile: Profile) -> str:
    """The schedule line: frequency, hour and zone, or that digests are off (no hour then)."""
    t, lang = context.deps.catalog.t, profile.language
    if profile.frequency == Frequency.OFF:
        return t(lang, "mysubs.schedule_off")
    return t(
        lang,
        "mysubs.schedule",
        frequency=t(lang, f"frequency.{profile.frequency}"),
        time=profile.digest_time,
        zone=profile.timezone,
    )


async def mysubs(update: Update, context: DalaContext) -> None:
    profile = await reader(update, context)
    await reply(
        update, mysubs_text(context, profile), keyboards.mysubs(context.deps.catalog, profile)
    )


async def on_mysubs_button(update: Update, context: DalaContext, data: cb.MySubsAction) -> None:
    deps = context.deps
    profile = await reader(update, context)
    now = deps.clock()
    match data.action:
        case "topics":
            markup = keyboards.topics(
                deps.taxonomy, deps.catalog, profile.language, profile.topics, 0
            )
            await reply(update, _prompt(context, profile, 0), markup)
            return
        case "langs":
            prompt = deps.catalog.t(profile.language, "languages.prompt")
            markup = keyboards.article_langs(deps.catalog, profile.language, profile.article_langs)
            await reply(update, prompt, markup)
            return
        case "alerts":
            profile = await run(
                users.set_alerts, deps.store, profile.user_id, not profile.alerts, now=now
            )
        case "pause" | "resume":
            profile = await run(
                users.set_paused, deps.store, profile.user_id, data.action == "pause", now=now
            )
    await edit(
        update, context, mysubs_text(context, profile), keyboards.mysubs(deps.catalog, profile)
    )
