"""The flood limiter (issue #7.4): at most N sends in any window, one per chat per interval, 429s
waited out. Windows are scaled down (0.2 s) so the tests run in about a second of real time."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

from telegram.error import RetryAfter

from bot.telegram.ratelimit import FloodLimiter

WINDOW_S = 0.2


def limiter() -> FloodLimiter:
    # 50/s over 0.2 s windows: at most 10 sends in any window.
    return FloodLimiter(overall_per_s=50, window_s=WINDOW_S, chat_interval_s=WINDOW_S)


async def send_all(limiter: FloodLimiter, chats: list[int], fail: Any = None) -> list[float]:
    clock = time.monotonic
    started: list[float] = []

    async def callback(chat_id: int) -> bool:
        if fail is not None and fail(chat_id, len(started)):
            started.append(-1)
            raise RetryAfter(1)
        started.append(clock())
        return True

    await asyncio.gather(
        *(
            limiter.process_request(callback, (c,), {}, "sendMessage", {"chat_id": c}, None)
            for c in chats
        )
    )
    return [t for t in started if t >= 0]


async def test_no_window_holds_more_sends_than_the_limit() -> None:
    times = await send_all(limiter(), list(range(40)))
    assert len(times) == 40
    assert max(sum(1 for t in times if s <= t < s + WINDOW_S) for s in times) <= 10


async def test_one_chat_gets_one_send_per_interval() -> None:
    times = await send_all(limiter(), [7, 7, 7])
    assert all(b - a >= WINDOW_S for a, b in itertools.pairwise(times))


async def test_a_429_pauses_everybody_for_retry_after_and_is_resent() -> None:
    flood = limiter()
    start = time.monotonic()
    times = await send_all(flood, [1, 2, 3], fail=lambda chat, n: chat == 1 and n == 0)
    assert len(times) == 3
    assert flood.retries == 1
    assert sorted(times)[-1] - start >= 1.0  # retry_after is 1 s
