"""A real HTTP server in a thread for ingest tests, after httpx's conftest `serve_in_thread`.

It serves a folder with chosen content types and honours conditional GET (ETag, Last-Modified).
Fault routes:

- `/500`: answers 500 Internal Server Error;
- `/slow`: answers only once the test releases it (`server.release.set()`, done at shutdown), so
  a client timeout fires without any sleep in the test;
- `/big?bytes=N`: N bytes with a Content-Length; `/big-stream?bytes=N`: N bytes without one;
- `/redirect?to=PATH`: 302 to PATH; `/redirect-loop`: 302 to itself.

Use it as a context manager: `with serve_in_thread(root, content_types) as server: server.url(...)`.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import mimetypes
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

#: The shared real-world corpus: /work/shared/realworld next to the project checkout.
REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld"
#: How long /slow waits at most when nobody releases it.
_SLOW_LIMIT_S = 30.0
_CHUNK = 64 * 1024


@dataclass
class TestServer:
    """A running server: its base URL, the /slow gate and the headers of each request seen."""

    __test__ = False  # not a pytest test class

    base_url: str
    release: threading.Event = field(default_factory=threading.Event)
    requests: list[dict[str, str]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"


def realworld_manifest() -> list[dict[str, object]]:
    """The records of REALWORLD/manifest.json (call only when REALWORLD exists)."""
    records: list[dict[str, object]] = json.loads(
        (REALWORLD / "manifest.json").read_text(encoding="utf-8")
    )
    return records


def realworld_content_types() -> dict[str, str]:
    """Path in REALWORLD → the content type the manifest says to serve it with."""
    return {str(r["path"]): str(r["content_type"]) for r in realworld_manifest()}


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up early (a size cap, a timeout) is expected, not worth a trace."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serve_in_thread(
    root: Path, content_types: Mapping[str, str] | None = None
) -> Iterator[TestServer]:
    """Serve `root` on 127.0.0.1 (a free port) until the block ends."""
    types = dict(content_types or {})
    state = TestServer(base_url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append({k.lower(): v for k, v in self.headers.items()})
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            route = unquote(parts.path).lstrip("/")
            if route == "500":
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b"boom", "text/plain")
            elif route == "slow":
                state.release.wait(_SLOW_LIMIT_S)
                self._send(HTTPStatus.OK, b"late", "text/plain")
            elif route in ("big", "big-stream"):
                self._send_big(int(query.get("bytes", ["0"])[0]), length=route == "big")
            elif route == "redirect":
                self._redirect(query.get("to", ["/"])[0])
            elif route == "redirect-loop":
                self._redirect("/redirect-loop")
            else:
                self._send_file(route)

        def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _send_big(self, size: int, *, length: bool) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html")
            if length:
                self.send_header("Content-Length", str(size))
            self.end_headers()
            sent = 0
            try:
                while sent < size:
                    chunk = b"a" * min(_CHUNK, size - sent)
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading at its cap, as it should

        def _redirect(self, location: str) -> None:
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send_file(self, route: str) -> None:
            path = (root / route).resolve()
            if not path.is_file() or not path.is_relative_to(root.resolve()):
                self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
                return
            body = path.read_bytes()
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            mtime = int(path.stat().st_mtime)
            last_modified = email.utils.formatdate(mtime, usegmt=True)
            if self._not_modified(etag, mtime):
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", last_modified)
                self.end_headers()
                return
            guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", types.get(route, guessed))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
            self.end_headers()
            self.wfile.write(body)

        def _not_modified(self, etag: str, mtime: int) -> bool:
            if_none_match = self.headers.get("If-None-Match")
            if if_none_match is not None:
                return etag in [tag.strip() for tag in if_none_match.split(",")]
            if_modified_since = self.headers.get("If-Modified-Since")
            if if_modified_since:
                since = email.utils.parsedate_to_datetime(if_modified_since).timestamp()
                return mtime <= since
            return False

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep pytest output clean

    server = _QuietServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join()
