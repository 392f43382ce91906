"""The Bot API methods the fake server carries out, each a function of the World and the
checked parameters, returning the `result` or raising ApiError."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.fakebot import errors
from bot.fakebot.entities import EntityParseError, ParsedText, parse_html, trim, utf16_len
from bot.fakebot.errors import ApiError, bad_request
from bot.fakebot.markup import check_reply_markup
from bot.fakebot.models import CallbackAnswer
from bot.fakebot.spec import UploadedFile
from bot.fakebot.world import World

Params = dict[str, Any]
Handler = Callable[[World, Params], Awaitable[Any]]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_RAW_TEXT_BYTES = 32768
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_NAME = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def format_text(text: str, parse_mode: str | None, entities: list[Any] | None) -> ParsedText:
    """Text and entities as Telegram stores them, or its 400 for bad markup."""
    if len(text.encode("utf-8")) > MAX_RAW_TEXT_BYTES:
        raise bad_request(errors.RAW_TEXT_TOO_LONG)
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            parsed = parse_html(text)
        except EntityParseError as exc:
            raise bad_request(errors.CANT_PARSE_ENTITIES + str(exc)) from exc
    elif mode in ("", "markdown", "markdownv2"):
        # Markdown is passed through unparsed: Dala sends HTML only.
        parsed = ParsedText(text, list(entities or []))
    else:
        raise bad_request("Bad Request: unsupported parse_mode")
    return trim(parsed)


def _text(params: Params) -> ParsedText:
    parsed = format_text(params.get("text", ""), params.get("parse_mode"), params.get("entities"))
    if not parsed.text:
        raise bad_request(errors.TEXT_EMPTY)
    if utf16_len(parsed.text) > MAX_TEXT:
        raise bad_request(errors.TEXT_TOO_LONG)
    return parsed


def _caption(params: Params) -> dict[str, Any]:
    if "caption" not in params:
        return {}
    parsed = format_text(
        params["caption"], params.get("parse_mode"), params.get("caption_entities")
    )
    if utf16_len(parsed.text) > MAX_CAPTION:
        raise bad_request(errors.CAPTION_TOO_LONG)
    fields: dict[str, Any] = {"caption": parsed.text} if parsed.text else {}
    if parsed.entities:
        fields["caption_entities"] = parsed.entities
    return fields


def _text_fields(parsed: ParsedText) -> dict[str, Any]:
    fields: dict[str, Any] = {"text": parsed.text}
    if parsed.entities:
        fields["entities"] = parsed.entities
    return fields


def _markup(params: Params, *, inline_only: bool = False) -> dict[str, Any] | None:
    if "reply_markup" not in params:
        return None
    markup = check_reply_markup(params["reply_markup"], inline_only=inline_only)
    # Only inline keyboards stay attached to a message.
    return markup if "inline_keyboard" in markup else None


def _send(world: World, params: Params, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Common end of every send: reachability, flood limits, then the message."""
    markup = _markup(params)
    chat = world.resolve_chat(params["chat_id"])
    world.check_reachable(chat)
    world.flood.check(chat.id, paid_broadcast=bool(params.get("allow_paid_broadcast")))
    world.flood.record(chat.id)
    return world.post(chat, kind, fields, markup)


async def get_me(world: World, params: Params) -> Any:
    return world.bot_user()


async def get_updates(world: World, params: Params) -> Any:
    raise AssertionError("getUpdates needs the request; the server calls World.get_updates")


async def set_webhook(world: World, params: Params) -> Any:
    world.webhook_url = params["url"]
    if params.get("drop_pending_updates"):
        world.drop_pending_updates()
    return True


async def delete_webhook(world: World, params: Params) -> Any:
    world.webhook_url = ""
    if params.get("drop_pending_updates"):
        world.drop_pending_updates()
    return True


async def get_webhook_info(world: World, params: Params) -> Any:
    return {
        "url": world.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": world.pending_update_count(),
    }


async def send_message(world: World, params: Params) -> Any:
    parsed = _text(params)
    return _send(world, params, "text", _text_fields(parsed))


async def send_document(world: World, params: Params) -> Any:
    document = params["document"]
    name = document.filename if isinstance(document, UploadedFile) else "document"
    size = document.size if isinstance(document, UploadedFile) else 0
    file_id = f"document-{name}-{size}"
    fields = {
        "document": {
            "file_id": file_id,
            "file_unique_id": f"{file_id}u",
            "file_name": name,
            "file_size": size,
        },
        **_caption(params),
    }
    return _send(world, params, "document", fields)


