"""Sending digests and alerts: claimed readers, rendered messages, Telegram's answers.

Exactly once: a message's articles are recorded as delivered right after Telegram accepts it,
and a reader's next digest is scheduled only after the last message. If the process dies
between Telegram accepting a message and the record being written, that one message is sent
again when the claim lapses and another tick (here or in another process) takes the reader
over; nothing recorded is ever sent again, and nothing unrecorded is lost.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot import log
from bot.core.digest import Digest
from bot.core.models import Profile
from bot.services import digests, users
from bot.telegram import render
from bot.telegram.context import Deps
from bot.telegram.handlers.common import NO_PREVIEW, run, zone_of

logger = log.get(__name__)

#: Tries of one message on 5xx answers, timeouts and dropped connections, and the first pause.
SEND_TRIES = 3
BACKOFF_S = 0.5
#: A reader whose digest could not be sent is tried again after this.
RETRY_LATER = timedelta(minutes=5)
#: Readers claimed per round, and sends waiting on the rate limiter at once.
BATCH = 200
CONCURRENCY = 64


class Sent(StrEnum):
    OK = "ok"
    #: Blocked, deactivated, or the chat is gone: stop until the reader sends /start.
    GONE = "gone"
    FAILED = "failed"


@dataclass
class DeliveryReport:
    digests: int = 0
    messages: int = 0
    empty: int = 0
    gone: int = 0
    postponed: int = 0


async def deliver_due(bot: Bot, deps: Deps, *, worker: str) -> DeliveryReport:
    """Send every digest that is due now, claiming readers in batches."""
    report = DeliveryReport()
    gate = asyncio.Semaphore(CONCURRENCY)
    while True:
        now = deps.clock()
        profiles = await run(digests.claim_due, deps.store, now=now, limit=BATCH, worker=worker)
        if not profiles:
            break
        prepared = await run(digests.prepare, deps.store, deps.window, profiles, now=now)

        async def one(profile: Profile, digest: Digest) -> None:
            async with gate:
                await deliver_one(bot, deps, profile, digest, worker=worker, report=report)

        await asyncio.gather(*(one(p, d) for p, d in prepared))
    if report.digests or report.gone or report.postponed:
        logger.info("delivery.done", worker=worker, **vars(report))
    return report


async def deliver_one(
    bot: Bot, deps: Deps, profile: Profile, digest: Digest, *, worker: str, report: DeliveryReport
) -> None:
    now = deps.clock()
    if digest.empty:  # nothing new: no message, just the next slot
        await run(digests.finish, deps.store, profile, worker=worker, now=now, sent=False)
        report.empty += 1
        return
    lang, zone = profile.language, zone_of(profile)
    messages = render.digest(digest, deps.taxonomy, deps.catalog, lang, zone, now)
    chat_id = profile.chat_id
    for message in messages:
        outcome, chat_id = await send(bot, deps, profile, chat_id, message.text)
        if outcome is Sent.GONE:
            await run(users.deactivate, deps.store, profile.user_id)
            await run(digests.postpone, deps.store, profile.user_id, worker=worker, until=now)
            report.gone += 1
            return
        if outcome is Sent.FAILED:
            until = now + RETRY_LATER
            await run(digests.postpone, deps.store, profile.user_id, worker=worker, until=until)
            report.postponed += 1
            return
        await run(
            digests.record_message,
            deps.store,
            profile.user_id,
            sorted(message.article_ids),
            kind="digest",
            now=deps.clock(),
        )
        report.messages += 1
    await run(digests.finish, deps.store, profile, worker=worker, now=now, sent=True)
    report.digests += 1


async def send(bot: Bot, deps: Deps, profile: Profile, chat_id: int, text: str) -> tuple[Sent, int]:
    """Send one message; retry 5xx, timeouts and resets with backoff, follow a migrated chat.
    A 429 is waited out by the rate limiter before it gets here."""
    pause = BACKOFF_S
    for attempt in range(1, SEND_TRIES + 1):
        try:
            await bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
            )
            return Sent.OK, chat_id
        except Forbidden as exc:
            logger.info("delivery.gone", user_id=profile.user_id, reason=str(exc))
            return Sent.GONE, chat_id
        except ChatMigrated as exc:
            chat_id = exc.new_chat_id
            await run(users.move_chat, deps.store, profile.user_id, chat_id)
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                return Sent.GONE, chat_id
            logger.error("delivery.rejected", user_id=profile.user_id, reason=str(exc))
            return Sent.FAILED, chat_id
        except RetryAfter:
            logger.warning("delivery.flood", user_id=profile.user_id, attempt=attempt)
            return Sent.FAILED, chat_id
        except NetworkError as exc:  # 5xx, timeouts, dropped connections
            logger.warning(
                "delivery.retry", user_id=profile.user_id, attempt=attempt, error=str(exc)
            )
            if attempt < SEND_TRIES:
                await asyncio.sleep(pause)
                pause *= 2
    return Sent.FAILED, chat_id


async def deliver_alerts(bot: Bot, deps: Deps, *, min_score: float) -> int:
    """Instant alerts: strong matches since the last look, to readers with alerts on."""
    alerts, upto = await run(
        digests.pending_alerts, deps.store, deps.window, now=deps.clock(), min_score=min_score
    )
    sent = 0
    for alert in alerts:
        profile = alert.profile
        lang, zone = profile.language, zone_of(profile)
        topic = deps.taxonomy[alert.topic_id].name(lang) if alert.topic_id in deps.taxonomy else ""
        header = deps.catalog.t(lang, "digest.alert_header", topic=topic)
        text = header + "\n\n" + render.item(alert.article, deps.catalog, lang, zone)
        outcome, _ = await send(bot, deps, profile, profile.chat_id, text)
        if outcome is Sent.GONE:
            await run(users.deactivate, deps.store, profile.user_id)
        elif outcome is Sent.OK:
            await run(
                digests.record_message,
                deps.store,
                profile.user_id,
                [alert.article.id],
                kind="alert",
                now=deps.clock(),
            )
            sent += 1
    await run(digests.advance_alerts, deps.store, upto)
    if sent:
        logger.info("alerts.sent", count=sent)
    return sent
