"""one subscription per user and topic, and per user and keyword in any letter case

The (user_id, topic_id, keyword) unique constraint of 0001 holds NULLs as distinct, so two
taps on a topic button that race (or two /subscribe of "Lithium" and "lithium") could store
the same subscription twice, and one /unsubscribe then left the other. Duplicates already
stored are removed (the oldest row stays) before the partial unique indexes are built.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        DELETE FROM subscription WHERE id NOT IN (
            SELECT MIN(id) FROM subscription GROUP BY user_id, topic_id, lower(keyword)
        )
        """
    )
    op.create_index(
        "ux_subscription_user_topic",
        "subscription",
        ["user_id", "topic_id"],
        unique=True,
        sqlite_where=sa.text("topic_id IS NOT NULL"),
        postgresql_where=sa.text("topic_id IS NOT NULL"),
    )
    op.create_index(
        "ux_subscription_user_keyword",
        "subscription",
        ["user_id", sa.text("lower(keyword)")],
        unique=True,
        sqlite_where=sa.text("keyword IS NOT NULL"),
        postgresql_where=sa.text("keyword IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ux_subscription_user_keyword", table_name="subscription")
    op.drop_index("ux_subscription_user_topic", table_name="subscription")
