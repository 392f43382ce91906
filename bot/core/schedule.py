"""When a user's digest is due: the time of day and frequency they chose, in their time zone.

Due times are aware UTC instants (`next_digest_at`) that the delivery tick compares with
`now`; nothing here reads the clock. Local wall times are turned into instants with the
zone's own rules (zoneinfo/tzdata), so DST changes and offset reforms (Kazakhstan moved to
UTC+5 on 2024-03-01) need no special cases:

- a wall time that does not exist that day (spring forward: 02:30 in Europe/Warsaw on the
  last Sunday of March) fires at the first instant after the gap, 03:00 local;
- a wall time that happens twice (fall back) fires once, at the first occurrence (fold=0).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from bot.core.errors import UserInputError

# Enough local days to find the next slot of a weekly schedule even when the first
# candidate is already past, plus slack for zones that once skipped a whole day
# (Pacific/Apia, 2011-12-30).
_SEARCH_DAYS = 16

# "07:30", "7:30", "7.30" (the Polish way), "7" (on the hour); optional am/pm.
_TIME_RE = re.compile(
    r"(?P<hour>[0-9]{1,2})(?:[:.](?P<minute>[0-9]{2}))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?",
    re.IGNORECASE,
)
# "0730": four digits, no separator.
_COMPACT_TIME_RE = re.compile(r"(?P<hour>[0-9]{2})(?P<minute>[0-9]{2})")


class TimeFormatError(UserInputError):
    """A time of day the user sent is not a valid HH:MM."""

    key = "error.time"


class FrequencyError(UserInputError):
    """A digest frequency the user sent is not one we offer."""

    key = "error.frequency"


class Frequency(StrEnum):
    """How often a user gets a digest."""

    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


def parse_time(text: str) -> time:
    """A time of day from what the user sent: "07:30", "7:30", "7.30", "0730", "7", "7:30 pm".

    Hours are 0-23 (1-12 with am/pm), minutes 00-59 and always two digits, so "7:5"
    is rejected rather than guessed. Raises `TimeFormatError` (key "error.time").
    """
    cleaned = text.strip()
    match = _TIME_RE.fullmatch(cleaned) or _COMPACT_TIME_RE.fullmatch(cleaned)
    if match is not None:
        hour = int(match["hour"])
        minute = int(match["minute"] or 0)
        half = (match.groupdict().get("half") or "").replace(".", "").lower()
        if half and not 1 <= hour <= 12:
            hour = -1  # "0 am", "13 pm": not a 12-hour time
        elif half:
            hour = hour % 12 + (12 if half == "pm" else 0)
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            return time(hour, minute)
    raise TimeFormatError("Send the time as HH:MM, for example /time 07:30.", value=_clip(cleaned))


def parse_frequency(text: str) -> Frequency:
    """A frequency from what the user sent: daily, weekly or off, in any letter case.

    Raises `FrequencyError` (key "error.frequency").
    """
    cleaned = text.strip().casefold()
    try:
        return Frequency(cleaned)
    except ValueError:
        raise FrequencyError(
            "Send how often you want the digest: daily, weekly or off, "
            "for example /frequency daily.",
            value=_clip(text.strip()),
        ) from None


def next_digest_at(
    *, local_time: time, zone: tzinfo, frequency: Frequency, now: datetime, weekday: int = 0
) -> datetime | None:
    """The first aware-UTC instant strictly after `now` when the wall clock in `zone` shows
    `local_time` (for weekly: on `weekday`, Monday=0), or None when the frequency is off.

    A `local_time` in a DST gap fires at the end of the gap; an ambiguous one fires at its
    first occurrence only. `now` must be aware (any zone).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    if local_time.tzinfo is not None:
        raise ValueError("local_time must be a naive wall-clock time")
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday}")
    if frequency is Frequency.OFF:
        return None
    now_utc = now.astimezone(UTC)
    # Start a day early: a slot late on the previous local day can still lie ahead when
    # a gap around midnight pushes it forward.
    first_day = now_utc.astimezone(zone).date() - timedelta(days=1)
    for offset in range(_SEARCH_DAYS):
        day = first_day + timedelta(days=offset)
        if frequency is Frequency.WEEKLY and day.weekday() != weekday:
            continue
        slot_at = wall_to_utc(day, local_time, zone)
        if slot_at > now_utc:
            return slot_at
    raise AssertionError(f"no slot within {_SEARCH_DAYS} days of {now_utc.isoformat()}")


def catch_up(
    *,
    due_at: datetime,
    now: datetime,
    local_time: time,
    zone: tzinfo,
    frequency: Frequency,
    weekday: int = 0,
) -> datetime | None:
    """The `next_digest_at` to store after the tick at `now` for a user whose stored slot
    is `due_at`.

    The delivery tick sends ONE digest to every user with `due_at <= now` and stores what
    this returns: the next regular slot strictly after `now`. Slots missed while the bot
    was down are skipped, not replayed. A slot still ahead (`due_at > now`) is kept.
    """
    if frequency is not Frequency.OFF and due_at > now:
        return due_at.astimezone(UTC)
    return next_digest_at(
        local_time=local_time, zone=zone, frequency=frequency, now=now, weekday=weekday
    )


def wall_to_utc(day: date, local_time: time, zone: tzinfo) -> datetime:
    """The aware-UTC instant when the wall clock in `zone` shows `local_time` on `day`.

    Ambiguous wall times (fall back) give the first occurrence; wall times that do not
    exist (spring forward) give the first instant after the gap.
    """
    wall = datetime.combine(day, local_time)
    # fold=0 is the earlier of two occurrences; in a gap it applies the offset from
    # before the transition, which lands after the gap by the gap's length.
    instant = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    return _end_of_gap(wall, zone)


def _end_of_gap(wall: datetime, zone: tzinfo) -> datetime:
    """The transition instant that skips over the non-existent naive `wall` in `zone`."""
    # zoneinfo does not expose transitions, so search for the instant between the two
    # readings of `wall` (pre- and post-transition offsets) where the local clock jumps
    # past it. Transitions fall on whole seconds; a one-hour gap takes ~12 steps.
    readings = [wall.replace(tzinfo=zone, fold=f).timestamp() for f in (0, 1)]
    before, after = math.floor(min(readings)), math.ceil(max(readings))

    def past_gap(ts: int) -> bool:
        return datetime.fromtimestamp(ts, zone).replace(tzinfo=None) > wall

    while after - before > 1:
        middle = (before + after) // 2
        if past_gap(middle):
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, UTC)


def _clip(text: str, limit: int = 40) -> str:
    """User text short enough to echo back in an error message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
