"""An answer's life: pending questions, worker ownership, live checkpoints, token usage.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns and the indexes that find pending questions and usage."""
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("worker", sa.String(64), nullable=True))
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))
        batch.add_column(sa.Column("live_message_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("live_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("prompt_tokens", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("completion_tokens", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("tokens_estimated", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_index("ix_messages_pending", "messages", ["status"],
                    sqlite_where=sa.text("status = 'pending'"),
                    postgresql_where=sa.text("status = 'pending'"))
    op.create_index("ix_messages_usage", "messages", ["author_id", "created_at"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_messages_usage", table_name="messages")
    op.drop_index("ix_messages_pending", table_name="messages")
    with op.batch_alter_table("messages") as batch:
        for column in ("tokens_estimated", "completion_tokens", "prompt_tokens", "live_text",
                       "live_message_id", "language", "worker"):
            batch.drop_column(column)
