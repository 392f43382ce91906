"""What the test API hands out: simulated users, what a chat shows, calls, faults and limits.

Every value converts to and from JSON, so the in-process server and the HTTP client of a
separate process return the same objects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class UserStatus(StrEnum):
    """Whether the bot can reach a simulated user."""

    ACTIVE = "active"
    BLOCKED = "blocked"
    DEACTIVATED = "deactivated"


class FaultKind(StrEnum):
    """A failure the server injects into matching Bot API calls."""

    SERVER_ERROR = "server_error"  # a 5xx envelope (status from Fault.status)
    SLOW = "slow"  # the answer comes after Fault.delay_s, past the client's timeout
    DROP = "drop"  # the connection closes without an answer
    BLOCKED = "blocked"  # 403 Forbidden: bot was blocked by the user
    DEACTIVATED = "deactivated"  # 403 Forbidden: user is deactivated


@dataclass(frozen=True)
class FakeUser:
    """A simulated person; the id of their private chat with the bot is their id."""

    id: int
    first_name: str
    language_code: str | None = None
    username: str | None = None
    last_name: str | None = None
    status: UserStatus = UserStatus.ACTIVE

    def to_telegram(self) -> dict[str, Any]:
        """The Bot API User object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for name in ("last_name", "username", "language_code"):
            if getattr(self, name) is not None:
                user[name] = getattr(self, name)
        return user

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FakeUser:
        return cls(**{**data, "status": UserStatus(data.get("status", "active"))})


@dataclass(frozen=True)
class Button:
    """One inline keyboard button as the user sees it."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ChatMessage:
    """One message in a chat, in its current state (after edits)."""

    chat_id: int
    message_id: int
    from_bot: bool
    text: str | None
    sent_at: datetime
    entities: list[dict[str, Any]] = field(default_factory=list)
    buttons: list[list[Button]] = field(default_factory=list)
    kind: str = "text"  # text, document, photo, sticker
    caption: str | None = None
    file_name: str | None = None
    edited_at: datetime | None = None
    deleted: bool = False

    @property
    def body(self) -> str:
        """Text or caption, whichever the message has."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["sent_at"] = self.sent_at.isoformat()
        data["edited_at"] = self.edited_at.isoformat() if self.edited_at else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChatMessage:
        return cls(
            **{
                **data,
                "sent_at": datetime.fromisoformat(data["sent_at"]),
                "edited_at": (
                    datetime.fromisoformat(data["edited_at"]) if data.get("edited_at") else None
                ),
                "buttons": [[Button(**b) for b in row] for row in data.get("buttons", [])],
            }
        )


@dataclass(frozen=True)
class ChatEvent:
    """Something the bot did to a chat: `sent`, `edited` or `deleted` a message."""

    seq: int
    kind: str
    message: ChatMessage

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "message": self.message.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChatEvent:
        return cls(data["seq"], data["kind"], ChatMessage.from_json(data["message"]))


@dataclass(frozen=True)
class Call:
    """One Bot API request the server answered, accepted or not."""

    seq: int
    method: str
    params: dict[str, Any]
    ok: bool
    at: datetime
    error_code: int | None = None
    description: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "at": self.at.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Call:
        return cls(**{**data, "at": datetime.fromisoformat(data["at"])})


@dataclass(frozen=True)
class CallbackAnswer:
    """The bot's answerCallbackQuery to a button press."""

    callback_query_id: str
    text: str | None = None
    show_alert: bool = False
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CallbackAnswer:
        return cls(**data)


@dataclass(frozen=True)
class Fault:
    """Inject `kind` into the next `times` calls (None: every call) matching method and chat."""

    kind: FaultKind
    method: str | None = None
    chat_id: int | None = None
    times: int | None = 1
    status: int = 500
    delay_s: float = 10.0

    def matches(self, method: str, chat_id: int | None) -> bool:
        method_ok = self.method is None or self.method.lower() == method.lower()
        return method_ok and (self.chat_id is None or self.chat_id == chat_id)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        return cls(**{**data, "kind": FaultKind(data["kind"])})


@dataclass(frozen=True)
class Limits:
    """Flood limits; None turns one off. Defaults are Telegram's, strict per chat."""

    per_chat_interval_s: float | None = 1.0
    per_chat_burst: int = 1  # accepted sends allowed to one chat within the interval
    global_per_second: int | None = 30  # accepted sends within any sliding second
    group_per_minute: int | None = 20
    paid_broadcast_per_second: int = 1000  # overall limit for sends with allow_paid_broadcast

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Limits:
        return cls(**data)

    @classmethod
    def off(cls) -> Limits:
        return cls(None, 1, None, None)
