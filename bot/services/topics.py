"""Keeps the database's topic ids in step with the taxonomy data."""

from __future__ import annotations

from bot.core.models import Lang
from bot.core.topics import Taxonomy
from bot.services.store import Store
from storage import topics


def sync(store: Store, taxonomy: Taxonomy) -> None:
    """Insert the taxonomy's topic ids (a new topic is a data edit: nothing else to do)."""
    with store.write() as session:
        topics.sync(session, [(t.id, t.names.get(Lang.EN, t.id)) for t in taxonomy.topics])
