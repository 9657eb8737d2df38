"""Initial schema: chats, messages, provider states, bot settings.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of the model types: a revision must not change when the models do.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the four tables and their indexes."""
    op.create_table(
        "chats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("chat_type", sa.String(16), nullable=False),
        sa.Column("title", sa.String(255), nullable=True),
        sa.Column("provider", sa.String(32), nullable=True),
        sa.Column("model", sa.String(128), nullable=True),
        sa.Column("system_prompt", sa.Text(), nullable=True),
        sa.Column("conversation", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", STAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", STAMP, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_chats"),
        sa.UniqueConstraint("chat_id", "thread_id", name="uq_chats_chat_id_thread_id"),
    )
    op.create_table(
        "messages",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("chat_pk", sa.Integer(), nullable=False),
        sa.Column("conversation", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=True),
        sa.Column("author_name", sa.String(255), nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column("reply_to_id", sa.BigInteger(), nullable=True),
        sa.Column("provider", sa.String(32), nullable=True),
        sa.Column("model", sa.String(128), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", STAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", STAMP, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_pk"], ["chats.id"], name="fk_messages_chat_pk_chats", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
    )
    op.create_index("ix_messages_history", "messages", ["chat_pk", "conversation", "id"])
    op.create_index(
        "ix_messages_streaming",
        "messages",
        ["status"],
        sqlite_where=sa.text("status = 'streaming'"),
        postgresql_where=sa.text("status = 'streaming'"),
    )
    op.create_table(
        "provider_states",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("last_ok_at", STAMP, nullable=True),
        sa.Column("last_error_at", STAMP, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("first_piece_ms", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("name", name="pk_provider_states"),
    )
    op.create_table(
        "bot_settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_bot_settings"),
    )


def downgrade() -> None:
    """Drop everything ``upgrade`` created, dependants first."""
    op.drop_table("bot_settings")
    op.drop_table("provider_states")
    op.drop_index("ix_messages_streaming", table_name="messages")
    op.drop_index("ix_messages_history", table_name="messages")
    op.drop_table("messages")
    op.drop_table("chats")
