"""Flood control as Telegram applies it to sends: per chat, per group, overall."""

from __future__ import annotations

import math
from collections import deque

from bot.fakebot.clock import Clock
from bot.fakebot.errors import ApiError
from bot.fakebot.models import Limits


def too_many_requests(retry_after_s: float) -> ApiError:
    seconds = max(1, math.ceil(retry_after_s))
    return ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})


class FloodControl:
    """Counts accepted sends in sliding windows and refuses the ones over a limit with a 429."""

    def __init__(self, limits: Limits, clock: Clock) -> None:
        self.limits = limits
        self._clock = clock
        self._overall: deque[float] = deque()
        self._per_chat: dict[int, deque[float]] = {}

    def check(self, chat_id: int, *, paid_broadcast: bool = False) -> None:
        """Raise a 429 ApiError if one more send to `chat_id` now would break a limit."""
        now = self._clock.monotonic()
        limits = self.limits
        sent = self._per_chat.get(chat_id, deque())
        if limits.per_chat_interval_s is not None:
            _refuse_over(sent, now, limits.per_chat_interval_s, limits.per_chat_burst)
        if limits.group_per_minute is not None and chat_id < 0:
            _refuse_over(sent, now, 60.0, limits.group_per_minute)
        overall = limits.paid_broadcast_per_second if paid_broadcast else limits.global_per_second
        if overall is not None:
            _refuse_over(self._overall, now, 1.0, overall)

    def record(self, chat_id: int) -> None:
        """Count an accepted send."""
        now = self._clock.monotonic()
        self._overall.append(now)
        chat = self._per_chat.setdefault(chat_id, deque())
        chat.append(now)
        for window in (self._overall, chat):
            while window and window[0] <= now - 60.0:
                window.popleft()


def _refuse_over(sent: deque[float], now: float, window_s: float, allowed: int) -> None:
    recent = [t for t in sent if t > now - window_s]
    if len(recent) >= allowed:
        # The send becomes possible when enough of the recent ones leave the window.
        oldest_blocking = recent[len(recent) - allowed]
        raise too_many_requests(oldest_blocking + window_s - now)
