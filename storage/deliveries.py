"""Deliveries and claims: what each reader got, and which process sends whose digest."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.tables import Cursor, Delivery, User


def record(
    session: Session, user_id: int, article_ids: Iterable[int], *, kind: str, now: datetime
) -> None:
    """Record articles as delivered; an article already recorded for the user is left as is."""
    rows = [
        {"user_id": user_id, "article_id": a, "kind": kind, "delivered_at": now}
        for a in sorted(set(article_ids))
    ]
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(Delivery).on_conflict_do_nothing(index_elements=["user_id", "article_id"])
    # Rows as parameters (executemany), not as one VALUES list: the statement then compiles
    # once, whatever the number of articles (5x faster for a 180-article digest).
    session.execute(stmt, rows)


def delivered(session: Session, user_ids: Sequence[int], since_id: int) -> dict[int, set[int]]:
    """For each user, the ids of articles (id > since_id) already delivered to them."""
    found: dict[int, set[int]] = {u: set() for u in user_ids}
    if not user_ids:
        return found
    rows = session.execute(
        sa.select(col(Delivery.user_id), col(Delivery.article_id)).where(
            col(Delivery.user_id).in_(user_ids), col(Delivery.article_id) > since_id
        )
    ).all()
    for user_id, article_id in rows:
        found[user_id].add(article_id)
    return found


def sent_since(session: Session, since: datetime) -> int:
    """Distinct readers who received a digest since `since` (for /stats)."""
    return session.exec(
        select(sa.func.count(sa.distinct(col(Delivery.user_id)))).where(
            col(Delivery.delivered_at) >= since, Delivery.kind == "digest"
        )
    ).one()


def claim_due(
    session: Session, *, now: datetime, limit: int, worker: str, lease: timedelta
) -> list[User]:
    """Claim up to `limit` readers whose digest is due and not claimed by a live process.

    On PostgreSQL the rows are locked with FOR UPDATE SKIP LOCKED, so processes claiming at the
    same moment get disjoint sets; on SQLite the write lock taken at BEGIN does the same.
    The claim is a lease: a process that dies lets it lapse and the reader is claimed again.
    """
    query = (
        select(User)
        .where(
            col(User.active),
            sa.not_(col(User.paused)),
            col(User.next_digest_at) <= now,
            sa.or_(col(User.claimed_until).is_(None), col(User.claimed_until) < now),
        )
        .order_by(col(User.next_digest_at))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    users = list(session.exec(query).all())
    for user in users:
        user.claimed_until = now + lease
        user.claimed_by = worker
        session.add(user)
    session.flush()
    return users


def finish(
    session: Session,
    user_id: int,
    *,
    worker: str,
    sent_at: datetime | None,
    next_at: datetime | None,
) -> bool:
    """Release a claim: the digest was sent (or there was nothing) and the next one is due at
    `next_at`. False when the claim was lost to another process meanwhile."""
    user = session.get(User, user_id)
    if user is None or user.claimed_by != worker:
        return False
    if sent_at is not None:
        user.last_digest_at = sent_at
    user.next_digest_at = next_at
    user.claimed_until = None
    user.claimed_by = None
    session.add(user)
    return True


def postpone(session: Session, user_id: int, *, worker: str, until: datetime) -> None:
    """Release a claim without sending: the reader stays due and is claimed again after `until`."""
    user = session.get(User, user_id)
    if user is not None and user.claimed_by == worker:
        user.claimed_until = until
        user.claimed_by = None
        session.add(user)


def renew(session: Session, *, worker: str, user_ids: Sequence[int], until: datetime) -> int:
    """Extend to `until` the claims `worker` still holds on these readers (the ones it is
    sending to right now, not every reader it ever claimed); returns how many it holds."""
    if not user_ids:
        return 0
    result = session.execute(
        sa.update(User)
        .where(col(User.claimed_by) == worker, col(User.id).in_(list(user_ids)))
        .values(claimed_until=until)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def cursor(session: Session, name: str) -> int:
    row = session.get(Cursor, name)
    return row.value if row else 0


def set_cursor(session: Session, name: str, value: int) -> None:
    row = session.get(Cursor, name) or Cursor(name=name)
    row.value = max(row.value, value)
    session.add(row)
