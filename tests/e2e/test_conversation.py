"""A reader's first minutes with the bot, through the fake Bot API (issues #5, #6).

One bot process serves the module; each test talks to it as users of its own, so tests do not
depend on each other. Waits poll the fake server (or the bot's database) with a deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from bot.fakebot.models import ChatMessage, FakeUser, Fault, FaultKind
from bot.fakebot.server import FakeTelegram
from bot.fakebot.world import MessageTimeout

from ..conftest import ROOT
from ..httpserver import serve_in_thread
from .conftest import ADMIN_ID, BotProcess

WAIT_S = 15
FEEDS = ROOT / "tests" / "data" / "feeds"
FEED_TITLES = [
    "Lake Balkhash loses water as the Ili river inflow drops",
    "Farmers near Balkhash switch to drip irrigation to save river water",
    "Kapchagay reservoir releases more water to keep Balkhash alive",
    "Drinking water shortages hit villages on the northern shore of Balkhash",
    "Fish stocks in Balkhash fall as the lake becomes saltier",
    "Satellite images show Balkhash shoreline retreating after drought",
    "Kazakhstan and China discuss the Ili river water sharing for Balkhash",
]
#: Chats whose failing calls a test injected on purpose.
FAULTY_CHATS: set[int] = set()
MENU = [
    "start",
    "help",
    "topics",
    "subscribe",
    "unsubscribe",
    "mysubs",
    "digest",
    "latest",
    "search",
    "time",
    "timezone",
    "frequency",
    "alerts",
    "languages",
    "language",
    "pause",
    "resume",
    "forget",
]


# --- helpers ----------------------------------------------------------------------------------


def say(telegram: FakeTelegram, user: FakeUser, text: str) -> ChatMessage:
    telegram.send(user, text)
    return telegram.wait_for_message(user.id, timeout_s=WAIT_S)


def press(telegram: FakeTelegram, user: FakeUser, message: ChatMessage, button: str) -> str:
    return telegram.press(user, message.message_id, button)


def ticked(telegram: FakeTelegram, message: ChatMessage) -> int:
    current = telegram.message(message.chat_id, message.message_id)
    return sum(text.startswith("✓") for text in current.button_texts)


def eventually(check: Callable[[], bool], timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def bodies(telegram: FakeTelegram, user: FakeUser) -> list[str]:
    return [m.body for m in telegram.messages(user.id)]


def wait_for_text(telegram: FakeTelegram, user: FakeUser, text: str) -> str:
    """The first bot message in the chat that contains `text` (case-insensitive)."""
    found: list[str] = []

    def seen() -> bool:
        found[:] = [b for b in bodies(telegram, user) if text.lower() in b.lower()]
        return bool(found)

    eventually(seen)
    return found[0]


def answer_of(telegram: FakeTelegram, query_id: str) -> str | None:
    """The text the bot answered a button press with (None: answered without text)."""
    answers: list[Any] = []

    def answered() -> bool:
        answers[:] = [a for a in telegram.callback_answers() if a.callback_query_id == query_id]
        return bool(answers)

    eventually(answered)
    assert len(answers) == 1, f"query answered {len(answers)} times"
    text: str | None = answers[0].text
    return text


def edited_to(telegram: FakeTelegram, message: ChatMessage, text: str) -> ChatMessage:
    """The message once an edit put `text` in it (the same message, changed in place)."""
    current: list[ChatMessage] = []

    def changed() -> bool:
        current[:] = [telegram.message(message.chat_id, message.message_id)]
        return text in current[0].body

    eventually(changed)
    return current[0]


def message_with_button(telegram: FakeTelegram, user: FakeUser, data: str) -> ChatMessage:
    """The latest bot message in the chat with a button that carries `data`."""
    found: list[ChatMessage] = []

    def seen() -> bool:
        found[:] = [
            m
            for m in telegram.messages(user.id)
            if any(b.callback_data == data for row in m.buttons for b in row)
        ]
        return bool(found)

    eventually(seen)
    return found[-1]


def assert_silent(telegram: FakeTelegram, user: FakeUser, within_s: float = 1.5) -> None:
    """No further message reaches the chat (a bound, not a sync: the bot must not answer)."""
    with pytest.raises(MessageTimeout):
        telegram.wait_for_message(user.id, timeout_s=within_s)


def rejected_calls(telegram: FakeTelegram) -> list[object]:
    return [
        c
        for c in telegram.calls()
        if not c.ok
        and c.method != "getUpdates"
        and str(c.params.get("chat_id")) not in {str(chat) for chat in FAULTY_CHATS}
    ]


def query(bot: BotProcess, sql: str, **params: object) -> list[Any]:
    """Rows from the bot's own database (SQLite in WAL mode: reading beside it is safe)."""
    engine = sa.create_engine(bot.db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text(sql), params).all())
    finally:
        engine.dispose()


