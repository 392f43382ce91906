"""The store: migrations, time zones, SQLite settings (issue #3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.exc import StatementError

from bot.core.errors import StorageError
from bot.services.store import Store
from storage import db, sources
from storage.tables import Source


def test_migrations_apply_twice_without_change(db_url: str) -> None:
    Store.open(db_url).close()
    store = Store.open(db_url)
    with store.read() as session:
        version = session.exec(sa.text("SELECT version_num FROM alembic_version")).one()
    head = ScriptDirectory.from_config(db.alembic_config(store.engine)).get_current_head()
    assert version[0] == head
    store.close()


def test_sqlite_store_uses_wal(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'x.db'}")
    with store.read() as session:
        mode = session.exec(sa.text("PRAGMA journal_mode")).one()[0]
    assert mode == "wal"


def test_datetimes_come_back_aware_utc(store: Store) -> None:
    almaty = timezone(timedelta(hours=5))
    at = datetime(2025, 11, 20, 9, 30, tzinfo=almaty)
    with store.write() as session:
        src = sources.get_or_create(session, kind="feed", locator="https://example.org/rss")
        sources.record_success(session, src, now=at)
    with store.read() as session:
        got = session.get(Source, src.id)
        assert got is not None and got.last_ok_at is not None
        assert got.last_ok_at == at
        assert got.last_ok_at.tzinfo is not None
        assert got.last_ok_at.utcoffset() == timedelta(0)


def test_naive_datetime_is_refused(store: Store) -> None:
    with pytest.raises(StatementError, match="naive datetime"), store.write() as session:
        src = sources.get_or_create(session, kind="feed", locator="https://example.org/a")
        src.last_fetch_at = datetime(2025, 1, 1)
        session.flush()


def test_failing_source_backs_off_and_keeps_its_error(store: Store) -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with store.write() as session:
        src = sources.get_or_create(session, kind="feed", locator="https://example.org/b")
        sources.record_failure(session, src, now=now, error="HTTP 500")
        sources.record_failure(session, src, now=now, error="HTTP 500")
    assert src.error_count == 2
    assert src.last_error == "HTTP 500"
    assert src.next_fetch_at is not None and src.next_fetch_at > now + timedelta(minutes=30)


def test_bad_database_url_says_what_to_use() -> None:
    with pytest.raises(StorageError, match="not a SQLAlchemy URL"):
        Store.open("dala.db")


def test_unreachable_postgres_says_to_check_the_url() -> None:
    with pytest.raises(StorageError, match="Check DATABASE_URL") as caught:
        Store.open("postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    assert "secret" not in str(caught.value)
