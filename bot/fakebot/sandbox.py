"""A terminal chat with the bot through the fake server: type as a user, read the answers.

Buttons are listed with numbers; typing a number presses one. `/quit` or end of input ends.
`python -m bot sandbox` starts the server (`start_server`), the bot, then `run_chat`.
"""

from __future__ import annotations

from typing import Protocol, TextIO

from bot.fakebot.errors import FakeTelegramError
from bot.fakebot.models import ChatEvent, ChatMessage, FakeUser, Limits
from bot.fakebot.server import FakeTelegram


class ChatDriver(Protocol):
    """What the chat needs of a fake Telegram: FakeTelegram or FakeTelegramClient."""

    def send(
        self, user: FakeUser | int, text: str, *, chat_id: int | None = None
    ) -> ChatMessage: ...

    def press(
        self, user: FakeUser | int, message_id: int, button: str, *, chat_id: int | None = None
    ) -> str: ...

    def events(
        self, chat_id: int, after_seq: int = 0, timeout_s: float = 0.0
    ) -> list[ChatEvent]: ...


def start_server(*, port: int = 0, limits: Limits | None = None) -> FakeTelegram:
    """A fake Telegram running in a background thread; stop() it when done."""
    return FakeTelegram(port=port, limits=limits).start()


def run_chat(
    client: ChatDriver,
    user: FakeUser,
    stdin: TextIO,
    stdout: TextIO,
    *,
    first_reply_s: float = 10.0,
    quiet_s: float = 0.5,
) -> None:
    """Chat as `user` until /quit or EOF. After each line, show what the bot does, waiting up
    to first_reply_s for its first reaction and then until it has been quiet for quiet_s."""
    chat = _Chat(client, user, stdout)
    stdout.write(
        f"You are {user.first_name} ({user.language_code or 'no language'}). "
        "Type a message, a number to press a button, /quit to leave.\n"
    )
    chat.seen = max((e.seq for e in client.events(user.id)), default=0)
    while True:
        stdout.write("> ")
        stdout.flush()
        line = stdin.readline()
        if not line or line.strip() == "/quit":
            stdout.write("\n")
            return
        text = line.rstrip("\n")
        if not text.strip():
            continue
        try:
            chat.act(text)
        except FakeTelegramError as exc:
            stdout.write(f"! {exc}\n")
            continue
        chat.show_reaction(first_reply_s, quiet_s)


class _Chat:
    def __init__(self, client: ChatDriver, user: FakeUser, out: TextIO) -> None:
        self.client = client
        self.user = user
        self.out = out
        self.seen = 0
        self.buttons: dict[int, tuple[int, str]] = {}

    def act(self, text: str) -> None:
        number = int(text.strip()) if text.strip().isdigit() else None
        if number is not None and number in self.buttons:
            message_id, label = self.buttons[number]
            self.out.write(f"(pressed [{label}])\n")
            self.client.press(self.user, message_id, label)
        else:
            self.client.send(self.user, text)

    def show_reaction(self, first_reply_s: float, quiet_s: float) -> None:
        wait_s = first_reply_s
        while events := self.client.events(self.user.id, self.seen, wait_s):
            for event in events:
                self.show(event)
                self.seen = event.seq
            wait_s = quiet_s

    def show(self, event: ChatEvent) -> None:
        message = event.message
        if event.kind == "deleted":
            self.out.write("(the bot deleted a message)\n")
            return
        label = "bot (edited)" if event.kind == "edited" else "bot"
        body = message.body
        if message.kind == "document":
            body = f"[file {message.file_name}] {body}".rstrip()
        elif message.kind == "photo":
            body = f"[photo] {body}".rstrip()
        self.out.write(f"{label}: {body}\n")
        if message.buttons:
            self.buttons = {}
            row_texts = []
            for row in message.buttons:
                cells = []
                for button in row:
                    number = len(self.buttons) + 1
                    self.buttons[number] = (message.message_id, button.text)
                    cells.append(f"[{number}] {button.text}")
                row_texts.append("  ".join(cells))
            self.out.write("".join(f"    {row}\n" for row in row_texts))