def rows_about(bot: BotProcess, user_id: int) -> dict[str, int]:
    return {
        table: query(bot, f"SELECT count(*) FROM {table} WHERE {column} = :u", u=user_id)[0][0]
        for table, column in (
            ("bot_user", "id"),
            ("subscription", "user_id"),
            ("delivery", "user_id"),
        )
    }


def started(telegram: FakeTelegram, user: FakeUser) -> ChatMessage:
    """/start; returns the topic picker that follows the greeting."""
    say(telegram, user, "/start")
    return telegram.wait_for_message(user.id, timeout_s=WAIT_S)


@pytest.fixture(scope="module")
def operator(telegram: FakeTelegram) -> FakeUser:
    return telegram.create_user("Operator", language_code="en", user_id=ADMIN_ID)


@pytest.fixture(scope="module")
def feed_added(telegram: FakeTelegram, bot: BotProcess, operator: FakeUser) -> Iterator[str]:
    """The operator /adds a feed the test serves; yields the bot's answer."""
    with serve_in_thread(FEEDS, {"balkhash.xml": "application/rss+xml"}) as server:
        answer = say(telegram, operator, f"/add {server.url('balkhash.xml')}").body
        yield answer


# --- issue #6.5: the whole path in kk, ru and pl ------------------------------------------------


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
    telegram.send(user, "/digest")
    for title in expected_titles:
        wait_for_text(telegram, user, title)
    assert rejected_calls(telegram) == []


def test_digest_twice_says_nothing_new_since(telegram: FakeTelegram, bot: BotProcess) -> None:
    user = telegram.create_user("Ola", language_code="en")
    started(telegram, user)
    say(telegram, user, "/subscribe water")
    telegram.send(user, "/digest")
    eventually(lambda: rows_about(bot, user.id)["delivery"] > 0)
    eventually(lambda: bot_user_last_digest(bot, user.id) is not None)
    telegram.send(user, "/digest")
    assert "Nothing new since" in wait_for_text(telegram, user, "Nothing new since")
    assert rejected_calls(telegram) == []


def bot_user_last_digest(bot: BotProcess, user_id: int) -> object:
    return query(bot, "SELECT last_digest_at FROM bot_user WHERE id = :u", u=user_id)[0][0]


# --- issue #6.1: commands and the menu ---------------------------------------------------------


def test_the_menu_is_registered_in_every_interface_language(
    telegram: FakeTelegram, bot: BotProcess
) -> None:
    calls = [c for c in telegram.calls("setMyCommands") if c.ok]
    by_lang = {
        c.params.get("language_code"): c.params["commands"]
        for c in calls
        if "scope" not in c.params
    }
    assert set(by_lang) >= {None, "kk", "ru", "en", "pl"}
    for commands in by_lang.values():
        assert [c["command"] for c in commands] == MENU
    assert by_lang["ru"][0]["description"] != by_lang["en"][0]["description"]
    operator_menus = [c for c in calls if c.params.get("scope", {}).get("chat_id") == ADMIN_ID]
    assert operator_menus, "the operator gets a menu with /add, /sources, /remove, /stats"
    assert {"add", "sources", "remove", "stats"} <= {
        c["command"] for c in operator_menus[-1].params["commands"]
    }
    assert rejected_calls(telegram) == []


