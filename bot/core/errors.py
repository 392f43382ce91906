"""The one exception tree of Dala. Each error carries a message key and its arguments,
so the edge (CLI or Telegram) can say it in the user's language."""

from __future__ import annotations

from typing import Any


class DalaError(Exception):
    """Base of every error Dala raises on purpose."""

    key = "error.generic"

    def __init__(self, message: str, *, key: str | None = None, **args: Any) -> None:
        super().__init__(message)
        self.message = message
        if key is not None:
            self.key = key
        self.args_map: dict[str, Any] = args

    def __str__(self) -> str:
        return self.message


class ConfigError(DalaError):
    """A setting is missing or malformed."""

    key = "error.config"


class SourceError(DalaError):
    """A source could not be read: unreachable, too large, not a feed or page, undecodable."""

    key = "error.source"


class FetchError(SourceError):
    """An HTTP fetch failed: timeout, connection error, error status, size cap."""

    key = "error.fetch"


class ParseError(SourceError):
    """A source was fetched but its content is not something Dala can read."""

    key = "error.parse"


class TaxonomyError(DalaError):
    """The topic taxonomy data is malformed."""

    key = "error.taxonomy"


class StorageError(DalaError):
    """The database could not be reached or refused a write."""

    key = "error.storage"


class UserInputError(DalaError):
    """A user typed something we cannot use; the message says the right form."""

    key = "error.input"
