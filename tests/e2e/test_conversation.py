"""A reader's first minutes with the bot, through the fake Bot API (issues #5, #6)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from bot.fakebot.models import ChatMessage, FakeUser
from bot.fakebot.server import FakeTelegram

from .conftest import BotProcess

WAIT_S = 15


def say(telegram: FakeTelegram, user: FakeUser, text: str) -> ChatMessage:
    telegram.send(user, text)
    return telegram.wait_for_message(user.id, timeout_s=WAIT_S)


def press(telegram: FakeTelegram, user: FakeUser, message: ChatMessage, button: str) -> None:
    telegram.press(user, message.message_id, button)


def ticked(telegram: FakeTelegram, message: ChatMessage) -> int:
    current = telegram.message(message.chat_id, message.message_id)
    return sum(text.startswith("✓") for text in current.button_texts)


def eventually(check: Callable[[], bool], timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def rejected_calls(telegram: FakeTelegram) -> list[object]:
    return [c for c in telegram.calls() if not c.ok and c.method != "getUpdates"]


@pytest.mark.parametrize(
    ("language", "greeting", "topics", "expected_titles"),
    [
        ("kk", "Сәлеметсіз бе", ("water", "green_tech"), ["ауа мен су мониторингі"]),
        ("ru", "Здравствуйте", ("water", "rare_earths"), ["сырьевых материалов"]),
        ("pl", "Dzień dobry", ("water", "rare_earths"), ["сырьевых материалов"]),
    ],
)
def test_new_reader_picks_topics_sets_schedule_and_gets_a_digest(
    telegram: FakeTelegram,
    bot: BotProcess,
    language: str,
    greeting: str,
    topics: tuple[str, str],
    expected_titles: list[str],
) -> None:
    user = telegram.create_user("Aigerim", language_code=language)
    welcome = say(telegram, user, "/start")
    assert greeting in welcome.body
    picker = telegram.wait_for_message(user.id, timeout_s=WAIT_S)
    for topic_id in topics:
        press(telegram, user, picker, f"tt:0:1:{topic_id}")
        eventually(lambda: ticked(telegram, picker) >= 1)
    eventually(lambda: ticked(telegram, picker) == 2)
    assert "07:30" in say(telegram, user, "/time 07:30").body
    assert "Asia/Almaty" in say(telegram, user, "/timezone Asia/Almaty").body
    digest = say(telegram, user, "/digest")
    bodies = [digest.body]
    while True:
        try:
            bodies.append(telegram.wait_for_message(user.id, timeout_s=2).body)
        except Exception:
            break
    text = "\n".join(bodies)
    for title in expected_titles:
        assert title.lower() in text.lower(), text
    assert rejected_calls(telegram) == []


def test_digest_twice_says_nothing_new_since(telegram: FakeTelegram, bot: BotProcess) -> None:
    user = telegram.create_user("Ola", language_code="en")
    say(telegram, user, "/start")
    telegram.wait_for_message(user.id, timeout_s=WAIT_S)
    say(telegram, user, "/subscribe water")
    say(telegram, user, "/digest")
    while True:
        try:
            telegram.wait_for_message(user.id, timeout_s=2)
        except Exception:
            break
    assert "Nothing new since" in say(telegram, user, "/digest").body
