"""HTTP fetching (issue 3): timeouts, error statuses, the size cap, redirects, conditional GET."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.errors import FetchError
from bot.core.fetch import USER_AGENT, Fetcher

from .httpserver import serve_in_thread

DATA_FILE = "article-with-scripts.html"


@pytest.fixture(scope="module")
def server():
    with serve_in_thread(Path(__file__).resolve().parent / "data") as running:
        yield running


def test_get_returns_body_content_type_and_validators(server):
    with Fetcher() as fetcher:
        response = fetcher.get(server.url(DATA_FILE))
    assert response.status == 200
    assert response.content_type.startswith("text/html")
    assert b"Sejm" in response.body
    assert response.etag and response.last_modified


def test_get_sends_the_dala_user_agent(server):
    with Fetcher() as fetcher:
        fetcher.get(server.url(DATA_FILE))
    assert server.requests[-1]["user-agent"] == USER_AGENT


def test_304_is_not_modified_not_an_error(server):
    with Fetcher() as fetcher:
        first = fetcher.get(server.url(DATA_FILE))
        again = fetcher.get(server.url(DATA_FILE), etag=first.etag)
    assert again.not_modified
    assert again.body == b""
    assert again.etag == first.etag


def test_timeout_gives_a_fetch_error_saying_so(server):
    with Fetcher(timeout_s=0.2) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(server.url("slow"))
    assert str(caught.value) == (
        f"{server.url('slow')}: timed out after 0.2 s (FETCH_TIMEOUT_S sets the limit)"
    )
    server.release.set()


def test_http_500_gives_a_fetch_error_with_the_status(server):
    with Fetcher() as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(server.url("500"))
    assert str(caught.value) == f"{server.url('500')}: HTTP 500 Internal Server Error"


def test_missing_page_gives_http_404(server):
    with Fetcher() as fetcher, pytest.raises(FetchError, match="HTTP 404 Not Found"):
        fetcher.get(server.url("nothing-here.html"))


def test_declared_length_over_the_cap_is_refused(server):
    url = server.url("big?bytes=5000")
    with Fetcher(max_bytes=1024) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(url)
    assert str(caught.value) == f"{url}: larger than 1 KB, not read (FETCH_MAX_BYTES sets the cap)"


def test_streamed_body_over_the_cap_is_refused(server):
    with Fetcher(max_bytes=100_000) as fetcher, pytest.raises(FetchError, match="not read"):
        fetcher.get(server.url("big-stream?bytes=3000000"))


def test_redirect_is_followed_and_the_final_url_kept(server):
    with Fetcher() as fetcher:
        response = fetcher.get(server.url(f"redirect?to=/{DATA_FILE}"))
    assert response.url == server.url(DATA_FILE)


def test_redirect_loop_stops_at_the_cap(server):
    with Fetcher(max_redirects=3) as fetcher, pytest.raises(FetchError, match="more than 3"):
        fetcher.get(server.url("redirect-loop"))


def test_refused_connection_gives_a_fetch_error():
    with Fetcher(timeout_s=2) as fetcher, pytest.raises(FetchError, match="cannot connect"):
        fetcher.get("http://127.0.0.1:9/feed.xml")


def test_non_http_url_gives_a_fetch_error():
    with Fetcher() as fetcher, pytest.raises(FetchError, match="not an http"):
        fetcher.get("ftp://example.com/feed.xml")
