"""Sending digests and alerts: claimed readers, rendered messages, Telegram's answers.

Exactly once: a message's articles are recorded as delivered right after Telegram accepts it,
and a reader's next digest is scheduled only after the last message. Claims are leases that the
sending process renews while it works; when it dies they lapse and another tick (here or in
another process) takes its readers over, re-composing each digest without what was recorded.

The bound: a message is sent twice only when Telegram accepted it and its record was never
written: the sends awaiting their record when the process died (at most `CONCURRENCY` digest
readers plus `ALERT_CONCURRENCY` alert readers, one message each, so 20: fewer than the
limiter's `DELIVERY_RATE_PER_S`), or a send whose answer timed out although Telegram had taken
it. Nothing recorded is sent again, and nothing unrecorded is lost. A database outage shorter
than the record's retries (`DB_TRIES`, about a minute) does not widen the bound: nothing else is
sent to that reader meanwhile; after a longer one, the reader's claim lapses and the message
whose record could not be written is sent again (the same one message per reader in flight).
A message Telegram refuses outright (a 400 other than "chat not found") is logged and skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TypeVar

from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.ext import ExtBot

from bot import log
from bot.core.digest import Digest
from bot.core.errors import StorageError
from bot.core.models import Profile
from bot.services import digests, users
from bot.telegram import render
from bot.telegram.context import Deps
from bot.telegram.handlers.common import NO_PREVIEW, zone_of
from bot.telegram.ratelimit import BULK

logger = log.get(__name__)
T = TypeVar("T")

#: Tries of one message on 5xx answers, timeouts and dropped connections, and the first pause.
SEND_TRIES = 3
BACKOFF_S = 0.5
#: Tries of one database call while the database is unreachable, and the first pause (doubling
#: up to DB_MAX_PAUSE_S): about a minute in all.
DB_TRIES = 10
DB_PAUSE_S = 0.5
DB_MAX_PAUSE_S = 10.0
#: Readers claimed per round, and sends waiting on the rate limiter at once. Sixteen keep the
#: 29/s window full against a local Bot API answering in ~10 ms (28.2 msg/s measured), while
#: leaving the loop and the database to the replies of people talking to the bot meanwhile
#: (end-to-end p99 fell from 371 to 223 ms at 64 → 16 during a fan-out).
BATCH = 100
CONCURRENCY = 16
#: Readers whose alerts are sent at once: enough that one reader's retries hold up nobody,
#: few enough that with the digests' 16 at most 20 accepted sends can await their record
#: (the bound on repeats after a crash, see README "Exactly once").
ALERT_CONCURRENCY = 4


#: Delivery's database calls run on threads of their own: a fan-out queues thousands of them,
#: and on the loop's default executor they would queue ahead of the replies to people talking
#: to the bot. Threads start on first use.
_EXECUTOR = ThreadPoolExecutor(max_workers=2, thread_name_prefix="delivery-db")


async def _off_loop(func: Callable[..., T], *args: object, **kwargs: object) -> T:
    return await asyncio.get_running_loop().run_in_executor(
        _EXECUTOR, functools.partial(func, *args, **kwargs)
    )


class Sent(StrEnum):
    OK = "ok"
    #: Blocked, deactivated, or the chat is gone: stop until the reader sends /start.
    GONE = "gone"
    #: Telegram will never take this message (a 400 other than "chat not found"): sending it
    #: again cannot help, so it is skipped, not retried forever in place of every later digest.
    REJECTED = "rejected"
    FAILED = "failed"


@dataclass
class DeliveryReport:
    digests: int = 0
    messages: int = 0
    empty: int = 0
    gone: int = 0
    postponed: int = 0
    rejected: int = 0


async def deliver_due(bot: ExtBot[int], deps: Deps, *, worker: str) -> DeliveryReport:
    """Send every digest that is due now, claiming readers in batches.

    Claiming is pipelined: more readers are claimed as soon as half of those in hand are done,
    so a reader whose sends are being retried holds up only itself, never the next batch. A
    reader whose delivery fails in any unforeseen way keeps its digest due (retried after
    `DELIVERY_RETRY_S`) and the others go on."""
    report = DeliveryReport()
    gate = asyncio.Semaphore(CONCURRENCY)
    lease = timedelta(seconds=deps.settings.claim_lease_s)
    held: set[int] = set()  # readers this call is working on: the only claims it renews
    renewer = asyncio.create_task(_renew_claims(deps, worker, lease, held))
    pending: set[asyncio.Task[None]] = set()

    async def one(profile: Profile, digest: Digest) -> None:
        try:
            async with gate:
                await deliver_one(bot, deps, profile, digest, worker=worker, report=report)
        except Exception as exc:
            logger.exception("delivery.failed", user_id=profile.user_id, error=repr(exc))
            report.postponed += 1
            until = deps.clock() + timedelta(seconds=deps.settings.delivery_retry_s)
            try:
                await _off_loop(
                    digests.postpone, deps.store, profile.user_id, worker=worker, until=until
                )
            except StorageError:  # the claim lapses by itself
                logger.warning("delivery.release_failed", user_id=profile.user_id)
        finally:
            held.discard(profile.user_id)

    try:
        exhausted = False
        while True:
            if not exhausted and len(pending) <= BATCH // 2:
                now = deps.clock()
                limit = BATCH - len(pending)
                profiles = await _db(
                    digests.claim_due, deps.store, now=now, limit=limit, worker=worker, lease=lease
                )
                exhausted = len(profiles) < limit
                held.update(p.user_id for p in profiles)
                if profiles:
                    prepared = await _db(
                        digests.prepare, deps.store, deps.window, profiles, now=now
                    )
                    pending.update(asyncio.create_task(one(p, d)) for p, d in prepared)
            if not pending:
                break
            _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        renewer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewer
    if report.digests or report.gone or report.postponed or report.rejected:
        logger.info("delivery.done", worker=worker, **vars(report))
    return report


async def _renew_claims(deps: Deps, worker: str, lease: timedelta, held: set[int]) -> None:
    """Renew, a few times per lease, the claims of the readers this process is sending to."""
    every_s = lease.total_seconds() / 3
    while True:
        await asyncio.sleep(every_s)
        try:
            await _off_loop(
                digests.renew_claims,
                deps.store,
                worker=worker,
                user_ids=sorted(held),
                until=deps.clock() + lease,
            )
        except StorageError as exc:
            logger.warning("delivery.renew_failed", worker=worker, error=str(exc))


async def _db(func: Callable[..., T], *args: object, **kwargs: object) -> T:
    """A database call off the loop, retried with backoff while the database is unreachable."""
    pause = DB_PAUSE_S
    for attempt in range(1, DB_TRIES + 1):
        try:
            return await _off_loop(func, *args, **kwargs)
        except StorageError as exc:
            if attempt == DB_TRIES:
                raise
            logger.warning("delivery.db_retry", attempt=attempt, error=str(exc))
            await asyncio.sleep(pause)
            pause = min(pause * 2, DB_MAX_PAUSE_S)
    raise AssertionError("unreachable")


async def deliver_one(
    bot: ExtBot[int],
    deps: Deps,
    profile: Profile,
    digest: Digest,
    *,
    worker: str,
    report: DeliveryReport,
) -> None:
    now = deps.clock()
    if digest.empty:  # nothing new: no message, just the next slot
        await _db(digests.finish, deps.store, profile, worker=worker, now=now, sent=False)
        report.empty += 1
        return
    lang, zone = profile.language, zone_of(profile)
    messages = render.digest(digest, deps.taxonomy, deps.catalog, lang, zone, now)
    chat_id = profile.chat_id
    for message in messages:
        outcome, chat_id = await send(bot, deps, profile, chat_id, message.text)
        if outcome is Sent.GONE:
            await _db(digests.gone, deps.store, profile.user_id, worker=worker, now=now)
            report.gone += 1
            return
        if outcome is Sent.FAILED:
            until = deps.clock() + timedelta(seconds=deps.settings.delivery_retry_s)
            await _db(digests.postpone, deps.store, profile.user_id, worker=worker, until=until)
            report.postponed += 1
            return
        if outcome is Sent.REJECTED:
            report.rejected += 1
            continue
        await _db(
            digests.record_message,
            deps.store,
            profile.user_id,
            sorted(message.article_ids),
            kind="digest",
            now=deps.clock(),
        )
        report.messages += 1
    if not await _db(digests.finish, deps.store, profile, worker=worker, now=now, sent=True):
        logger.warning("delivery.claim_lost", user_id=profile.user_id, worker=worker)
    report.digests += 1


async def send(
    bot: ExtBot[int], deps: Deps, profile: Profile, chat_id: int, text: str
) -> tuple[Sent, int]:
    """Send one message; retry 5xx, timeouts and resets with backoff, follow a migrated chat.
    A 429 is waited out by the rate limiter before it gets here."""
    pause = BACKOFF_S
    for attempt in range(1, SEND_TRIES + 1):
        try:
            await bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                rate_limit_args=BULK,
            )
            return Sent.OK, chat_id
        except Forbidden as exc:
            logger.info("delivery.gone", user_id=profile.user_id, reason=str(exc))
            return Sent.GONE, chat_id
        except ChatMigrated as exc:
            chat_id = exc.new_chat_id
            await _db(users.move_chat, deps.store, profile.user_id, chat_id)
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                logger.info("delivery.gone", user_id=profile.user_id, reason=str(exc))
                return Sent.GONE, chat_id
            logger.error("delivery.rejected", user_id=profile.user_id, reason=str(exc))
            return Sent.REJECTED, chat_id
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


async def deliver_alerts(bot: ExtBot[int], deps: Deps, *, min_score: float) -> int:
    """Instant alerts: strong matches since the last look, to readers with alerts on. Readers
    are served side by side (one whose sends are retried holds up only itself); one reader's
    alerts go out in order and stop when Telegram says the reader is gone."""
    alerts, upto = await _db(
        digests.pending_alerts, deps.store, deps.window, now=deps.clock(), min_score=min_score
    )
    by_reader: dict[int, list[digests.Alert]] = {}
    for alert in alerts:
        by_reader.setdefault(alert.profile.user_id, []).append(alert)
    gate = asyncio.Semaphore(ALERT_CONCURRENCY)
    sent = 0

    async def reader(queue: list[digests.Alert]) -> None:
        nonlocal sent
        async with gate:
            for alert in queue:
                outcome = await _send_alert(bot, deps, alert)
                if outcome is Sent.GONE:
                    return
                sent += outcome is Sent.OK

    results = await asyncio.gather(*(reader(q) for q in by_reader.values()), return_exceptions=True)
    # A reader whose alerts failed in some unforeseen way is not waited for: the cursor moves
    # on (an alert not sent stays in that reader's next digest), or one broken reader would
    # hold every later alert back.
    for result in results:
        if isinstance(result, BaseException):
            logger.error("alerts.failed", error=repr(result))
    await _db(digests.advance_alerts, deps.store, upto, now=deps.clock())
    if sent:
        logger.info("alerts.sent", count=sent)
    return sent


async def _send_alert(bot: ExtBot[int], deps: Deps, alert: digests.Alert) -> Sent:
    profile = alert.profile
    lang, zone = profile.language, zone_of(profile)
    topic = deps.taxonomy[alert.topic_id].name(lang) if alert.topic_id in deps.taxonomy else ""
    header = deps.catalog.t(lang, "digest.alert_header", topic=topic)
    body = render.item(
        alert.article, deps.catalog, lang, zone, also=alert.also, topic_id=alert.topic_id
    )
    outcome, _ = await send(bot, deps, profile, profile.chat_id, header + "\n\n" + body)
    if outcome is Sent.GONE:
        await _db(digests.gone, deps.store, profile.user_id, now=deps.clock())
    elif outcome is Sent.OK:
        await _db(
            digests.record_message,
            deps.store,
            profile.user_id,
            sorted({alert.article.id, *(a.id for a in alert.also)}),
            kind="alert",
            now=deps.clock(),
        )
    return outcome
