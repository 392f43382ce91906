"""Bot API failures as the fake server answers them, and the errors of its own test API."""

from __future__ import annotations

from typing import Any

from bot.core.errors import DalaError

# Descriptions Telegram really sends, word for word.
CHAT_NOT_FOUND = "Bad Request: chat not found"
TEXT_EMPTY = "Bad Request: message text is empty"
TEXT_TOO_LONG = "Bad Request: message is too long"
RAW_TEXT_TOO_LONG = "Bad Request: text is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
CANT_PARSE_ENTITIES = "Bad Request: can't parse entities: "
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
CANT_PARSE_MARKUP = "Bad Request: can't parse reply keyboard markup JSON object"
INLINE_KEYBOARD_NOT_ARRAYS = (
    'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
)
BUTTON_NOT_OBJECT = (
    "Bad Request: can't parse inline keyboard button: InlineKeyboardButton should be an object"
)
BUTTON_WITHOUT_TEXT = "Bad Request: can't parse inline keyboard button: Can't find field \"text\""
TEXT_BUTTON_UNALLOWED = (
    "Bad Request: can't parse inline keyboard button: "
    "Text buttons are unallowed in the inline keyboard"
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
MESSAGE_TO_EDIT_NOT_FOUND = "Bad Request: message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND = "Bad Request: message to delete not found"
MESSAGE_CANT_BE_EDITED = "Bad Request: message can't be edited"
NO_TEXT_TO_EDIT = "Bad Request: there is no text in the message to edit"
MESSAGE_ID_MISSING = "Bad Request: message identifier is not specified"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
WRONG_ACTION = "Bad Request: wrong parameter action in request"
BOT_COMMAND_INVALID = "Bad Request: BOT_COMMAND_INVALID"
BOT_COMMAND_DESCRIPTION_INVALID = "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"
GROUP_MIGRATED = "Bad Request: group chat was upgraded to a supergroup chat"
BLOCKED = "Forbidden: bot was blocked by the user"
DEACTIVATED = "Forbidden: user is deactivated"
CANT_INITIATE = "Forbidden: bot can't initiate conversation with a user"
INVALID_TOKEN = "Unauthorized: invalid token specified"
METHOD_NOT_FOUND = "Not Found: method not found"
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)

SERVER_ERRORS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ApiError(Exception):
    """A Bot API call refused: the HTTP status, Telegram's description and its parameters."""

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def envelope(self) -> dict[str, Any]:
        """The JSON body Telegram answers with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters is not None:
            body["parameters"] = self.parameters
        return body


def bad_request(description: str) -> ApiError:
    """A 400 whose description already starts with `Bad Request: `."""
    return ApiError(400, description)


def forbidden(description: str) -> ApiError:
    """A 403 whose description already starts with `Forbidden: `."""
    return ApiError(403, description)


class FakeTelegramError(DalaError):
    """A test-API request the fake server cannot carry out: unknown user, no such button."""

    key = "error.fake_telegram"
