"""reply_markup: its shapes and Telegram's texts for the wrong ones."""

from __future__ import annotations

from typing import Any

from bot.fakebot import errors
from bot.fakebot.errors import bad_request
from bot.fakebot.models import Button

_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_REPLY_KINDS = ("inline_keyboard", "keyboard", "remove_keyboard", "force_reply")


def check_reply_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any]:
    """The markup if Telegram would take it; else the ApiError Telegram answers with."""
    if not isinstance(markup, dict):
        raise bad_request(errors.CANT_PARSE_MARKUP)
    kinds = [kind for kind in _REPLY_KINDS if kind in markup]
    if not kinds or (inline_only and "inline_keyboard" not in markup):
        raise bad_request(errors.CANT_PARSE_MARKUP)
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'Bad Request: field "keyboard" of the ReplyKeyboardMarkup should be an '
                "Array of Arrays"
            )
    return markup


def buttons_of(markup: dict[str, Any] | None) -> list[list[Button]]:
    """The inline buttons of a checked markup, as the user sees them."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [
        [Button(b["text"], b.get("callback_data"), b.get("url")) for b in row]
        for row in markup["inline_keyboard"]
    ]


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(errors.INLINE_KEYBOARD_NOT_ARRAYS)
    for row in rows:
        for button in row:
            _check_button(button)


def _check_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request(errors.BUTTON_NOT_OBJECT)
    if not isinstance(button.get("text"), str):
        raise bad_request(errors.BUTTON_WITHOUT_TEXT)
    if not any(action in button for action in _BUTTON_ACTIONS):
        raise bad_request(errors.TEXT_BUTTON_UNALLOWED)
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request(errors.BUTTON_DATA_INVALID)
