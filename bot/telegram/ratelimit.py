"""Telegram's flood limits, kept on our side: 30 messages per second overall, 1 per second per
chat, and the `retry_after` of a 429 honoured before sending again.

A 429 cannot tell whether the chat or the whole bot hit a limit, so, as Telegram asks, nothing
is sent to anybody until `retry_after` has passed; then the refused send goes again.

python-telegram-bot's AIORateLimiter spaces the *starts* of requests (a leaky bucket) and has no
per-chat limit for private chats; Telegram counts messages when they *arrive*, so it still draws
429s (see TELEGRAM-FACTS.md). This limiter counts a send from the moment it starts until one
interval after it finished, which is never less strict than how the server counts.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot import log

logger = log.get(__name__)

JSONDict = dict[str, Any]
#: Methods that put a message in a chat; only these count against the flood limits.
SENDING = ("send", "copy", "forward", "edit")
#: `rate_limit_args` of bulk sends (digests, alerts): they yield to replies, so a person
#: talking to the bot during a fan-out is answered at once, not after the queue.
BULK = 1


class FloodLimiter(BaseRateLimiter[int]):
    """A sliding-window limiter: at most `overall_per_s` sends in any window of `window_s`, one
    send at a time per chat with `chat_interval_s` between them, and 429s retried."""

    def __init__(
        self,
        *,
        overall_per_s: float = 29,
        window_s: float = 1.0,
        chat_interval_s: float = 1.0,
        max_retries: int = 5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.overall = max(1, int(overall_per_s * window_s))
        self.window_s = window_s
        self.chat_interval_s = chat_interval_s
        self.max_retries = max_retries
        self.clock = clock
        self._in_flight = 0
        self._done: deque[float] = deque()  # finish times of recent sends
        self._global = asyncio.Condition()
        self._chat_locks: dict[int | str, asyncio.Lock] = {}
        self._chat_ready_at: dict[int | str, float] = {}
        self._paused_until = 0.0
        self._replies_waiting = 0
        self.retries = 0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        chat_id = data.get("chat_id")
        if chat_id is None or not endpoint.startswith(SENDING):
            return await callback(*args, **kwargs)
        lock = self._chat_locks.setdefault(chat_id, asyncio.Lock())
        async with lock:
            attempt = 0
            while True:
                await self._wait_chat(chat_id)
                await self._acquire(bulk=rate_limit_args == BULK)
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as exc:
                    attempt += 1
                    delay = _seconds(exc)
                    self.retries += 1
                    logger.warning("telegram.flood", endpoint=endpoint, retry_after_s=delay)
                    self._paused_until = max(self._paused_until, self.clock() + delay)
                    if attempt > self.max_retries:
                        raise
                    self._chat_ready_at[chat_id] = self.clock() + delay
                finally:
                    self._chat_ready_at[chat_id] = max(
                        self._chat_ready_at.get(chat_id, 0), self.clock() + self.chat_interval_s
                    )
                    await self._release()
                    if not lock.locked() or len(self._chat_locks) > 50_000:
                        self._forget_idle()

    async def _wait_chat(self, chat_id: int | str) -> None:
        delay = self._chat_ready_at.get(chat_id, 0) - self.clock()
        if delay > 0:
            await asyncio.sleep(delay)

    async def _acquire(self, *, bulk: bool) -> None:
        async with self._global:
            if not bulk:
                self._replies_waiting += 1
            try:
                await self._take_slot(bulk=bulk)
            finally:
                if not bulk:
                    self._replies_waiting -= 1
                    self._global.notify_all()

    async def _take_slot(self, *, bulk: bool) -> None:
        while True:
            now = self.clock()
            if now < self._paused_until:  # a 429 asked everybody to wait
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._global.wait(), self._paused_until - now)
                continue
            while self._done and now - self._done[0] >= self.window_s:
                self._done.popleft()
            free = self._in_flight + len(self._done) < self.overall
            if free and not (bulk and self._replies_waiting):
                self._in_flight += 1
                return
            wait = self.window_s - (now - self._done[0]) if self._done else 0.01
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._global.wait(), timeout=max(wait, 0.001))

    async def _release(self) -> None:
        async with self._global:
            self._in_flight -= 1
            self._done.append(self.clock())
            self._global.notify_all()

    def _forget_idle(self) -> None:
        now = self.clock()
        for chat_id in [c for c, t in self._chat_ready_at.items() if t < now]:
            lock = self._chat_locks.get(chat_id)
            if lock is None or not lock.locked():
                self._chat_locks.pop(chat_id, None)
                self._chat_ready_at.pop(chat_id, None)


def _seconds(exc: RetryAfter) -> float:
    value = exc._retry_after  # the public attribute warns about a type change in PTB 22
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
