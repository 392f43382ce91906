"""The bot token never reaches a log line (issue #3, STYLE: logging)."""

from __future__ import annotations

import logging

import pytest
import structlog

from bot import log

TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture(autouse=True)
def _setup_logging(capsys: pytest.CaptureFixture[str]) -> None:
    # After capsys, so the handler writes to the captured stderr.
    log.setup("DEBUG", "console")
    log.add_secret(TOKEN)


def test_structlog_events_have_the_token_redacted() -> None:
    with structlog.testing.capture_logs(
        processors=[log._redact_processor]  # the same step the configured chain runs
    ) as captured:
        log.get("test").info("request.sent", url=f"https://api.telegram.org/bot{TOKEN}/getMe")
    assert captured
    assert TOKEN not in str(captured)


def test_stdlib_lines_from_libraries_have_the_token_redacted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    logging.getLogger("telegram.ext.Updater").warning(
        "POST https://api.telegram.org/bot%s/getUpdates failed", TOKEN
    )
    err = capsys.readouterr().err
    assert "getUpdates failed" in err
    assert TOKEN not in err
    assert log.REDACTED in err


def test_httpx_request_lines_are_not_logged_at_info(capsys: pytest.CaptureFixture[str]) -> None:
    logging.getLogger("httpx").info('HTTP Request: POST https://x/bot%s/getMe "200 OK"', TOKEN)
    assert "HTTP Request" not in capsys.readouterr().err


def test_a_token_of_any_shape_given_as_secret_is_redacted() -> None:
    log.add_secret("plain-secret-value")
    assert "plain-secret-value" not in log.redact("token=plain-secret-value")
