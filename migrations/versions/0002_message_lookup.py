"""Find a stored question by its Telegram message id (redelivered updates).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index messages by chat and Telegram message id."""
    op.create_index("ix_messages_telegram", "messages", ["chat_pk", "telegram_message_id"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_messages_telegram", table_name="messages")
