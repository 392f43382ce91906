"""Repository functions for users and their subscriptions."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, col, delete, select

from storage.tables import Delivery, Subscription, User


def get(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def create(session: Session, user: User) -> User:
    session.add(user)
    session.flush()
    return user


def subscriptions(session: Session, user_id: int) -> list[Subscription]:
    return list(
        session.exec(
            select(Subscription)
            .where(Subscription.user_id == user_id)
            .order_by(col(Subscription.id))
        ).all()
    )


def subscriptions_of(session: Session, user_ids: Sequence[int]) -> dict[int, list[Subscription]]:
    found: dict[int, list[Subscription]] = {uid: [] for uid in user_ids}
    if not user_ids:
        return found
    rows = session.exec(
        select(Subscription)
        .where(col(Subscription.user_id).in_(user_ids))
        .order_by(col(Subscription.id))
    ).all()
    for sub in rows:
        found[sub.user_id].append(sub)
    return found


def find_subscription(
    session: Session, user_id: int, *, topic_id: str | None = None, keyword: str | None = None
) -> Subscription | None:
    query = select(Subscription).where(Subscription.user_id == user_id)
    if topic_id is not None:
        query = query.where(Subscription.topic_id == topic_id)
    else:
        query = query.where(sa.func.lower(Subscription.keyword) == (keyword or "").lower())
    return session.exec(query).first()


def count_keywords(session: Session, user_id: int) -> int:
    return session.exec(
        select(sa.func.count())
        .select_from(Subscription)
        .where(Subscription.user_id == user_id, col(Subscription.keyword).is_not(None))
    ).one()


def forget(session: Session, user_id: int) -> None:
    """Delete every row about the user."""
    session.exec(delete(Delivery).where(col(Delivery.user_id) == user_id))
    session.exec(delete(Subscription).where(col(Subscription.user_id) == user_id))
    session.exec(delete(User).where(col(User.id) == user_id))


def alert_subscribers(session: Session, topic_ids: Sequence[str]) -> list[User]:
    """Active readers with alerts on who follow any of these topics."""
    followers = select(Subscription.user_id).where(col(Subscription.topic_id).in_(topic_ids))
    return list(
        session.exec(
            select(User).where(
                col(User.alerts),
                col(User.active),
                sa.not_(col(User.paused)),
                col(User.id).in_(followers),
            )
        ).all()
    )
