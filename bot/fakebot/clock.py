"""Time as the fake server sees it: injectable, so tests advance it instead of sleeping."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Where the server reads time: a monotonic second count for limits, UTC for message dates."""

    def monotonic(self) -> float: ...

    def now(self) -> datetime: ...


class SystemClock:
    """The real clocks."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to; both readings advance together."""

    def __init__(self, start_at: datetime | None = None) -> None:
        self._start_at = start_at or datetime(2026, 1, 1, tzinfo=UTC)
        self._elapsed_s = 0.0

    def monotonic(self) -> float:
        return 1000.0 + self._elapsed_s

    def now(self) -> datetime:
        return self._start_at + timedelta(seconds=self._elapsed_s)

    def advance(self, seconds: float) -> None:
        self._elapsed_s += seconds
