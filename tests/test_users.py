"""Readers without Telegram: start, settings, pause, block and forget (issue #6)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.core import schedule
from bot.core.models import Lang
from bot.services import users
from bot.services.store import Store

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
UID = 501


def _start(store: Store, language: Lang = Lang.KK) -> None:
    users.start(store, user_id=UID, chat_id=UID, language=language, timezone="UTC", now=NOW)


def test_start_creates_a_reader_with_defaults_and_a_next_digest(store: Store) -> None:
    profile, created = users.start(
        store, user_id=UID, chat_id=9, language=Lang.KK, timezone="Asia/Almaty", now=NOW
    )
    assert created
    assert (profile.language, profile.timezone, profile.digest_time) == (
        Lang.KK,
        "Asia/Almaty",
        "08:00",
    )
    # 08:00 in Almaty (UTC+5) is 03:00 UTC: today's has passed at 09:00 UTC.
    assert profile.next_digest_at == datetime(2026, 3, 3, 3, 0, tzinfo=UTC)


def test_start_again_keeps_settings_and_reactivates_a_reader_who_blocked(store: Store) -> None:
    _start(store)
    users.set_time(store, UID, time(7, 30), now=NOW)
    users.deactivate(store, UID)
    assert users.get(store, UID).active is False  # type: ignore[union-attr]
    profile, created = users.start(
        store, user_id=UID, chat_id=UID, language=Lang.EN, timezone="UTC", now=NOW
    )
    assert not created
    assert profile.active and profile.digest_time == "07:30"
    assert profile.language is Lang.KK  # the stored choice wins over the client's language
    assert profile.next_digest_at == datetime(2026, 3, 3, 7, 30, tzinfo=UTC)


def test_set_timezone_moves_the_next_digest(store: Store) -> None:
    _start(store)
    profile = users.set_timezone(store, UID, "Europe/Warsaw", now=NOW)
    assert profile.next_digest_at == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # 08:00 CET


def test_weekly_digests_come_on_monday_and_off_means_none(store: Store) -> None:
    _start(store)
    weekly = users.set_frequency(store, UID, schedule.Frequency.WEEKLY, now=NOW)
    assert weekly.next_digest_at == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert users.set_frequency(store, UID, schedule.Frequency.OFF, now=NOW).next_digest_at is None


def test_pause_clears_the_next_digest_and_resume_sets_it_again(store: Store) -> None:
    _start(store)
    assert users.set_paused(store, UID, True, now=NOW).next_digest_at is None
    assert users.set_paused(store, UID, False, now=NOW).next_digest_at is not None


def test_article_languages_toggle_in_a_stable_order(store: Store) -> None:
    _start(store)
    users.toggle_article_lang(store, UID, Lang.PL, now=NOW)
    profile = users.toggle_article_lang(store, UID, Lang.KK, now=NOW)
    assert profile.article_langs == {Lang.KK, Lang.PL}
    profile = users.toggle_article_lang(store, UID, Lang.PL, now=NOW)
    assert profile.article_langs == {Lang.KK}


def test_interface_language_and_alerts_are_stored(store: Store) -> None:
    _start(store)
    users.set_language(store, UID, Lang.PL, now=NOW)
    users.set_alerts(store, UID, True, now=NOW)
    assert users.language_of(store, UID) is Lang.PL
    assert users.get(store, UID).alerts is True  # type: ignore[union-attr]


def test_an_unknown_reader_has_no_profile_and_cannot_be_changed(store: Store) -> None:
    assert users.get(store, 404) is None
    assert users.language_of(store, 404) is None
    with pytest.raises(LookupError):
        users.set_alerts(store, 404, True, now=NOW)


def test_forget_then_start_begins_from_scratch(store: Store) -> None:
    _start(store)
    users.set_time(store, UID, time(6, 0), now=NOW)
    users.forget(store, UID)
    assert users.get(store, UID) is None
    profile, created = users.start(
        store, user_id=UID, chat_id=UID, language=Lang.RU, timezone="UTC", now=NOW
    )
    assert created and profile.digest_time == "08:00" and profile.language is Lang.RU
