"""The HTTP side: the Bot API at /bot<token>/<method>, the test API at /_fake/..., and a
server object that runs either in a background thread (tests) or as the process's loop."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, Self, TypeVar

from aiohttp import web

from bot.fakebot import errors
from bot.fakebot.clock import Clock, SystemClock
from bot.fakebot.errors import ApiError, FakeTelegramError
from bot.fakebot.methods import HANDLERS, not_implemented
from bot.fakebot.models import (
    Call,
    CallbackAnswer,
    ChatEvent,
    ChatMessage,
    FakeUser,
    Fault,
    FaultKind,
    Limits,
)
from bot.fakebot.spec import ApiSpec, UploadedFile
from bot.fakebot.world import MessageTimeout, World

log = logging.getLogger(__name__)
T = TypeVar("T")
UserRef = FakeUser | int
DEFAULT_BOT_ID = 7_000_000_001
_WORLD = web.AppKey("world", World)


def _user_id(user: UserRef) -> int:
    return user.id if isinstance(user, FakeUser) else user


class BotApi:
    """aiohttp handlers of the Bot API, checking each call against the spec and logging it."""

    def __init__(self, world: World, spec: ApiSpec, token: str | None, strict: bool) -> None:
        self.world = world
        self.spec = spec
        self.token = token
        self.strict = strict

    async def handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        raw: dict[str, Any] = {}
        params: dict[str, Any] | None = None
        try:
            token = request.match_info["token"]
            if self.token is not None and token != self.token:
                raise ApiError(401, errors.INVALID_TOKEN)
            self._name_bot(token)
            spec = self.spec.method(method)
            if spec is None:
                raise ApiError(404, errors.METHOD_NOT_FOUND)
            method = spec.name
            raw = await _read_params(request)
            fault = self.world.take_fault(method, _chat_id_of(raw))
            if fault is not None:
                dropped = await self._inject(fault, request)
                if dropped is not None:
                    self._record(method, raw, None, ApiError(0, "connection dropped"))
                    return dropped
            params = self.spec.parse_params(spec, raw, strict=self.strict)
            result = await self._dispatch(method, params, request)
        except ApiError as exc:
            self._record(method, raw, params, exc)
            return web.json_response(exc.envelope(), status=exc.error_code)
        self._record(method, raw, params, None)
        return web.json_response({"ok": True, "result": result})

    def _name_bot(self, token: str) -> None:
        """With no configured token, the first one used names the bot (its id is the prefix)."""
        if self.token is None:
            self.token = token
            prefix = token.split(":", 1)[0]
            if prefix.isdigit():
                self.world.bot_id = int(prefix)

    async def _dispatch(self, method: str, params: dict[str, Any], request: web.Request) -> Any:
        if method == "getUpdates":
            transport = request.transport

            def is_gone() -> bool:
                return transport is None or transport.is_closing()

            limit = min(max(params.get("limit", 100), 1), 100)
            return await self.world.get_updates(
                params.get("offset"),
                limit,
                float(params.get("timeout", 0)),
                params.get("allowed_updates"),
                is_gone,
            )
        handler = HANDLERS.get(method)
        if handler is None:
            raise not_implemented(method)
        return await handler(self.world, params)

    async def _inject(self, fault: Fault, request: web.Request) -> web.StreamResponse | None:
        """Apply a fault: raise its ApiError, sleep, or drop the connection (returned)."""
        if fault.kind is FaultKind.SLOW:
            await asyncio.sleep(fault.delay_s)
            return None
        if fault.kind is FaultKind.DROP:
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=500)
        if fault.kind is FaultKind.BLOCKED:
            raise ApiError(403, errors.BLOCKED)
        if fault.kind is FaultKind.DEACTIVATED:
            raise ApiError(403, errors.DEACTIVATED)
        raise ApiError(fault.status, errors.SERVER_ERRORS.get(fault.status, "Server Error"))

    def _record(
        self,
        method: str,
        raw: dict[str, Any],
        params: dict[str, Any] | None,
        error: ApiError | None,
    ) -> None:
        shown = params if params is not None else raw
        self.world.record_call(
            Call(
                seq=0,
                method=method,
                params={k: _json_safe(v) for k, v in shown.items()},
                ok=error is None,
                at=self.world.clock.now(),
                error_code=None if error is None else error.error_code,
                description=None if error is None else error.description,
            )
        )


async def _read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError as exc:
            raise ApiError(400, "Bad Request: can't parse JSON object") from exc
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: can't parse JSON object")
        params.update(body)
        return params
    form = await request.post()
    for name, value in form.items():
        if isinstance(value, web.FileField):
            content = value.file.read()
            params[name] = UploadedFile(value.filename, value.content_type, len(content))
        else:
            params[name] = value
    return params


def _chat_id_of(raw: dict[str, Any]) -> int | None:
    try:
        return int(raw["chat_id"])
    except (KeyError, TypeError, ValueError):
        return None


def _json_safe(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        return {"filename": value.filename, "size": value.size}
    return value


class TestApi:
    """aiohttp handlers of the JSON test API under /_fake/ that drive the simulated people."""

    __test__ = False  # not a pytest class

    def __init__(self, world: World) -> None:
        self.world = world

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/_fake/users", self.create_user),
            web.get("/_fake/users/{user_id}", self.get_user),
            web.post("/_fake/users/{user_id}/send", self.send),
            web.post("/_fake/users/{user_id}/photo", self.send_photo),
            web.post("/_fake/users/{user_id}/sticker", self.send_sticker),
            web.post("/_fake/users/{user_id}/press", self.press),
            web.post("/_fake/users/{user_id}/block", self.block),
            web.post("/_fake/users/{user_id}/unblock", self.unblock),
            web.post("/_fake/users/{user_id}/deactivate", self.deactivate),
            web.post("/_fake/groups", self.create_group),
            web.post("/_fake/groups/{chat_id}/migrate", self.migrate_group),
            web.get("/_fake/chats/{chat_id}/messages", self.messages),
            web.get("/_fake/chats/{chat_id}/messages/{message_id}", self.message),
            web.get("/_fake/chats/{chat_id}/events", self.events),
            web.post("/_fake/chats/{chat_id}/wait", self.wait_for_message),
            web.get("/_fake/callback_answers", self.callback_answers),
            web.get("/_fake/calls", self.calls),
            web.delete("/_fake/calls", self.clear_calls),
            web.post("/_fake/faults", self.add_fault),
            web.delete("/_fake/faults", self.clear_faults),
            web.get("/_fake/limits", self.get_limits),
            web.put("/_fake/limits", self.set_limits),
        ]

    async def create_user(self, request: web.Request) -> web.Response:
        body = await _body(request)
        user = self.world.create_user(
            body.get("first_name", "Test"),
            body.get("language_code", "en"),
            username=body.get("username"),
            last_name=body.get("last_name"),
        )
        return web.json_response(user.to_json())

    async def get_user(self, request: web.Request) -> web.Response:
        return web.json_response(self.world.user(_int(request, "user_id")).to_json())

    async def send(self, request: web.Request) -> web.Response:
        body = await _body(request)
        message = self.world.send_text(_int(request, "user_id"), body["text"], body.get("chat_id"))
        return web.json_response(message.to_json())

    async def send_photo(self, request: web.Request) -> web.Response:
        body = await _body(request)
        message = self.world.send_photo(
            _int(request, "user_id"), body.get("caption"), body.get("chat_id")
        )
        return web.json_response(message.to_json())

    async def send_sticker(self, request: web.Request) -> web.Response:
        body = await _body(request)
        message = self.world.send_sticker(
            _int(request, "user_id"), body.get("emoji", "👍"), body.get("chat_id")
        )
        return web.json_response(message.to_json())

    async def press(self, request: web.Request) -> web.Response:
        body = await _body(request)
        query_id = self.world.press_button(
            _int(request, "user_id"),
            int(body["message_id"]),
            str(body["button"]),
            body.get("chat_id"),
        )
        return web.json_response({"callback_query_id": query_id})

    async def block(self, request: web.Request) -> web.Response:
        self.world.block(_int(request, "user_id"))
        return web.json_response({})

    async def unblock(self, request: web.Request) -> web.Response:
        self.world.unblock(_int(request, "user_id"))
        return web.json_response({})

    async def deactivate(self, request: web.Request) -> web.Response:
        self.world.deactivate(_int(request, "user_id"))
        return web.json_response({})

    async def create_group(self, request: web.Request) -> web.Response:
        body = await _body(request)
        chat_id = self.world.create_group(body["title"], [int(i) for i in body["member_ids"]])
        return web.json_response({"chat_id": chat_id})

    async def migrate_group(self, request: web.Request) -> web.Response:
        return web.json_response({"chat_id": self.world.migrate_group(_int(request, "chat_id"))})

    async def messages(self, request: web.Request) -> web.Response:
        include_user = request.query.get("include_user", "") in ("1", "true")
        found = self.world.messages(_int(request, "chat_id"), include_user=include_user)
        return web.json_response([m.to_json() for m in found])

    async def message(self, request: web.Request) -> web.Response:
        found = self.world.message(_int(request, "chat_id"), _int(request, "message_id"))
        return web.json_response(found.to_json())

    async def events(self, request: web.Request) -> web.Response:
        chat_id = _int(request, "chat_id")
        after = int(request.query.get("after", "0"))
        timeout_s = float(request.query.get("timeout_s", "0"))
        found = await self.world.wait_for_events(chat_id, after, timeout_s)
        return web.json_response([e.to_json() for e in found])

    async def wait_for_message(self, request: web.Request) -> web.Response:
        body = await _body(request)
        message = await self.world.wait_for_message(
            _int(request, "chat_id"), float(body.get("timeout_s", 5.0))
        )
        return web.json_response(message.to_json())

    async def callback_answers(self, request: web.Request) -> web.Response:
        return web.json_response([a.to_json() for a in self.world.callback_answers()])

    async def calls(self, request: web.Request) -> web.Response:
        found = self.world.calls(request.query.get("method"))
        return web.json_response([c.to_json() for c in found])

    async def clear_calls(self, request: web.Request) -> web.Response:
        self.world.clear_calls()
        return web.json_response({})

    async def add_fault(self, request: web.Request) -> web.Response:
        self.world.add_fault(Fault.from_json(await _body(request)))
        return web.json_response({})

    async def clear_faults(self, request: web.Request) -> web.Response:
        self.world.clear_faults()
        return web.json_response({})

    async def get_limits(self, request: web.Request) -> web.Response:
        return web.json_response(self.world.limits.to_json())

    async def set_limits(self, request: web.Request) -> web.Response:
        self.world.set_limits(Limits.from_json(await _body(request)))
        return web.json_response(self.world.limits.to_json())


@web.middleware
async def _test_api_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Test-API failures as JSON: 408 for a wait that timed out, 400 for a bad request."""
    try:
        return await handler(request)
    except MessageTimeout as exc:
        return web.json_response({"error": str(exc), "timeout": True}, status=408)
    except FakeTelegramError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    except (KeyError, TypeError, ValueError) as exc:
        if not request.path.startswith("/_fake/"):
            raise
        return web.json_response({"error": f"bad test API request: {exc!r}"}, status=400)


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    body = await request.json()
    if not isinstance(body, dict):
        raise FakeTelegramError("The test API takes a JSON object.")
    return body