async def send_photo(world: World, params: Params) -> Any:
    photo = params["photo"]
    size = photo.size if isinstance(photo, UploadedFile) else 0
    sizes = [
        {
            "file_id": f"photo-{size}-{w}",
            "file_unique_id": f"photo-{size}-{w}u",
            "width": w,
            "height": w * 3 // 4,
            "file_size": size,
        }
        for w in (90, 320, 800)
    ]
    return _send(world, params, "photo", {"photo": sizes, **_caption(params)})


async def send_chat_action(world: World, params: Params) -> Any:
    if params["action"] not in CHAT_ACTIONS:
        raise bad_request(errors.WRONG_ACTION)
    chat = world.resolve_chat(params["chat_id"])
    world.check_reachable(chat)
    world.chat_actions.append((chat.id, params["action"]))
    return True


def _editable(world: World, params: Params) -> Any:
    if "inline_message_id" in params:
        raise bad_request(errors.MESSAGE_TO_EDIT_NOT_FOUND)
    if "chat_id" not in params or "message_id" not in params:
        raise bad_request(errors.MESSAGE_ID_MISSING)
    chat = world.resolve_chat(params["chat_id"])
    stored = world.live_message(chat, params["message_id"])
    if stored is None:
        raise bad_request(errors.MESSAGE_TO_EDIT_NOT_FOUND)
    if not stored.from_bot:
        raise bad_request(errors.MESSAGE_CANT_BE_EDITED)
    return chat, stored


async def edit_message_text(world: World, params: Params) -> Any:
    parsed = _text(params)
    markup = _markup(params, inline_only=True)
    chat, stored = _editable(world, params)
    if "text" not in stored.payload:
        raise bad_request(errors.NO_TEXT_TO_EDIT)
    fields = _text_fields(parsed)
    same_text = (stored.payload["text"], stored.payload.get("entities", [])) == (
        parsed.text,
        parsed.entities,
    )
    if same_text and stored.payload.get("reply_markup") == markup:
        raise bad_request(errors.NOT_MODIFIED)
    return world.edit(chat, stored, fields, markup)


async def edit_message_reply_markup(world: World, params: Params) -> Any:
    markup = _markup(params, inline_only=True)
    chat, stored = _editable(world, params)
    if stored.payload.get("reply_markup") == markup:
        raise bad_request(errors.NOT_MODIFIED)
    keep = {k: stored.payload[k] for k in ("entities", "caption_entities") if k in stored.payload}
    return world.edit(chat, stored, keep, markup)


async def delete_message(world: World, params: Params) -> Any:
    chat = world.resolve_chat(params["chat_id"])
    stored = world.live_message(chat, params["message_id"])
    if stored is None:
        raise bad_request(errors.MESSAGE_TO_DELETE_NOT_FOUND)
    world.delete(chat, stored)
    return True


async def answer_callback_query(world: World, params: Params) -> Any:
    text = params.get("text")
    if text is not None and len(text) > 200:
        raise bad_request("Bad Request: MESSAGE_TOO_LONG")
    world.answer_query(
        CallbackAnswer(
            params["callback_query_id"], text, bool(params.get("show_alert")), params.get("url")
        )
    )
    return True


def _scope_key(params: Params) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    key = scope["type"] + "".join(f":{scope[k]}" for k in ("chat_id", "user_id") if k in scope)
    return key, params.get("language_code", "")


async def set_my_commands(world: World, params: Params) -> Any:
    commands = params["commands"]
    if len(commands) > 100:
        raise bad_request("Bad Request: BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        name = command["command"]
        if not 1 <= len(name) <= 32 or not set(name) <= _COMMAND_NAME:
            raise bad_request(errors.BOT_COMMAND_INVALID)
        if not 1 <= len(command["description"]) <= 256:
            raise bad_request(errors.BOT_COMMAND_DESCRIPTION_INVALID)
    world.commands[_scope_key(params)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


async def get_my_commands(world: World, params: Params) -> Any:
    return world.commands.get(_scope_key(params), [])


async def delete_my_commands(world: World, params: Params) -> Any:
    world.commands.pop(_scope_key(params), None)
    return True


async def accept(world: World, params: Params) -> Any:
    """Settings the fake keeps no state for (descriptions, menu button): checked, then True."""
    return True


async def get_chat(world: World, params: Params) -> Any:
    chat = world.resolve_chat(params["chat_id"])
    return {**world.chat_object(chat), "accent_color_id": 0, "max_reaction_count": 11}


HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "sendMessage": send_message,
    "sendDocument": send_document,
    "sendPhoto": send_photo,
    "sendChatAction": send_chat_action,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setMyDescription": accept,
    "setMyShortDescription": accept,
    "setMyName": accept,
    "setChatMenuButton": accept,
    "getChat": get_chat,
}


def not_implemented(method: str) -> ApiError:
    """A method Telegram has and the fake does not: say so plainly rather than pretend."""
    return ApiError(501, f"Not Implemented: the fake Bot API server has no {method}")
