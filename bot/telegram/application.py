"""Build the Application: handlers from one table, the rate limiter, the menu per language."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Coroutine
from datetime import UTC
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import log
from bot.core.models import PRODUCT_LANGS, Lang
from bot.telegram.context import DalaApplication, DalaContext, Deps
from bot.telegram.handlers import (
    admin,
    buttons,
    errors,
    fallback,
    forget,
    reading,
    settings,
    start,
    topics,
)
from bot.telegram.handlers.common import NO_PREVIEW
from bot.telegram.ratelimit import FloodLimiter

logger = log.get(__name__)
Handler = Callable[[Update, DalaContext], Coroutine[Any, Any, None]]

#: Every user command, in menu order; its menu text is `commands.<name>` in the catalogs.
COMMANDS: tuple[tuple[str, Handler], ...] = (
    ("start", start.start),
    ("help", start.help_),
    ("topics", topics.topics),
    ("subscribe", topics.subscribe),
    ("unsubscribe", topics.unsubscribe),
    ("mysubs", topics.mysubs),
    ("digest", reading.digest),
    ("latest", reading.latest),
    ("search", reading.search_),
    ("time", settings.time),
    ("timezone", settings.timezone),
    ("frequency", settings.frequency),
    ("alerts", settings.alerts),
    ("languages", settings.languages),
    ("language", settings.language),
    ("pause", settings.pause),
    ("resume", settings.resume),
    ("forget", forget.forget),
)
ADMIN_COMMANDS: tuple[tuple[str, Handler], ...] = (
    ("add", admin.add),
    ("sources", admin.sources),
    ("remove", admin.remove),
    ("stats", admin.stats),
)
#: Concurrent updates: one slow database call must not hold up everybody else.
CONCURRENT_UPDATES = 32


def bot_api_base(api_url: str) -> tuple[str, str]:
    """`base_url` and `base_file_url` for a Bot API server address (with or without /bot)."""
    root = api_url.rstrip("/").removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


def build(deps: Deps, token: str, *, request: BaseRequest | None = None) -> DalaApplication:
    """The application. `request` replaces the network (bench/handlers_latency.py times the
    handlers alone with an instant one); Telegram's rate limits are then not applied either."""
    settings = deps.settings
    base_url, base_file_url = bot_api_base(settings.telegram_api_url)
    # Without the network there is no Telegram limit to respect: the limiter lets all through.
    offline = request is not None
    builder = (
        Application.builder()
        .application_class(DalaApplication, kwargs={"deps": deps})
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .context_types(ContextTypes(context=DalaContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, tzinfo=UTC))
        .rate_limiter(
            FloodLimiter(
                overall_per_s=1e9 if offline else settings.delivery_rate_per_s,
                chat_interval_s=0 if offline else settings.chat_interval_s,
            )
        )
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(_post_init)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app = builder.build()
    assert isinstance(app, DalaApplication)
    register(app)
    return app


def register(app: DalaApplication) -> None:
    app.add_handler(TypeHandler(Update, errors.gate), group=-1)
    for name, handler in (*COMMANDS, *ADMIN_COMMANDS):
        app.add_handler(CommandHandler(name, handler))
    app.add_handler(CallbackQueryHandler(buttons.button))
    app.add_handler(ChatMemberHandler(start.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.COMMAND, fallback.unknown_command))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, fallback.plain_text))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, fallback.not_text))
    app.add_error_handler(errors.on_error)


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    """The command menu in each interface language (English as the default), and the
    operator commands for the operators only."""
    assert isinstance(app, DalaApplication)
    catalog = app.deps.catalog

    def menu(lang: Lang, commands: tuple[tuple[str, Handler], ...]) -> list[BotCommand]:
        return [BotCommand(name, catalog.t(lang, f"commands.{name}")[:256]) for name, _ in commands]

    await app.bot.set_my_commands(menu(Lang.EN, COMMANDS))
    for lang in PRODUCT_LANGS:
        await app.bot.set_my_commands(menu(lang, COMMANDS), language_code=lang.value)
    everything = (*COMMANDS, *ADMIN_COMMANDS)
    for admin_id in sorted(app.deps.settings.admin_ids):
        scope = BotCommandScopeChat(admin_id)
        try:
            # Telegram picks the menu by scope first, then by language: the operator's own
            # scope needs every interface language too, else they would read English only.
            await app.bot.set_my_commands(menu(Lang.EN, everything), scope=scope)
            for lang in PRODUCT_LANGS:
                await app.bot.set_my_commands(
                    menu(lang, everything), scope=scope, language_code=lang.value
                )
        except TelegramError as exc:  # the operator has not opened the bot yet
            logger.warning("menu.operator_skipped", admin_id=admin_id, reason=str(exc))


def run(app: DalaApplication, *, updates: bool = True) -> None:
    """Run until SIGINT/SIGTERM: polling for updates (unless a delivery-only process) and the
    scheduled jobs."""
    if updates:
        app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
        return
    asyncio.run(_deliver_only(app))


async def _deliver_only(app: DalaApplication) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with app:
        await app.start()
        logger.info("delivery.started")
        await stop.wait()
        await app.stop()