def test_the_operator_menu_is_registered_in_every_interface_language(
    telegram: FakeTelegram, bot: BotProcess
) -> None:
    calls = [c for c in telegram.calls("setMyCommands") if c.ok]
    operator = {
        c.params.get("language_code"): c.params["commands"]
        for c in calls
        if c.params.get("scope", {}).get("chat_id") == ADMIN_ID
    }
    assert set(operator) == {None, "kk", "ru", "en", "pl"}
    for commands in operator.values():
        assert [c["command"] for c in commands] == [*MENU, "add", "sources", "remove", "stats"]
    described = {lang: commands[-1]["description"] for lang, commands in operator.items()}
    assert described["ru"] == "Оператор: статистика"
    assert described["kk"] != described["en"] != described["pl"]


@pytest.mark.parametrize(
    ("language", "greeting"),
    [("de", "Hello! I am Dala"), (None, "Hello! I am Dala"), ("ru-RU", "Здравствуйте")],
)
def test_start_greets_in_the_client_language_or_english(
    telegram: FakeTelegram, bot: BotProcess, language: str | None, greeting: str
) -> None:
    user = telegram.create_user("Max", language_code=language)
    assert greeting in say(telegram, user, "/start").body
    picker = telegram.wait_for_message(user.id, timeout_s=WAIT_S)
    assert len(picker.button_texts) > 10  # ten topics and "Done"
    assert rejected_calls(telegram) == []


def test_help_lists_the_commands_in_the_reader_language(
    telegram: FakeTelegram, bot: BotProcess
) -> None:
    user = telegram.create_user("Jan", language_code="pl")
    text = say(telegram, user, "/help").body
    assert "/subscribe" in text and "/forget" in text
    assert "Co potrafię" in text or "/search" in text
    assert rejected_calls(telegram) == []


def test_a_tap_updates_the_same_picker_message_in_place(
    telegram: FakeTelegram, bot: BotProcess
) -> None:
    user = telegram.create_user("Dana", language_code="en")
    picker = say(telegram, user, "/topics")
    query_id = press(telegram, user, picker, "Water")
    eventually(lambda: ticked(telegram, picker) == 1)
    assert "✓ Water" in telegram.message(user.id, picker.message_id).button_texts
    assert answer_of(telegram, query_id) is None
    press(telegram, user, picker, "✓ Water")
    eventually(lambda: ticked(telegram, picker) == 0)
    done = press(telegram, user, picker, "Done")
    edited_to(telegram, picker, "You follow no topics yet")
    answer_of(telegram, done)
    assert [m.message_id for m in telegram.messages(user.id)] == [picker.message_id]
    assert rejected_calls(telegram) == []


def test_a_button_pressed_twice_quickly_follows_once(
    telegram: FakeTelegram, bot: BotProcess
) -> None:
    user = telegram.create_user("Quick", language_code="en")
    picker = say(telegram, user, "/topics")
    first = press(telegram, user, picker, "tt:0:1:water")
    second = press(telegram, user, picker, "tt:0:1:water")
    answer_of(telegram, first)
    answer_of(telegram, second)
    eventually(lambda: ticked(telegram, picker) == 1)
    assert query(bot, "SELECT count(*) FROM subscription WHERE user_id = :u", u=user.id) == [(1,)]
    assert "Topics: Water" in say(telegram, user, "/mysubs").body
    assert rejected_calls(telegram) == []


@pytest.mark.parametrize(
    ("language", "name", "shown"),
    [("ru", "вода", "Водные ресурсы"), ("kk", "су", "Су ресурстары"), ("pl", "woda", "Woda")],
)
def test_subscribe_finds_a_topic_by_its_name_in_any_language(
    telegram: FakeTelegram, bot: BotProcess, language: str, name: str, shown: str
) -> None:
    user = telegram.create_user("Name", language_code=language)
    assert shown in say(telegram, user, f"/subscribe {name}").body
    assert shown in say(telegram, user, "/subscribe water").body  # already, by its id
    assert query(bot, "SELECT topic_id FROM subscription WHERE user_id = :u", u=user.id) == [
        ("water",)
    ]
    assert shown in say(telegram, user, f"/unsubscribe {name.upper()}").body
    assert rows_about(bot, user.id)["subscription"] == 0
    assert rejected_calls(telegram) == []