def _int(request: web.Request, name: str) -> int:
    return int(request.match_info[name])


def build_app(world: World, spec: ApiSpec, token: str | None, strict: bool) -> web.Application:
    """The aiohttp application serving both APIs over one World."""
    bot_api = BotApi(world, spec, token, strict)
    test_api = TestApi(world)
    app = web.Application(middlewares=[_test_api_errors], client_max_size=64 * 1024 * 1024)
    app[_WORLD] = world
    app.add_routes(test_api.routes())
    app.router.add_route("*", "/bot{token}/{method}", bot_api.handle)
    return app


class FakeTelegram:
    """A fake Bot API server with a synchronous test API.

    `start()` runs it in a background thread with its own event loop (for pytest); every
    test-API method is safe to call from any other thread. Use as a context manager.
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        limits: Limits | None = None,
        clock: Clock | None = None,
        api_json: Path | None = None,
        strict_params: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.token = token
        self.spec = ApiSpec.load(api_json)
        self.clock = clock or SystemClock()
        self._limits = limits or Limits()
        self._strict = strict_params
        self._host = host
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._world: World | None = None
        self.url = ""

    # ---- life cycle -----------------------------------------------------------------------

    @property
    def bot_api_url(self) -> str:
        """python-telegram-bot's base_url (and TELEGRAM_API_URL): the token follows it."""
        return f"{self.url}/bot"

    @property
    def file_url(self) -> str:
        return f"{self.url}/file/bot"

    @property
    def world(self) -> World:
        if self._world is None:
            raise FakeTelegramError("The fake Telegram server is not running.")
        return self._world

    async def start_async(self) -> None:
        """Serve on the running loop (the process form)."""
        bot_id = DEFAULT_BOT_ID
        if self.token and self.token.split(":", 1)[0].isdigit():
            bot_id = int(self.token.split(":", 1)[0])
        self._world = World(self.clock, self._limits, bot_id, "dala_fake_bot")
        app = build_app(self._world, self.spec, self.token, self._strict)
        # Cancel a handler when its client disconnects, so an abandoned long poll ends at once.
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=0.5
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        site = web.SockSite(self._runner, sock)
        await site.start()
        host, port = sock.getsockname()[:2]
        self.url = f"http://{host}:{port}"

    async def stop_async(self) -> None:
        if self._world is not None:
            self._world.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def start(self) -> Self:
        """Run in a daemon thread with its own event loop; returns when it accepts requests."""
        started = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self.start_async())
            except BaseException as exc:
                failure.append(exc)
                started.set()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self.stop_async())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-telegram", daemon=True)
        self._thread.start()
        started.wait()
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop = None
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self, fn: Callable[[], T]) -> T:
        async def call() -> T:
            return fn()

        return self._run_coro(call())

    def _run_coro(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            coro.close()
            raise FakeTelegramError("The fake Telegram server is not running in a thread.")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    # ---- the test API ---------------------------------------------------------------------

    def create_user(
        self,
        first_name: str = "Test",
        language_code: str | None = "en",
        *,
        username: str | None = None,
        last_name: str | None = None,
        user_id: int | None = None,
    ) -> FakeUser:
        return self._run(
            lambda: self.world.create_user(
                first_name, language_code, username=username, last_name=last_name, user_id=user_id
            )
        )

    def user(self, user: UserRef) -> FakeUser:
        return self._run(lambda: self.world.user(_user_id(user)))

    def send(self, user: UserRef, text: str, *, chat_id: int | None = None) -> ChatMessage:
        """The user sends text; a leading /command gets a bot_command entity."""
        return self._run(lambda: self.world.send_text(_user_id(user), text, chat_id))

    def send_photo(
        self, user: UserRef, caption: str | None = None, *, chat_id: int | None = None
    ) -> ChatMessage:
        return self._run(lambda: self.world.send_photo(_user_id(user), caption, chat_id))

    def send_sticker(
        self, user: UserRef, emoji: str = "👍", *, chat_id: int | None = None
    ) -> ChatMessage:
        return self._run(lambda: self.world.send_sticker(_user_id(user), emoji, chat_id))

    def press(
        self, user: UserRef, message_id: int, button: str, *, chat_id: int | None = None
    ) -> str:
        """Press the inline button with this text (or callback_data); returns the query id."""
        return self._run(
            lambda: self.world.press_button(_user_id(user), message_id, button, chat_id)
        )

    def block(self, user: UserRef) -> None:
        self._run(lambda: self.world.block(_user_id(user)))

    def unblock(self, user: UserRef) -> None:
        self._run(lambda: self.world.unblock(_user_id(user)))

    def deactivate(self, user: UserRef) -> None:
        self._run(lambda: self.world.deactivate(_user_id(user)))

    def create_group(self, title: str, members: list[UserRef]) -> int:
        return self._run(lambda: self.world.create_group(title, [_user_id(m) for m in members]))

    def migrate_group(self, chat_id: int) -> int:
        return self._run(lambda: self.world.migrate_group(chat_id))

    def messages(self, chat_id: int, *, include_user: bool = False) -> list[ChatMessage]:
        return self._run(lambda: self.world.messages(chat_id, include_user=include_user))

    def message(self, chat_id: int, message_id: int) -> ChatMessage:
        return self._run(lambda: self.world.message(chat_id, message_id))

    def events(self, chat_id: int, after_seq: int = 0, timeout_s: float = 0.0) -> list[ChatEvent]:
        """Sends, edits and deletes in the chat after `after_seq`, waiting up to timeout_s."""
        return self._run_coro(self.world.wait_for_events(chat_id, after_seq, timeout_s))

    def wait_for_message(self, chat_id: int, timeout_s: float = 5.0) -> ChatMessage:
        """The next message the bot sent to the chat (each returned once); MessageTimeout."""
        return self._run_coro(self.world.wait_for_message(chat_id, timeout_s))

    async def wait_for_message_async(self, chat_id: int, timeout_s: float = 5.0) -> ChatMessage:
        """wait_for_message for async tests whose loop runs the bot."""
        return await asyncio.to_thread(self.wait_for_message, chat_id, timeout_s)

    def callback_answers(self) -> list[CallbackAnswer]:
        return self._run(self.world.callback_answers)

    def calls(self, method: str | None = None) -> list[Call]:
        return self._run(lambda: self.world.calls(method))

    def clear_calls(self) -> None:
        self._run(self.world.clear_calls)

    def add_fault(self, fault: Fault) -> None:
        self._run(lambda: self.world.add_fault(fault))

    def clear_faults(self) -> None:
        self._run(self.world.clear_faults)

    def limits(self) -> Limits:
        return self._run(lambda: self.world.limits)

    def set_limits(self, limits: Limits) -> None:
        self._run(lambda: self.world.set_limits(limits))


async def serve(server: FakeTelegram, on_ready: Callable[[str], None]) -> None:
    """Run `server` on this loop until cancelled; `on_ready` gets its URL."""
    await server.start_async()
    on_ready(server.url)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop_async()
