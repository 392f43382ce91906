"""The topic ids of the taxonomy, mirrored in the database for foreign keys."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from storage.tables import Topic


def sync(session: Session, topics: Iterable[tuple[str, str]]) -> None:
    """Insert new topic ids and refresh names; topics removed from the data stay (links keep)."""
    stored = {t.id: t for t in session.exec(select(Topic)).all()}
    for topic_id, name_en in topics:
        row = stored.get(topic_id)
        if row is None:
            session.add(Topic(id=topic_id, name_en=name_en))
        elif row.name_en != name_en:
            row.name_en = name_en
            session.add(row)
