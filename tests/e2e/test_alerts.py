"""Instant alerts: a strong match reaches readers with alerts on within a minute of ingest
(issue #7)."""

from __future__ import annotations

from bot.fakebot.server import FakeTelegram

from ..httpserver import serve_in_thread
from .conftest import ADMIN_ID, BotProcess
from .test_conversation import FEEDS, rejected_calls, say, started, wait_for_text

ALERT_WAIT_S = 60


def test_a_strong_match_is_pushed_to_readers_with_alerts_on_and_not_to_others(
    telegram: FakeTelegram, bot: BotProcess
) -> None:
    operator = telegram.create_user("Operator", language_code="en", user_id=ADMIN_ID)
    started(telegram, operator)
    watcher = telegram.create_user("Watcher", language_code="en")
    quiet = telegram.create_user("Quiet", language_code="en")
    for reader in (watcher, quiet):
        say(telegram, reader, "/subscribe water")
    assert "alerts are on" in say(telegram, watcher, "/alerts on").body.lower()
    with serve_in_thread(FEEDS, {"balkhash.xml": "application/rss+xml"}) as server:
        added = say(telegram, operator, f"/add {server.url('balkhash.xml')}").body
    assert "Added the feed" in added, added
    alert = wait_for_text(telegram, watcher, "⚡")
    # The strongest item of the feed (water, score 4.6) is among them; weak ones are not.
    assert "Lake Balkhash loses water" in alert
    assert "switch to drip irrigation" not in alert
    assert not any("⚡" in (m.text or "") for m in telegram.messages(quiet.id))
    # An alerted article is delivered: the digest does not repeat it.
    telegram.send(watcher, "/digest")
    digest = wait_for_text(telegram, watcher, "Your digest")
    assert "Lake Balkhash loses water" not in digest
    assert rejected_calls(telegram) == []
