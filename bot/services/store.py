"""The store: one engine, migrated on open, handing out read and write sessions to services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy.exc
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.core.errors import StorageError
from storage import db


@dataclass(frozen=True)
class Store:
    engine: Engine

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Store:
        """Connect to `url` and bring its schema up to date."""
        try:
            engine = db.make_engine(url)
            if migrate:
                db.migrate(engine)
        except sqlalchemy.exc.ArgumentError as exc:
            raise StorageError(
                f"DATABASE_URL {_safe(url)!r} is not a SQLAlchemy URL; use "
                "sqlite:////abs/path/dala.db or postgresql+psycopg://user@host/db"
            ) from exc
        except sqlalchemy.exc.OperationalError as exc:
            raise StorageError(
                f"cannot open the database {_safe(url)}: {exc.orig or exc}. "
                "Check DATABASE_URL and that the server is running."
            ) from exc
        return cls(engine)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with db.session_scope(self.engine) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with db.session_scope(self.engine, write=True) as session:
            yield session

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()


def _safe(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return sqlalchemy.engine.make_url(url).render_as_string(hide_password=True)
    except sqlalchemy.exc.ArgumentError:
        return url.split("@")[-1]