def test_anything_else_becomes_a_keyword_and_can_be_removed(
    telegram: FakeTelegram, bot: BotProcess
) -> None:
    user = telegram.create_user("Kw", language_code="en")
    assert "keyword “lithium”" in say(telegram, user, "/subscribe lithium").body
    assert "already" in say(telegram, user, "/subscribe LITHIUM").body
    assert "lithium" in say(telegram, user, "/mysubs").body
    assert "no longer follow the keyword" in say(telegram, user, "/unsubscribe Lithium").body
    assert "do not follow" in say(telegram, user, "/unsubscribe lithium").body
    assert rejected_calls(telegram) == []


def test_mysubs_buttons_toggle_alerts_pause_and_open_pickers(
    telegram: FakeTelegram, bot: BotProcess
) -> None:
    user = telegram.create_user("Subs", language_code="en")
    card = say(telegram, user, "/mysubs")
    assert "Instant alerts: off" in card.body
    press(telegram, user, card, "Alerts: off")
    assert "Instant alerts: on" in edited_to(telegram, card, "Instant alerts: on").body
    press(telegram, user, card, "Pause")
    assert "Resume" in edited_to(telegram, card, "Digests are paused").button_texts
    press(telegram, user, card, "Resume")
    edited_to(telegram, card, "Next digest: ")
    eventually(lambda: "Pause" in telegram.message(user.id, card.message_id).button_texts)
    press(telegram, user, card, "Topics")
    picker = telegram.wait_for_message(user.id, timeout_s=WAIT_S)
    assert "Water" in picker.button_texts
    press(telegram, user, card, "Languages")
    langs = telegram.wait_for_message(user.id, timeout_s=WAIT_S)
    assert "Polski" in " ".join(langs.button_texts)
    assert rejected_calls(telegram) == []


def test_languages_and_language_buttons(telegram: FakeTelegram, bot: BotProcess) -> None:
    user = telegram.create_user("Lang", language_code="en")
    chooser = say(telegram, user, "/languages")
    press(telegram, user, chooser, "al:ru")
    eventually(lambda: ticked(telegram, chooser) == 1)
    press(telegram, user, chooser, "al:kk")
    eventually(lambda: ticked(telegram, chooser) == 2)
    assert query(bot, "SELECT article_langs FROM bot_user WHERE id = :u", u=user.id) == [
        ("ru,kk",)
    ] or query(bot, "SELECT article_langs FROM bot_user WHERE id = :u", u=user.id) == [("kk,ru",)]
    interface = say(telegram, user, "/language")
    press(telegram, user, interface, "il:ru")
    eventually(lambda: "✓ Русский" in telegram.message(user.id, interface.message_id).button_texts)
    assert "/subscribe" in say(telegram, user, "/help").body
    assert "Что я умею" in telegram.messages(user.id)[-1].body or query(
        bot, "SELECT language FROM bot_user WHERE id = :u", u=user.id
    ) == [("ru",)]
    assert rejected_calls(telegram) == []


def test_time_timezone_frequency_alerts_pause_resume(
    telegram: FakeTelegram, bot: BotProcess
) -> None:
    user = telegram.create_user("Sched", language_code="en")
    assert "07:30" in say(telegram, user, "/time 7:30").body
    assert "Asia/Almaty" in say(telegram, user, "/timezone Алматы").body
    assert "UTC+05:00" in say(telegram, user, "/timezone UTC+5").body
    assert "every Monday" in say(telegram, user, "/frequency weekly").body
    assert "on" in say(telegram, user, "/alerts on").body
    assert "paused" in say(telegram, user, "/pause").body
    assert "already paused" in say(telegram, user, "/pause").body
    assert "resumed" in say(telegram, user, "/resume").body
    assert query(
        bot,
        "SELECT digest_time, timezone, frequency, alerts FROM bot_user WHERE id = :u",
        u=user.id,
    ) == [("07:30", "UTC+05:00", "weekly", 1)]
    assert rejected_calls(telegram) == []


