"""Alembic environment: the engine comes from the caller (`storage.db.migrate`)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic` run from the command line: take the URL from alembic.ini / -x
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    engine = sa.create_engine(str(url))

#: Search structures that live only in migration 0002 and raw SQL (storage/search.py), not in
#: the SQLModel tables; autogenerate must not propose dropping them.
SEARCH_OBJECTS = frozenset({"article_fts", "search_vector", "ix_article_search_vector"})


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return not (name or "").startswith(tuple(SEARCH_OBJECTS))


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
