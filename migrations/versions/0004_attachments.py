"""Attachments of questions: photos by Telegram file id, documents' text, transcripts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the attachments table."""
    op.create_table(
        "attachments",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("message_pk", _ID, nullable=False),
        sa.Column("position", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("file_id", sa.String(256), nullable=False),
        sa.Column("file_unique_id", sa.String(64), nullable=True),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("mime_type", sa.String(128), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["message_pk"], ["messages.id"],
                                name="fk_attachments_message_pk_messages", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_attachments"),
    )
    op.create_index("ix_attachments_message", "attachments", ["message_pk", "position"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_attachments_message", table_name="attachments")
    op.drop_table("attachments")
