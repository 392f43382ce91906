"""A client of the fake server's HTTP test API, for a process that did not start the server
(the end-to-end tests, the sandbox). Same method names and results as FakeTelegram."""

from __future__ import annotations

from typing import Any, Self

import httpx

from bot.fakebot.errors import FakeTelegramError
from bot.fakebot.models import (
    Call,
    CallbackAnswer,
    ChatEvent,
    ChatMessage,
    FakeUser,
    Fault,
    Limits,
)
from bot.fakebot.world import MessageTimeout

UserRef = FakeUser | int


def _user_id(user: UserRef) -> int:
    return user.id if isinstance(user, FakeUser) else user


class FakeTelegramClient:
    """Drives a fake Telegram server at `url` (e.g. http://127.0.0.1:8081) over /_fake/."""

    def __init__(self, url: str, *, timeout_s: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=f"{self.url}/_fake", timeout=timeout_s)

    @property
    def bot_api_url(self) -> str:
        return f"{self.url}/bot"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(
        self, method: str, path: str, body: dict[str, Any] | None = None, **kw: Any
    ) -> Any:
        try:
            response = self._http.request(method, path, json=body, **kw)
        except httpx.HTTPError as exc:
            raise FakeTelegramError(f"The fake Telegram at {self.url} is unreachable.") from exc
        data = response.json()
        if response.status_code == 408:
            raise MessageTimeout(data["error"])
        if response.status_code != 200:
            raise FakeTelegramError(data.get("error", response.text))
        return data

    def create_user(
        self,
        first_name: str = "Test",
        language_code: str | None = "en",
        *,
        username: str | None = None,
        last_name: str | None = None,
    ) -> FakeUser:
        body = {
            "first_name": first_name,
            "language_code": language_code,
            "username": username,
            "last_name": last_name,
        }
        return FakeUser.from_json(self._request("POST", "/users", body))

    def user(self, user: UserRef) -> FakeUser:
        return FakeUser.from_json(self._request("GET", f"/users/{_user_id(user)}"))

    def send(self, user: UserRef, text: str, *, chat_id: int | None = None) -> ChatMessage:
        body = {"text": text, "chat_id": chat_id}
        return ChatMessage.from_json(self._request("POST", f"/users/{_user_id(user)}/send", body))

    def send_photo(
        self, user: UserRef, caption: str | None = None, *, chat_id: int | None = None
    ) -> ChatMessage:
        body = {"caption": caption, "chat_id": chat_id}
        return ChatMessage.from_json(self._request("POST", f"/users/{_user_id(user)}/photo", body))

    def send_sticker(
        self, user: UserRef, emoji: str = "👍", *, chat_id: int | None = None
    ) -> ChatMessage:
        body = {"emoji": emoji, "chat_id": chat_id}
        return ChatMessage.from_json(
            self._request("POST", f"/users/{_user_id(user)}/sticker", body)
        )

    def press(
        self, user: UserRef, message_id: int, button: str, *, chat_id: int | None = None
    ) -> str:
        body = {"message_id": message_id, "button": button, "chat_id": chat_id}
        answer = self._request("POST", f"/users/{_user_id(user)}/press", body)
        return str(answer["callback_query_id"])

    def block(self, user: UserRef) -> None:
        self._request("POST", f"/users/{_user_id(user)}/block")

    def unblock(self, user: UserRef) -> None:
        self._request("POST", f"/users/{_user_id(user)}/unblock")

    def deactivate(self, user: UserRef) -> None:
        self._request("POST", f"/users/{_user_id(user)}/deactivate")

    def create_group(self, title: str, members: list[UserRef]) -> int:
        body = {"title": title, "member_ids": [_user_id(m) for m in members]}
        return int(self._request("POST", "/groups", body)["chat_id"])

    def migrate_group(self, chat_id: int) -> int:
        return int(self._request("POST", f"/groups/{chat_id}/migrate")["chat_id"])

    def messages(self, chat_id: int, *, include_user: bool = False) -> list[ChatMessage]:
        params = {"include_user": "1" if include_user else "0"}
        found = self._request("GET", f"/chats/{chat_id}/messages", params=params)
        return [ChatMessage.from_json(m) for m in found]

    def message(self, chat_id: int, message_id: int) -> ChatMessage:
        return ChatMessage.from_json(
            self._request("GET", f"/chats/{chat_id}/messages/{message_id}")
        )

    def events(self, chat_id: int, after_seq: int = 0, timeout_s: float = 0.0) -> list[ChatEvent]:
        params = {"after": str(after_seq), "timeout_s": str(timeout_s)}
        found = self._request(
            "GET", f"/chats/{chat_id}/events", params=params, timeout=timeout_s + 10
        )
        return [ChatEvent.from_json(e) for e in found]

    def wait_for_message(self, chat_id: int, timeout_s: float = 5.0) -> ChatMessage:
        found = self._request(
            "POST", f"/chats/{chat_id}/wait", {"timeout_s": timeout_s}, timeout=timeout_s + 10
        )
        return ChatMessage.from_json(found)

    def callback_answers(self) -> list[CallbackAnswer]:
        return [CallbackAnswer.from_json(a) for a in self._request("GET", "/callback_answers")]

    def calls(self, method: str | None = None) -> list[Call]:
        params = {"method": method} if method else {}
        return [Call.from_json(c) for c in self._request("GET", "/calls", params=params)]

    def clear_calls(self) -> None:
        self._request("DELETE", "/calls")

    def add_fault(self, fault: Fault) -> None:
        self._request("POST", "/faults", fault.to_json())

    def clear_faults(self) -> None:
        self._request("DELETE", "/faults")

    def limits(self) -> Limits:
        return Limits.from_json(self._request("GET", "/limits"))

    def set_limits(self, limits: Limits) -> None:
        self._request("PUT", "/limits", limits.to_json())
