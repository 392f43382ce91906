"""Shared fixtures: a real store on a SQLite file and on the running PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.core.analysis import Analyzer
from bot.services import topics
from bot.services.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = ROOT / "seeds"
POSTGRES_URL = os.environ.get(
    "DALA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
    except Exception as exc:  # any failure to connect means: skip (or fail on CI)
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


_PG_PROBLEM: str | bool | None = False  # False: not probed yet


def postgres_url_or_skip() -> str:
    """A URL to a fresh schema of the test PostgreSQL; skips without one (fails under CI)."""
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = _postgres_reachable()
    if _PG_PROBLEM:
        reason = f"PostgreSQL at {POSTGRES_URL} is not reachable ({_PG_PROBLEM})"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must test against PostgreSQL")
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


def drop_schema(url: str) -> None:
    schema = url.rsplit("%3D", 1)[1]
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    engine.dispose()


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer.load()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for an empty database: a SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'dala.db'}"
        return
    url = postgres_url_or_skip()
    try:
        yield url
    finally:
        drop_schema(url)


@pytest.fixture
def store(db_url: str, analyzer: Analyzer) -> Iterator[Store]:
    """A migrated store with the taxonomy's topics, on each backend."""
    s = Store.open(db_url)
    topics.sync(s, analyzer.taxonomy)
    yield s
    s.close()