@pytest.mark.parametrize(
    ("language", "off"),
    [
        ("en", "Digest: off. Turn it on with /frequency daily."),
        ("kk", "Дайджест өшірулі."),
        ("ru", "Дайджест выключен."),
        ("pl", "Przegląd wyłączony."),
    ],
)
def test_mysubs_with_digests_off_shows_no_hour_and_how_to_turn_them_on(
    telegram: FakeTelegram, bot: BotProcess, language: str, off: str
) -> None:
    user = telegram.create_user("Off", language_code=language)
    say(telegram, user, "/time 07:30")
    say(telegram, user, "/frequency off")
    card = say(telegram, user, "/mysubs").body
    assert off in card
    assert "07:30" not in card
    assert "/frequency daily" in card
    assert rejected_calls(telegram) == []


def test_latest_with_and_without_a_topic(telegram: FakeTelegram, bot: BotProcess) -> None:
    user = telegram.create_user("Late", language_code="en")
    assert "Latest" in say(telegram, user, "/latest").body
    assert "Latest · Water" in say(telegram, user, "/latest вода").body
    assert "Unknown topic “mars”" in say(telegram, user, "/latest mars").body
    assert rejected_calls(telegram) == []


# --- issue #6.3: bad input gets a short, localized answer showing the right form ----------------


@pytest.mark.parametrize(
    ("language", "text", "answer"),
    [
        ("en", "/time 25:00", "Send the time as HH:MM, for example /time 07:30."),
        ("en", "/time", "Send the time as HH:MM"),
        ("ru", "/time 25:00", "ЧЧ:ММ"),
        ("en", "/timezone Mars/Olympus", "Unknown time zone “Mars/Olympus”"),
        ("en", "/timezone", "for example /timezone Asia/Almaty"),
        ("en", "/subscribe", "for example /subscribe water"),
        ("kk", "/subscribe", "/subscribe"),
        ("en", "/unsubscribe", "for example /unsubscribe water"),
        ("en", "/subscribe " + "ы" * 5000, "at most 64 characters"),
        ("en", "я" * 5000, "too long for me (5000 characters)"),
        ("en", "/subscribe 🙂🙂🙂", "for example /subscribe water"),
        ("en", "/search 🙂", "for example /search lithium"),
        ("en", "/search", "for example /search lithium"),
        ("en", "مرحبا بالعالم", "/search مرحبا بالعالم"),
        ("en", "שלום 👋", "/search שלום 👋"),
        ("en", "/frequency hourly", "/frequency daily"),
        ("en", "/alerts maybe", "/alerts on"),
        ("en", "/frobnicate", "I do not know that command"),
        ("pl", "/frobnicate", "/help"),
        ("en", "/add http://example.org/feed", "I do not know that command"),
    ],
)
def test_bad_input_gets_a_short_localized_answer_with_the_right_form(
    telegram: FakeTelegram, bot: BotProcess, language: str, text: str, answer: str
) -> None:
    user = telegram.create_user("Bad", language_code=language)
    reply = say(telegram, user, text).body
    assert answer in reply
    assert len(reply) < 300
    assert_silent(telegram, user, within_s=0.3)  # one answer, not two
    assert rejected_calls(telegram) == []


def test_a_photo_or_a_sticker_gets_a_text_only_answer(
    telegram: FakeTelegram, bot: BotProcess
) -> None:
    user = telegram.create_user("Pic", language_code="en")
    telegram.send_photo(user, caption="look")
    assert "text and commands only" in telegram.wait_for_message(user.id, WAIT_S).body
    telegram.send_sticker(user)
    assert "text and commands only" in telegram.wait_for_message(user.id, WAIT_S).body
    assert rejected_calls(telegram) == []


def test_a_non_operator_gets_the_unknown_command_answer_and_is_logged(
    telegram: FakeTelegram, bot: BotProcess
) -> None:
    user = telegram.create_user("Eve", language_code="en")
    unknown = say(telegram, user, "/frobnicate").body
    for command in ("/stats", "/sources", "/add http://example.org/", "/remove 1"):
        assert say(telegram, user, command).body == unknown
    eventually(lambda: f"user_id={user.id}" in bot.log() and "admin.denied" in bot.log())
    assert rejected_calls(telegram) == []


