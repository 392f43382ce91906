"""Digest schedules: parsing /time and /frequency, and the next due instant across zones and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from bot.core.errors import UserInputError
from bot.core.schedule import (
    Frequency,
    catch_up,
    next_digest_at,
    parse_frequency,
    parse_time,
    wall_to_utc,
)

WARSAW = ZoneInfo("Europe/Warsaw")
NEW_YORK = ZoneInfo("America/New_York")
ALMATY = ZoneInfo("Asia/Almaty")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def daily(local_time: time, zone: tzinfo, now: datetime) -> datetime | None:
    return next_digest_at(local_time=local_time, zone=zone, frequency=Frequency.DAILY, now=now)


# --- parse_time -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:30", time(7, 30)),
        ("7:30", time(7, 30)),
        ("7.30", time(7, 30)),
        ("0730", time(7, 30)),
        (" 23:59 ", time(23, 59)),
        ("00:00", time(0, 0)),
        ("7", time(7, 0)),
        ("7pm", time(19, 0)),
        ("7:30 am", time(7, 30)),
        ("12 am", time(0, 0)),
        ("12:15 PM", time(12, 15)),
    ],
)
def test_parse_time_accepts_common_forms(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text", ["25:00", "24:00", "", "   ", "7:60", "7:5", "abc", "730", "07:30:00", "13pm", "-1:00"]
)
def test_bad_time_gives_user_error_saying_the_right_form(text: str) -> None:
    with pytest.raises(UserInputError) as caught:
        parse_time(text)
    assert caught.value.key == "error.time"
    assert "HH:MM" in caught.value.message
    assert "/time 07:30" in caught.value.message
    assert caught.value.args_map == {"value": text.strip()}


def test_bad_time_error_echoes_long_input_clipped() -> None:
    with pytest.raises(UserInputError) as caught:
        parse_time("x" * 500)
    assert len(caught.value.args_map["value"]) == 40


# --- parse_frequency --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("daily", Frequency.DAILY), ("Weekly", Frequency.WEEKLY), (" OFF ", Frequency.OFF)],
)
def test_parse_frequency_accepts_the_three_words_in_any_case(
    text: str, expected: Frequency
) -> None:
    assert parse_frequency(text) is expected


@pytest.mark.parametrize("text", ["", "hourly", "ежедневно", "monthly", "dailyy"])
def test_bad_frequency_gives_user_error_listing_the_choices(text: str) -> None:
    with pytest.raises(UserInputError) as caught:
        parse_frequency(text)
    assert caught.value.key == "error.frequency"
    assert "daily, weekly or off" in caught.value.message
    assert caught.value.args_map == {"value": text}


# --- next_digest_at: daily and weekly ---------------------------------------------------


def test_daily_slot_later_today_is_today() -> None:
    # 07:30 in Almaty (UTC+5) is 02:30 UTC.
    assert daily(time(7, 30), ALMATY, utc(2025, 5, 6, 1, 0)) == utc(2025, 5, 6, 2, 30)


def test_daily_slot_already_past_today_is_tomorrow() -> None:
    assert daily(time(7, 30), ALMATY, utc(2025, 5, 6, 3, 0)) == utc(2025, 5, 7, 2, 30)


def test_now_exactly_at_the_slot_gives_the_next_day() -> None:
    assert daily(time(7, 30), ALMATY, utc(2025, 5, 6, 2, 30)) == utc(2025, 5, 7, 2, 30)


def test_one_microsecond_before_the_slot_gives_the_slot() -> None:
    now = utc(2025, 5, 6, 2, 30) - timedelta(microseconds=1)
    assert daily(time(7, 30), ALMATY, now) == utc(2025, 5, 6, 2, 30)


def test_result_is_aware_utc_whatever_zone_now_is_in() -> None:
    now = datetime(2025, 5, 6, 6, 0, tzinfo=ALMATY)  # 01:00 UTC
    result = daily(time(7, 30), ALMATY, now)
    assert result == utc(2025, 5, 6, 2, 30)
    assert result is not None and result.tzinfo is UTC


def test_local_day_not_utc_day_decides_today() -> None:
    # 23:30 UTC on 5 May is already 04:30 on 6 May in Almaty; the 07:30 slot is that day.
    assert daily(time(7, 30), ALMATY, utc(2025, 5, 5, 23, 30)) == utc(2025, 5, 6, 2, 30)


def test_weekly_slot_falls_on_the_chosen_weekday() -> None:
    # Tuesday 6 May 2025; next Friday (4) is 9 May.
    result = next_digest_at(
        local_time=time(9, 0),
        zone=WARSAW,
        frequency=Frequency.WEEKLY,
        now=utc(2025, 5, 6, 12, 0),
        weekday=4,
    )
    assert result == utc(2025, 5, 9, 7, 0)


def test_weekly_slot_just_passed_is_a_week_later() -> None:
    result = next_digest_at(
        local_time=time(9, 0),
        zone=WARSAW,
        frequency=Frequency.WEEKLY,
        now=utc(2025, 5, 5, 7, 0),  # Monday 09:00 CEST exactly
        weekday=0,
    )
    assert result == utc(2025, 5, 12, 7, 0)


def test_off_has_no_next_digest() -> None:
    now = utc(2025, 5, 6, 12, 0)
    assert (
        next_digest_at(local_time=time(9, 0), zone=WARSAW, frequency=Frequency.OFF, now=now) is None
    )


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        daily(time(9, 0), WARSAW, datetime(2025, 5, 6, 12, 0))


def test_weekday_out_of_range_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="weekday"):
        next_digest_at(
            local_time=time(9, 0),
            zone=WARSAW,
            frequency=Frequency.WEEKLY,
            now=utc(2025, 5, 6, 12, 0),
            weekday=7,
        )


# --- DST and offset changes -------------------------------------------------------------


def test_spring_forward_gap_fires_at_first_valid_minute_in_warsaw() -> None:
    # 31 March 2024: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist -> 03:00 CEST.
    assert daily(time(2, 30), WARSAW, utc(2024, 3, 30, 12, 0)) == utc(2024, 3, 31, 1, 0)


def test_spring_forward_day_after_gap_is_regular_again() -> None:
    assert daily(time(2, 30), WARSAW, utc(2024, 3, 31, 1, 0)) == utc(2024, 4, 1, 0, 30)


def test_time_after_spring_forward_uses_summer_offset() -> None:
    assert daily(time(9, 0), WARSAW, utc(2024, 3, 30, 12, 0)) == utc(2024, 3, 31, 7, 0)


def test_spring_forward_gap_fires_at_first_valid_minute_in_new_york() -> None:
    # 10 March 2024: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
    assert daily(time(2, 30), NEW_YORK, utc(2024, 3, 9, 12, 0)) == utc(2024, 3, 10, 7, 0)


def test_fall_back_ambiguous_time_fires_at_first_occurrence_in_warsaw() -> None:
    # 27 October 2024: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice.
    assert daily(time(2, 30), WARSAW, utc(2024, 10, 26, 12, 0)) == utc(2024, 10, 27, 0, 30)


def test_fall_back_ambiguous_time_fires_only_once_in_warsaw() -> None:
    # Between the two 02:30s: the second one is skipped, the next slot is the next day.
    assert daily(time(2, 30), WARSAW, utc(2024, 10, 27, 0, 45)) == utc(2024, 10, 28, 1, 30)


def test_fall_back_ambiguous_time_fires_at_first_occurrence_in_new_york() -> None:
    # 3 November 2024: 01:30 happens at 05:30 UTC (EDT) and 06:30 UTC (EST).
    assert daily(time(1, 30), NEW_YORK, utc(2024, 11, 2, 12, 0)) == utc(2024, 11, 3, 5, 30)


def test_fall_back_ambiguous_time_fires_only_once_in_new_york() -> None:
    assert daily(time(1, 30), NEW_YORK, utc(2024, 11, 3, 6, 0)) == utc(2024, 11, 4, 6, 30)


def test_kathmandu_quarter_hour_offset() -> None:
    # Asia/Kathmandu is UTC+05:45: 07:00 local is 01:15 UTC.
    zone = ZoneInfo("Asia/Kathmandu")
    assert daily(time(7, 0), zone, utc(2025, 1, 10, 0, 0)) == utc(2025, 1, 10, 1, 15)


def test_chatham_spring_forward_gap_fires_at_end_of_gap() -> None:
    # 29 September 2024: Chatham goes from 02:45 +12:45 to 03:45 +13:45; 03:00 -> 03:45.
    zone = ZoneInfo("Pacific/Chatham")
    assert daily(time(3, 0), zone, utc(2024, 9, 28, 0, 0)) == utc(2024, 9, 28, 14, 0)


def test_st_johns_half_hour_offset() -> None:
    # America/St_Johns in January is UTC-03:30: 08:00 local is 11:30 UTC.
    zone = ZoneInfo("America/St_Johns")
    assert daily(time(8, 0), zone, utc(2025, 1, 10, 0, 0)) == utc(2025, 1, 10, 11, 30)


def test_almaty_follows_kazakhstan_move_to_utc_plus_5() -> None:
    # Until 1 March 2024 Almaty was UTC+6, from then on UTC+5 (tzdata 2024a).
    assert daily(time(9, 0), ALMATY, utc(2024, 2, 28, 12, 0)) == utc(2024, 2, 29, 3, 0)
    assert daily(time(9, 0), ALMATY, utc(2024, 2, 29, 12, 0)) == utc(2024, 3, 1, 4, 0)


def test_fixed_offset_zone_works_like_any_zone() -> None:
    zone = timezone(timedelta(hours=5, minutes=45))
    assert daily(time(7, 0), zone, utc(2025, 1, 10, 0, 0)) == utc(2025, 1, 10, 1, 15)


def test_midnight_gap_fires_at_first_valid_minute() -> None:
    # America/Havana springs forward at midnight: 10 March 2024 00:00 CST -> 01:00 CDT.
    zone = ZoneInfo("America/Havana")
    assert wall_to_utc(date(2024, 3, 10), time(0, 30), zone) == utc(2024, 3, 10, 5, 0)


def test_a_skipped_day_fires_at_the_start_of_the_next_one() -> None:
    # Samoa skipped 30 December 2011 entirely, from 23:59:59 on the 29th to the 31st.
    zone = ZoneInfo("Pacific/Apia")
    # 10:00 UTC on 30 December is 00:00 on the 31st at the new offset, +14:00.
    assert wall_to_utc(date(2011, 12, 30), time(9, 0), zone) == utc(2011, 12, 30, 10, 0)


# --- catch-up after downtime ------------------------------------------------------------


def test_catch_up_after_three_days_down_sends_one_and_resumes_regular_slots() -> None:
    # Stored slot was 07:30 Almaty on 1 May; the bot comes back at 12:00 UTC on 4 May and
    # ticks every minute for the rest of the day.
    stored_at: datetime | None = utc(2025, 5, 1, 2, 30)
    sent: list[datetime] = []
    back_at = utc(2025, 5, 4, 12, 0)
    for minute in range(12 * 60):
        now = back_at + timedelta(minutes=minute)
        if stored_at is not None and stored_at <= now:
            sent.append(now)
            stored_at = catch_up(
                due_at=stored_at,
                now=now,
                local_time=time(7, 30),
                zone=ALMATY,
                frequency=Frequency.DAILY,
            )
    assert sent == [back_at]
    assert stored_at == utc(2025, 5, 5, 2, 30)


def test_catch_up_result_is_not_due_at_the_same_tick() -> None:
    now = utc(2025, 5, 4, 12, 0)
    following = catch_up(
        due_at=utc(2025, 5, 1, 2, 30),
        now=now,
        local_time=time(7, 30),
        zone=ALMATY,
        frequency=Frequency.DAILY,
    )
    assert following is not None and following > now


def test_catch_up_when_bot_returns_before_todays_slot_keeps_todays_slot() -> None:
    # Down from 1 May, back at 01:00 UTC on 4 May: one digest now, then 07:30 today.
    following = catch_up(
        due_at=utc(2025, 5, 1, 2, 30),
        now=utc(2025, 5, 4, 1, 0),
        local_time=time(7, 30),
        zone=ALMATY,
        frequency=Frequency.DAILY,
    )
    assert following == utc(2025, 5, 4, 2, 30)


def test_catch_up_for_weekly_resumes_on_the_chosen_weekday() -> None:
    following = catch_up(
        due_at=utc(2025, 4, 21, 7, 0),  # Monday 09:00 CEST
        now=utc(2025, 5, 6, 12, 0),  # Tuesday, two weeks later
        local_time=time(9, 0),
        zone=WARSAW,
        frequency=Frequency.WEEKLY,
        weekday=0,
    )
    assert following == utc(2025, 5, 12, 7, 0)


def test_catch_up_keeps_a_slot_that_is_still_ahead() -> None:
    due_at = utc(2025, 5, 5, 2, 30)
    following = catch_up(
        due_at=due_at,
        now=utc(2025, 5, 4, 12, 0),
        local_time=time(7, 30),
        zone=ALMATY,
        frequency=Frequency.DAILY,
    )
    assert following == due_at


def test_catch_up_when_frequency_is_off_gives_no_next_slot() -> None:
    following = catch_up(
        due_at=utc(2025, 5, 1, 2, 30),
        now=utc(2025, 5, 4, 12, 0),
        local_time=time(7, 30),
        zone=ALMATY,
        frequency=Frequency.OFF,
    )
    assert following is None
