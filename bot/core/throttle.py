"""Per-user command throttling: more than N commands in a window means a pause."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class Verdict(StrEnum):
    PASS = "pass"
    #: The command that crossed the limit: tell the user once.
    WARN = "warn"
    #: Ignored while the pause lasts.
    DROP = "drop"


@dataclass
class Throttle:
    """More than `limit` commands within `window` → ignored for `pause`."""

    limit: int = 20
    window: timedelta = timedelta(seconds=10)
    pause: timedelta = timedelta(minutes=1)
    _seen: dict[int, deque[datetime]] = field(default_factory=dict)
    _paused_until: dict[int, datetime] = field(default_factory=dict)

    def check(self, user_id: int, now: datetime) -> Verdict:
        until = self._paused_until.get(user_id)
        if until is not None:
            if now < until:
                return Verdict.DROP
            del self._paused_until[user_id]
        seen = self._seen.setdefault(user_id, deque())
        while seen and now - seen[0] >= self.window:
            seen.popleft()
        seen.append(now)
        if len(seen) > self.limit:
            seen.clear()
            self._paused_until[user_id] = now + self.pause
            return Verdict.WARN
        if len(self._seen) > 10_000:  # forget idle users so memory stays bounded
            self._forget_idle(now)
        return Verdict.PASS

    def _forget_idle(self, now: datetime) -> None:
        for uid in [u for u, s in self._seen.items() if not s or now - s[-1] >= self.window]:
            del self._seen[uid]