def test_a_handler_error_is_logged_with_the_update_id_and_answered_once(
    telegram: FakeTelegram, bot: BotProcess
) -> None:
    user = telegram.create_user("Oops", language_code="en")
    FAULTY_CHATS.add(user.id)
    telegram.add_fault(Fault(FaultKind.SERVER_ERROR, method="sendMessage", chat_id=user.id))
    telegram.send(user, "/help")
    assert "Something went wrong" in telegram.wait_for_message(user.id, WAIT_S).body
    eventually(lambda: "handler.failed" in bot.log())
    failed = [line for line in bot.log().splitlines() if "handler.failed" in line]
    assert any("update_id=" in line and "update_id=None" not in line for line in failed)
    assert "What I can do" in say(telegram, user, "/help").body  # the bot goes on
    assert [m.body for m in telegram.messages(user.id)].count(
        "Something went wrong on my side. Please try again in a minute."
    ) == 1
    assert rejected_calls(telegram) == []


def test_more_than_20_commands_in_10_seconds_get_one_slow_down_then_silence(
    telegram: FakeTelegram, bot: BotProcess
) -> None:
    user = telegram.create_user("Flood", language_code="en")
    for _ in range(21):
        telegram.send(user, "/help")
    eventually(lambda: len(telegram.messages(user.id)) == 21, timeout_s=30)
    texts = bodies(telegram, user)
    assert sum("too fast" in t for t in texts) == 1
    assert sum("What I can do" in t for t in texts) == 20
    while True:  # consume what wait_for_message has not returned yet
        try:
            telegram.wait_for_message(user.id, timeout_s=0.1)
        except MessageTimeout:
            break
    telegram.send(user, "/help")
    telegram.send(user, "/mysubs")
    assert_silent(telegram, user)
    assert len(telegram.messages(user.id)) == 21
    assert rejected_calls(telegram) == []


# --- /forget, block and unblock -------------------------------------------------------------------


def test_forget_after_confirmation_deletes_every_row_and_start_begins_again(
    telegram: FakeTelegram, bot: BotProcess
) -> None:
    user = telegram.create_user("Gone", language_code="ru")
    picker = started(telegram, user)
    press(telegram, user, picker, "tt:0:1:water")
    eventually(lambda: ticked(telegram, picker) == 1)
    say(telegram, user, "/subscribe литий")
    telegram.send(user, "/digest")
    eventually(lambda: rows_about(bot, user.id)["delivery"] > 0)
    telegram.send(user, "/forget")
    confirm = message_with_button(telegram, user, "fg:yes")
    assert rows_about(bot, user.id)["subscription"] == 2
    press(telegram, user, confirm, "fg:yes")
    edited_to(telegram, confirm, "/start")
    assert rows_about(bot, user.id) == {"bot_user": 0, "subscription": 0, "delivery": 0}
    telegram.send(user, "/start")
    eventually(lambda: sum("Здравствуйте" in b for b in bodies(telegram, user)) == 2)
    picker = message_with_button(telegram, user, "tt:0:1:water")
    assert ticked(telegram, picker) == 0
    assert rows_about(bot, user.id) == {"bot_user": 1, "subscription": 0, "delivery": 0}
    assert rejected_calls(telegram) == []


def test_forget_cancelled_keeps_everything(telegram: FakeTelegram, bot: BotProcess) -> None:
    user = telegram.create_user("Stay", language_code="en")
    say(telegram, user, "/subscribe water")
    confirm = say(telegram, user, "/forget")
    press(telegram, user, confirm, "Cancel")
    edited_to(telegram, confirm, "Nothing was deleted")
    assert rows_about(bot, user.id)["subscription"] == 1
    assert rejected_calls(telegram) == []


