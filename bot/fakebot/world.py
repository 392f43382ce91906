"""The fake Telegram's memory: users, chats, messages, the update queue, calls, faults.

A World belongs to one event loop and is touched only from it; the server's thread-safe
facade and its HTTP test API both run their requests there.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.fakebot import errors
from bot.fakebot.clock import Clock
from bot.fakebot.entities import utf16_len
from bot.fakebot.errors import ApiError, FakeTelegramError, bad_request, forbidden
from bot.fakebot.limits import FloodControl
from bot.fakebot.markup import buttons_of
from bot.fakebot.models import (
    Call,
    CallbackAnswer,
    ChatEvent,
    ChatMessage,
    FakeUser,
    Fault,
    Limits,
    UserStatus,
)

# Update types delivered when getUpdates names none, as Telegram documents.
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
MAX_POLL_TIMEOUT_S = 50
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


class MessageTimeout(FakeTelegramError):
    """No message reached the chat within the wait."""

    key = "error.fake_telegram.timeout"


@dataclass
class _Stored:
    payload: dict[str, Any]
    from_bot: bool
    kind: str
    sent_at: datetime
    edited_at: datetime | None = None
    deleted: bool = False


@dataclass
class _Chat:
    id: int
    type: str
    title: str | None = None
    user_id: int | None = None
    migrated_to: int | None = None
    next_message_id: int = 1
    messages: dict[int, _Stored] = field(default_factory=dict)
    events: list[ChatEvent] = field(default_factory=list)
    read_seq: int = 0


@dataclass
class _Poll:
    is_gone: Callable[[], bool]
    superseded: asyncio.Event = field(default_factory=asyncio.Event)


class World:
    """State of one fake Telegram and everything the simulated people do in it."""

    def __init__(self, clock: Clock, limits: Limits, bot_id: int, bot_username: str) -> None:
        self.clock = clock
        self.flood = FloodControl(limits, clock)
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.webhook_url = ""
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self._users: dict[int, FakeUser] = {}
        self._started: set[int] = set()
        self._chats: dict[int, _Chat] = {}
        self._updates: list[tuple[int, dict[str, Any]]] = []
        self._update_ids = itertools.count(1)
        self._user_ids = itertools.count(1_000_001)
        self._group_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._event_seq = itertools.count(1)
        self._allowed_updates = DEFAULT_UPDATE_TYPES
        self._open_queries: dict[str, int] = {}
        self._answers: list[CallbackAnswer] = []
        self._calls: list[Call] = []
        self._faults: list[Fault] = []
        self._poll: _Poll | None = None
        self._changed = asyncio.Event()
        self._closing = False

    # ---- the simulated people -------------------------------------------------------------

    def create_user(
        self,
        first_name: str = "Test",
        language_code: str | None = "en",
        *,
        username: str | None = None,
        last_name: str | None = None,
        user_id: int | None = None,
    ) -> FakeUser:
        """A new user; `user_id` picks the id (an operator named in ADMIN_IDS), else the next."""
        if user_id is not None and user_id in self._users:
            raise FakeTelegramError(f"User {user_id} exists already.")
        uid = next(self._user_ids) if user_id is None else user_id
        user = FakeUser(uid, first_name, language_code, username, last_name)
        self._users[user.id] = user
        self._chats[user.id] = _Chat(user.id, "private", user_id=user.id)
        return user

    def create_group(self, title: str, member_ids: list[int]) -> int:
        """A basic group with the bot and these users; its id is negative."""
        for user_id in member_ids:
            self.user(user_id)
        chat_id = -next(self._group_ids)
        self._chats[chat_id] = _Chat(chat_id, "group", title=title)
        return chat_id

    def migrate_group(self, chat_id: int) -> int:
        """Upgrade a group to a supergroup; sends to the old id then fail as in Telegram."""
        old = self._chat(chat_id)
        new_id = int(f"-100{abs(chat_id)}")
        old.migrated_to = new_id
        self._chats[new_id] = _Chat(new_id, "supergroup", title=old.title)
        return new_id

    def user(self, user_id: int) -> FakeUser:
        try:
            return self._users[user_id]
        except KeyError:
            raise FakeTelegramError(f"No simulated user {user_id}.") from None

    def send_text(self, user_id: int, text: str, chat_id: int | None = None) -> ChatMessage:
        """The user writes `text`; every /command in it gets a bot_command entity."""
        fields: dict[str, Any] = {"text": text}
        commands = [
            {
                "type": "bot_command",
                "offset": utf16_len(text[: m.start()]),
                "length": utf16_len(m.group()),
            }
            for m in _COMMAND.finditer(text)
        ]
        if commands:
            fields["entities"] = commands
        return self._user_message(user_id, chat_id, "text", fields)

    def send_photo(
        self, user_id: int, caption: str | None = None, chat_id: int | None = None
    ) -> ChatMessage:
        photo_id = f"photo-{next(self._query_ids)}"
        sizes = [
            {
                "file_id": f"{photo_id}-{w}",
                "file_unique_id": f"{photo_id}-{w}u",
                "width": w,
                "height": w * 3 // 4,
                "file_size": w * 100,
            }
            for w in (90, 320, 1280)
        ]
        fields: dict[str, Any] = {"photo": sizes}
        if caption:
            fields["caption"] = caption
        return self._user_message(user_id, chat_id, "photo", fields)

    def send_sticker(
        self, user_id: int, emoji: str = "👍", chat_id: int | None = None
    ) -> ChatMessage:
        sticker_id = f"sticker-{next(self._query_ids)}"
        sticker = {
            "file_id": sticker_id,
            "file_unique_id": f"{sticker_id}u",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._user_message(user_id, chat_id, "sticker", {"sticker": sticker})

    def press_button(
        self, user_id: int, message_id: int, button: str, chat_id: int | None = None
    ) -> str:
        """The user presses the button labelled (or with callback data) `button`; returns the
        callback query id the bot must answer."""
        user = self.user(user_id)
        chat = self._chat(user_id if chat_id is None else chat_id)
        stored = chat.messages.get(message_id)
        if stored is None or stored.deleted or not stored.from_bot:
            raise FakeTelegramError(f"No message {message_id} from the bot in chat {chat.id}.")
        candidates = [b for row in buttons_of(stored.payload.get("reply_markup")) for b in row]
        pressed = next((b for b in candidates if b.text == button), None) or next(
            (b for b in candidates if b.callback_data == button), None
        )
        if pressed is None:
            labels = ", ".join(repr(b.text) for b in candidates) or "none"
            raise FakeTelegramError(f"No button {button!r} on message {message_id}; has {labels}.")
        if pressed.callback_data is None:
            raise FakeTelegramError(f"Button {button!r} opens a URL; it sends no callback.")
        query_id = f"{self.bot_id}{next(self._query_ids):08d}"
        self._open_queries[query_id] = user.id
        self._enqueue(
            "callback_query",
            {
                "id": query_id,
                "from": user.to_telegram(),
                "message": dict(stored.payload),
                "chat_instance": str(abs(hash((self.bot_id, chat.id)))),
                "data": pressed.callback_data,
            },
        )
        return query_id

    def block(self, user_id: int) -> None:
        self._set_status(user_id, UserStatus.BLOCKED, "kicked")

    def unblock(self, user_id: int) -> None:
        """Unblock: Telegram tells the bot (my_chat_member); the user then sends /start."""
        self._set_status(user_id, UserStatus.ACTIVE, "member")

    def deactivate(self, user_id: int) -> None:
        self._users[user_id] = replace(self.user(user_id), status=UserStatus.DEACTIVATED)

    # ---- what the test reads --------------------------------------------------------------

    def messages(self, chat_id: int, *, include_user: bool = False) -> list[ChatMessage]:
        """What the chat shows: the bot's messages (and the user's with include_user)."""
        chat = self._chat(chat_id)
        return [
            self._view(chat, stored)
            for stored in chat.messages.values()
            if include_user or stored.from_bot
        ]

    def message(self, chat_id: int, message_id: int) -> ChatMessage:
        chat = self._chat(chat_id)
        if message_id not in chat.messages:
            raise FakeTelegramError(f"No message {message_id} in chat {chat_id}.")
        return self._view(chat, chat.messages[message_id])

    def events(self, chat_id: int, after_seq: int = 0) -> list[ChatEvent]:
        return [event for event in self._chat(chat_id).events if event.seq > after_seq]

    async def wait_for_events(
        self, chat_id: int, after_seq: int = 0, timeout_s: float = 5.0
    ) -> list[ChatEvent]:
        """The chat's events after `after_seq`, waiting up to timeout_s for one; [] if none."""
        await self._wait_until(lambda: bool(self.events(chat_id, after_seq)), timeout_s)
        return self.events(chat_id, after_seq)

    async def wait_for_message(self, chat_id: int, timeout_s: float = 5.0) -> ChatMessage:
        """The oldest message the bot sent to the chat not yet returned here, waiting for one."""
        chat = self._chat(chat_id)

        def unread() -> ChatEvent | None:
            return next(
                (e for e in chat.events if e.kind == "sent" and e.seq > chat.read_seq), None
            )

        await self._wait_until(lambda: unread() is not None, timeout_s)
        event = unread()
        if event is None:
            raise MessageTimeout(f"The bot sent nothing to chat {chat_id} within {timeout_s} s.")
        chat.read_seq = event.seq
        return self._view(chat, chat.messages[event.message.message_id])

    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self._answers)

    def calls(self, method: str | None = None) -> list[Call]:
        return [c for c in self._calls if method is None or c.method.lower() == method.lower()]

    def clear_calls(self) -> None:
        self._calls.clear()

    # ---- faults and limits ----------------------------------------------------------------

    def add_fault(self, fault: Fault) -> None:
        self._faults.append(fault)

    def clear_faults(self) -> None:
        self._faults.clear()

    def take_fault(self, method: str, chat_id: int | None) -> Fault | None:
        """The first fault matching this call, used up once."""
        for index, fault in enumerate(self._faults):
            if fault.matches(method, chat_id):
                if fault.times is not None:
                    if fault.times <= 1:
                        del self._faults[index]
                    else:
                        self._faults[index] = replace(fault, times=fault.times - 1)
                return fault
        return None

    @property
    def limits(self) -> Limits:
        return self.flood.limits

    def set_limits(self, limits: Limits) -> None:
        self.flood.limits = limits

    # ---- the Bot API side -----------------------------------------------------------------

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Dala",
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def record_call(self, call: Call) -> None:
        self._calls.append(replace(call, seq=len(self._calls) + 1))

    def resolve_chat(self, chat_id: int | str) -> _Chat:
        """The chat a Bot API call names; 400 chat not found, 400 migrated."""
        if isinstance(chat_id, str):
            chat = self._chat_by_username(chat_id)
        else:
            chat = self._chats.get(chat_id)
        if chat is None:
            raise bad_request(errors.CHAT_NOT_FOUND)
        if chat.migrated_to is not None:
            raise ApiError(400, errors.GROUP_MIGRATED, {"migrate_to_chat_id": chat.migrated_to})
        return chat

    def check_reachable(self, chat: _Chat) -> None:
        """403 if the user blocked the bot, is deactivated or never wrote to it."""
        if chat.user_id is None:
            return
        user = self._users[chat.user_id]
        if user.status is UserStatus.BLOCKED:
            raise forbidden(errors.BLOCKED)
        if user.status is UserStatus.DEACTIVATED:
            raise forbidden(errors.DEACTIVATED)
        if user.id not in self._started:
            raise forbidden(errors.CANT_INITIATE)

    def post(
        self, chat: _Chat, kind: str, fields: dict[str, Any], markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Store a message from the bot; returns the Bot API Message."""
        payload = self._new_payload(chat, self.bot_user(), fields)
        if markup is not None:
            payload["reply_markup"] = markup
        stored = _Stored(payload, True, kind, self.clock.now())
        chat.messages[payload["message_id"]] = stored
        self._event(chat, "sent", stored)
        return payload

    def live_message(self, chat: _Chat, message_id: int) -> _Stored | None:
        stored = chat.messages.get(message_id)
        return None if stored is None or stored.deleted else stored

    def edit(
        self, chat: _Chat, stored: _Stored, fields: dict[str, Any], markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Replace content and markup of a stored message; returns the edited Message."""
        payload = dict(stored.payload)
        for name in ("entities", "caption_entities"):
            payload.pop(name, None)
        payload.pop("reply_markup", None)
        payload.update(fields)
        if markup is not None:
            payload["reply_markup"] = markup
        stored.edited_at = self.clock.now()
        payload["edit_date"] = int(stored.edited_at.timestamp())
        stored.payload = payload
        self._event(chat, "edited", stored)
        return payload

    def delete(self, chat: _Chat, stored: _Stored) -> None:
        stored.deleted = True
        self._event(chat, "deleted", stored)

    def answer_query(self, answer: CallbackAnswer) -> None:
        if self._open_queries.pop(answer.callback_query_id, None) is None:
            raise bad_request(errors.QUERY_TOO_OLD)
        self._answers.append(answer)

    async def get_updates(
        self,
        offset: int | None,
        limit: int,
        timeout_s: float,
        allowed: list[str] | None,
        is_gone: Callable[[], bool],
    ) -> list[dict[str, Any]]:
        """Long polling: confirm below offset, then wait up to timeout_s for an update."""
        if self.webhook_url:
            raise ApiError(409, errors.WEBHOOK_CONFLICT)
        if self._poll is not None and not self._poll.is_gone():
            raise ApiError(409, errors.POLL_CONFLICT)
        if self._poll is not None:
            self._poll.superseded.set()
            self._notify()
        poll = self._poll = _Poll(is_gone)
        try:
            if allowed is not None:
                self._allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_TYPES
            self._confirm(offset)
            await self._wait_until(
                lambda: bool(self._updates) or poll.superseded.is_set(),
                min(timeout_s, MAX_POLL_TIMEOUT_S),
            )
            return [update for _, update in self._updates[:limit]]
        finally:
            if self._poll is poll:
                self._poll = None

    def drop_pending_updates(self) -> None:
        self._updates.clear()

    def pending_update_count(self) -> int:
        return len(self._updates)

    def close(self) -> None:
        """Wake every waiter: the server is stopping."""
        self._closing = True
        self._notify()

    # ---- internals ------------------------------------------------------------------------

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            self._updates = self._updates[offset:]
        else:
            self._updates = [(i, u) for i, u in self._updates if i >= offset]

    def _enqueue(self, kind: str, payload: dict[str, Any]) -> None:
        # Like Telegram, allowed_updates filters updates when they are created.
        if kind not in self._allowed_updates:
            return
        update_id = next(self._update_ids)
        self._updates.append((update_id, {"update_id": update_id, kind: payload}))
        self._notify()

    def _user_message(
        self, user_id: int, chat_id: int | None, kind: str, fields: dict[str, Any]
    ) -> ChatMessage:
        user = self.user(user_id)
        if user.status is not UserStatus.ACTIVE:
            raise FakeTelegramError(f"User {user_id} is {user.status}; unblock them first.")
        chat = self._chat(user_id if chat_id is None else chat_id)
        payload = self._new_payload(chat, user.to_telegram(), fields)
        stored = _Stored(payload, False, kind, self.clock.now())
        chat.messages[payload["message_id"]] = stored
        self._started.add(user_id)
        self._enqueue("message", payload)
        return self._view(chat, stored)

    def _new_payload(
        self, chat: _Chat, sender: dict[str, Any], fields: dict[str, Any]
    ) -> dict[str, Any]:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return {
            "message_id": message_id,
            "from": sender,
            "chat": self.chat_object(chat),
            "date": int(self.clock.now().timestamp()),
            **fields,
        }

    def chat_object(self, chat: _Chat) -> dict[str, Any]:
        if chat.user_id is None:
            return {"id": chat.id, "type": chat.type, "title": chat.title}
        user = self._users[chat.user_id].to_telegram()
        user.pop("is_bot")
        user.pop("language_code", None)
        return {**user, "type": "private"}

    def _chat(self, chat_id: int) -> _Chat:
        try:
            return self._chats[chat_id]
        except KeyError:
            raise FakeTelegramError(f"No chat {chat_id}.") from None

    def _chat_by_username(self, name: str) -> _Chat | None:
        if not name.startswith("@"):
            return None
        for user in self._users.values():
            if user.username and f"@{user.username}".lower() == name.lower():
                return self._chats[user.id]
        return None

    def _set_status(self, user_id: int, status: UserStatus, member_status: str) -> None:
        user = self.user(user_id)
        old = "kicked" if user.status is UserStatus.BLOCKED else "member"
        self._users[user_id] = replace(user, status=status)
        bot = {
            k: v
            for k, v in self.bot_user().items()
            if k in ("id", "is_bot", "first_name", "username")
        }
        date = int(self.clock.now().timestamp())
        self._enqueue(
            "my_chat_member",
            {
                "chat": self.chat_object(self._chats[user_id]),
                "from": user.to_telegram(),
                "date": date,
                "old_chat_member": _member(old, bot),
                "new_chat_member": _member(member_status, bot),
            },
        )

    def _event(self, chat: _Chat, kind: str, stored: _Stored) -> None:
        chat.events.append(ChatEvent(next(self._event_seq), kind, self._view(chat, stored)))
        self._notify()

    def _view(self, chat: _Chat, stored: _Stored) -> ChatMessage:
        payload = stored.payload
        document = payload.get("document") or {}
        return ChatMessage(
            chat_id=chat.id,
            message_id=payload["message_id"],
            from_bot=stored.from_bot,
            text=payload.get("text"),
            sent_at=stored.sent_at,
            entities=list(payload.get("entities") or payload.get("caption_entities") or []),
            buttons=buttons_of(payload.get("reply_markup")),
            kind=stored.kind,
            caption=payload.get("caption"),
            file_name=document.get("file_name"),
            edited_at=stored.edited_at,
            deleted=stored.deleted,
        )

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, ready: Callable[[], bool], timeout_s: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while not ready() and not self._closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return


def _member(status: str, bot: dict[str, Any]) -> dict[str, Any]:
    member: dict[str, Any] = {"status": status, "user": bot}
    if status == "kicked":
        member["until_date"] = 0
    return member
