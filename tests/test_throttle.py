"""Per-user command throttling: more than 20 commands in 10 s → one warning, a minute of
silence (issue #6.3). Time is passed in, never slept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.throttle import Throttle, Verdict

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _burst(throttle: Throttle, n: int, user_id: int = 1, step_s: float = 0.1) -> list[Verdict]:
    return [throttle.check(user_id, T0 + timedelta(seconds=i * step_s)) for i in range(n)]


def test_twenty_commands_in_ten_seconds_pass() -> None:
    assert set(_burst(Throttle(), 20)) == {Verdict.PASS}


def test_the_twenty_first_warns_once_and_the_next_are_dropped() -> None:
    verdicts = _burst(Throttle(), 30)
    assert verdicts[:20] == [Verdict.PASS] * 20
    assert verdicts[20] is Verdict.WARN
    assert verdicts[21:] == [Verdict.DROP] * 9


def test_the_user_is_heard_again_after_a_minute() -> None:
    throttle = Throttle()
    _burst(throttle, 21)
    warned_at = T0 + timedelta(seconds=2.0)
    assert throttle.check(1, warned_at + timedelta(seconds=59)) is Verdict.DROP
    assert throttle.check(1, warned_at + timedelta(seconds=61)) is Verdict.PASS


def test_commands_spread_over_more_than_ten_seconds_never_trip_it() -> None:
    assert set(_burst(Throttle(), 100, step_s=0.6)) == {Verdict.PASS}


def test_one_flooding_user_does_not_slow_another() -> None:
    throttle = Throttle()
    _burst(throttle, 25, user_id=1)
    assert throttle.check(2, T0 + timedelta(seconds=3)) is Verdict.PASS


def test_idle_users_are_forgotten_so_memory_stays_bounded() -> None:
    throttle = Throttle()
    for uid in range(10_001):
        throttle.check(uid, T0)
    throttle.check(99_999, T0 + timedelta(seconds=11))
    assert len(throttle._seen) < 10