def test_block_then_unblock_and_start_starts_cleanly_with_subscriptions_kept(
    telegram: FakeTelegram, bot: BotProcess
) -> None:
    user = telegram.create_user("Blocky", language_code="en")
    say(telegram, user, "/subscribe water")
    telegram.block(user)
    eventually(lambda: query(bot, "SELECT active FROM bot_user WHERE id = :u", u=user.id) == [(0,)])
    telegram.unblock(user)
    welcome = say(telegram, user, "/start")
    assert "Hello! I am Dala" in welcome.body
    picker = telegram.wait_for_message(user.id, WAIT_S)
    assert "✓ Water" in picker.button_texts
    assert query(bot, "SELECT active FROM bot_user WHERE id = :u", u=user.id) == [(1,)]
    assert rejected_calls(telegram) == []


# --- operator commands and search, on a feed the test serves ------------------------------------


def test_operator_adds_a_local_feed_and_a_subscriber_digest_shows_its_item(
    telegram: FakeTelegram, bot: BotProcess, operator: FakeUser, feed_added: str
) -> None:
    assert "Added the feed" in feed_added and "7 new" in feed_added, feed_added
    reader = telegram.create_user("Reader", language_code="en")
    say(telegram, reader, "/subscribe water")
    telegram.send(reader, "/digest")
    digest = wait_for_text(telegram, reader, "Balkhash").lower()
    shown = [t for t in FEED_TITLES if t.lower() in digest]
    assert shown, bodies(telegram, reader)
    sources = say(telegram, operator, "/sources").body
    assert "balkhash.xml" in sources and "7 articles" in sources
    assert "Users:" in say(telegram, operator, "/stats").body
    assert rejected_calls(telegram) == []


def test_operator_add_without_a_url_shows_the_form_and_remove_unknown_says_so(
    telegram: FakeTelegram, bot: BotProcess, operator: FakeUser
) -> None:
    assert "/add followed by the address" in say(telegram, operator, "/add").body
    assert "/add followed by the address" in say(telegram, operator, "/add not-a-url").body
    assert "No source “#999”" in say(telegram, operator, "/remove #999").body
    assert rejected_calls(telegram) == []


def test_search_shows_best_first_with_paging_buttons(
    telegram: FakeTelegram, bot: BotProcess, feed_added: str
) -> None:
    user = telegram.create_user("Seeker", language_code="en")
    first = say(telegram, user, "/search Balkhash")
    assert "page 1 of 2" in first.body
    assert first.button_texts == ["More ›"]
    query_id = press(telegram, user, first, "More ›")
    second = edited_to(telegram, first, "page 2 of 2")
    assert second.button_texts == ["‹ Back"]
    assert answer_of(telegram, query_id) is None
    press(telegram, user, first, "‹ Back")
    edited_to(telegram, first, "page 1 of 2")
    shown = {t for t in FEED_TITLES if t in first.body or t in second.body}
    assert len(shown) == 7
    assert "Nothing found" in say(telegram, user, "/search zzxqj").body
    assert rejected_calls(telegram) == []


# --- a restart: buttons of older messages -------------------------------------------------------


def test_buttons_from_before_a_restart(
    telegram: FakeTelegram, bot: BotProcess, feed_added: str
) -> None:
    user = telegram.create_user("Restart", language_code="en")
    results = say(telegram, user, "/search Balkhash")
    confirm = say(telegram, user, "/forget")
    picker = say(telegram, user, "/topics")
    before = len(telegram.calls("getUpdates"))
    bot.stop()
    bot.start()
    eventually(lambda: len(telegram.calls("getUpdates")) > before, timeout_s=60)

    stale = "This button has expired. Send the command again."
    assert answer_of(telegram, press(telegram, user, results, "More ›")) == stale
    assert answer_of(telegram, press(telegram, user, confirm, "fg:yes")) == stale
    assert rows_about(bot, user.id)["bot_user"] == 1  # nothing was deleted
    # A topic tap carries all it needs, so an old picker keeps working.
    press(telegram, user, picker, "tt:0:1:water")
    eventually(lambda: ticked(telegram, picker) == 1)
    assert "page 1 of 2" in say(telegram, user, "/search Balkhash").body
    assert rejected_calls(telegram) == []


def test_feed_fixture_is_a_valid_rss_file() -> None:
    text = (FEEDS / "balkhash.xml").read_text(encoding="utf-8")
    assert text.count("<item>") == len(FEED_TITLES)
    assert all(title in text for title in FEED_TITLES)
