"""Structured logging over the standard library, with the bot token kept out of every line.

structlog renders both our events and third-party records (python-telegram-bot, httpx, alembic),
so everything shares one format. The token is part of every Bot API URL, so httpx and httpcore are
held at WARNING (they log each request URL at INFO) and a redaction step removes anything shaped
like a bot token from every line as a second line of defence.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

#: Telegram bot tokens look like `123456789:AA...` (the bot id, a colon, 35 URL-safe characters).
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
REDACTED = "[REDACTED]"


class _Redactor:
    def __init__(self) -> None:
        self.secrets: list[str] = []

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_PATTERN.sub(REDACTED, text)


_redactor = _Redactor()


def add_secret(secret: str | None) -> None:
    """Redact this exact string from every log line too (any token, whatever its shape)."""
    if secret and secret not in _redactor.secrets:
        _redactor.secrets.append(secret)


def redact(text: str) -> str:
    return _redactor.redact(text)


def _redact_processor(
    _logger: Any, _name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in event_dict.items():
        if isinstance(value, str):
            event_dict[key] = _redactor.redact(value)
    return event_dict


_HANDLER_NAME = "dala"


def _install_record_redaction() -> None:
    """Redact every record as it is created, so no handler (ours, pytest's, a log shipper's)
    ever sees the token, whichever library logged it and however it formats."""
    current = logging.getLogRecordFactory()
    if getattr(current, "dala_redacting", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        if isinstance(record.msg, str) or record.args:
            try:
                message = record.getMessage()
            except (TypeError, ValueError):
                return record  # a malformed call; logging reports it as it always does
            record.msg = _redactor.redact(message)
            record.args = None
        return record

    factory.dala_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


class _RedactingFormatter(structlog.stdlib.ProcessorFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return _redactor.redact(super().format(record))


def setup(level: str = "INFO", fmt: str = "console") -> None:
    """Configure structlog and the standard library once, at start-up."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _redact_processor,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        _RedactingFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=shared,
        )
    )
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if h.get_name() != _HANDLER_NAME] + [handler]
    root.setLevel(level)
    _install_record_redaction()
    # httpx logs every request URL, token included, at INFO; PTB logs it at DEBUG.
    noisy_at_info = (
        "httpx",
        "httpcore",
        "telegram.request",
        "apscheduler",
        "alembic.runtime.plugins",
    )
    for noisy in noisy_at_info:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # trafilatura reports every short page as an ERROR; a short page is not an error for us.
    for chatty in ("trafilatura", "htmldate", "courlan", "justext"):
        logging.getLogger(chatty).setLevel(logging.CRITICAL)


def get(name: str) -> Any:
    return structlog.get_logger(name)
