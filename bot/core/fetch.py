"""HTTP fetching for sources: one httpx client, a timeout, a size cap and conditional GET."""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import httpx

from bot.core.errors import FetchError

USER_AGENT = "Dala/0.1 (+news digest bot)"
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5


@dataclass(frozen=True, slots=True)
class Response:
    """What a GET gave: the final URL, status, body and the validators for the next poll."""

    #: The URL after redirects.
    url: str
    status: int
    #: The Content-Type header as sent, charset included; "" when absent.
    content_type: str
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    #: True on 304: the body is empty and the caller keeps what it has.
    not_modified: bool = False


def format_size(n_bytes: int) -> str:
    """A size for error messages: `10 MB`, `512 KB`, `100 bytes`."""
    if n_bytes >= 1024 * 1024:
        return f"{n_bytes / (1024 * 1024):g} MB"
    if n_bytes >= 1024:
        return f"{n_bytes / 1024:g} KB"
    return f"{n_bytes} bytes"


def too_large(max_bytes: int) -> str:
    """Why a body over the cap was not read, naming the setting that sets the cap."""
    return f"larger than {format_size(max_bytes)}, not read (FETCH_MAX_BYTES sets the cap)"


class Fetcher:
    """GETs URLs through one httpx client; every failure becomes a one-line FetchError."""

    def __init__(
        self,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        user_agent: str = USER_AGENT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_s),
            follow_redirects=True,
            max_redirects=max_redirects,
            headers={"User-Agent": user_agent},
            transport=transport,
        )

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        """GET `url`, sending the validators of the previous poll; 304 gives `not_modified`."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        # httpx's timeouts are per read; the deadline also bounds a server that trickles bytes.
        deadline = time.monotonic() + self.timeout_s
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                return self._read(url, response, deadline, etag, last_modified)
        except httpx.TimeoutException as exc:
            raise self._error(url, self._timed_out) from exc
        except httpx.TooManyRedirects as exc:
            raise self._error(url, f"more than {self.max_redirects} redirects") from exc
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise self._error(url, "not an http(s) URL") from exc
        except httpx.ConnectError as exc:
            raise self._error(url, f"cannot connect ({exc})") from exc
        except httpx.HTTPError as exc:
            raise self._error(url, f"request failed ({type(exc).__name__}: {exc})") from exc

    @property
    def _timed_out(self) -> str:
        return f"timed out after {self.timeout_s:g} s (FETCH_TIMEOUT_S sets the limit)"

    def _read(
        self,
        url: str,
        response: httpx.Response,
        deadline: float,
        sent_etag: str | None,
        sent_last_modified: str | None,
    ) -> Response:
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        final_url = str(response.url)
        content_type = response.headers.get("Content-Type", "")
        if response.status_code == httpx.codes.NOT_MODIFIED:
            # A 304 need not repeat the validators; the ones sent stay valid.
            return Response(
                final_url,
                304,
                content_type,
                b"",
                etag or sent_etag,
                last_modified or sent_last_modified,
                not_modified=True,
            )
        if response.status_code >= 400:
            raise self._error(url, f"HTTP {response.status_code} {response.reason_phrase}".strip())
        too_big = too_large(self.max_bytes)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._error(url, too_big)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise self._error(url, too_big)
            if time.monotonic() > deadline:
                raise self._error(url, self._timed_out)
            chunks.append(chunk)
        return Response(
            final_url, response.status_code, content_type, b"".join(chunks), etag, last_modified
        )

    @staticmethod
    def _error(url: str, reason: str) -> FetchError:
        return FetchError(f"{url}: {reason}", source=url, reason=reason)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
