"""ORM models of the bot's storage: chats, messages, provider states and admin settings.

The tables here and ``migrations/versions`` must stay identical; a test compares them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names: the migrations spell the same names, and SQLite's
# batch operations need named constraints to alter them later.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The longest model name stored: providers that take any name must be refused longer ones.
MODEL_NAME_MAX = 128

# SQLite only turns "INTEGER PRIMARY KEY" into an auto-incrementing rowid, not BIGINT.
BigIntPK = BigInteger().with_variant(Integer, "sqlite")


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    PostgreSQL keeps the offset (timestamptz); SQLite stores text without one, so values
    are converted to UTC before writing and tagged as UTC after reading.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Normalise to UTC; a naive datetime is ambiguous, so it is refused."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC timestamp column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime whatever the backend handed back."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _without_nul(value: str | None) -> str | None:
    return value.replace("\x00", "") if value else value


class FreeText(TypeDecorator[str]):
    """Text from users, Telegram or providers: NUL characters are dropped on the way in.

    PostgreSQL refuses NUL in text (``invalid byte sequence for encoding "UTF8"``),
    and the JSON of an update may carry it; SQLite drops it too, so both store the same.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """The value without NUL characters."""
        return _without_nul(value)


class FreeString(TypeDecorator[str]):
    """A :class:`FreeText` of at most ``length`` characters (``VARCHAR(length)``).

    A longer value (a client's file name or MIME type) is cut to fit: PostgreSQL
    refuses it (``value too long for type character varying``), SQLite keeps it
    whole; both keep the same.
    """

    impl = String
    cache_ok = True

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.length = length

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """The value without NUL characters, cut to the column's length."""
        cleaned = _without_nul(value)
        return cleaned[:self.length] if cleaned else cleaned


class MessageRole(StrEnum):
    """Who wrote a stored message."""

    USER = "user"
    ASSISTANT = "assistant"


class MessageStatus(StrEnum):
    """Where a stored message stands.

    Questions: ``pending`` until an answer starts (a stopping worker hands them
    back to ``pending``), then ``complete``; ``declined`` when the bot was busy
    (kept, but never part of a context). Answers: ``streaming`` while written,
    then how they ended.
    """

    COMPLETE = "complete"
    STREAMING = "streaming"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"
    FAILED = "failed"
    CUT = "cut"  # longer than ANSWER_MAX_CHARS: the rest was never read
    PENDING = "pending"
    DECLINED = "declined"


class Base(DeclarativeBase):
    """Declarative base carrying the shared metadata and naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Chat(Base):
    """One conversation place: a chat, or one forum topic of it (``thread_id`` ≠ 0)."""

    __tablename__ = "chats"
    __table_args__ = (UniqueConstraint("chat_id", "thread_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))
    chat_type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(FreeString(255))
    provider: Mapped[str | None] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(FreeString(MODEL_NAME_MAX))
    system_prompt: Mapped[str | None] = mapped_column(FreeText)
    conversation: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=func.now()
    )


class Message(Base):
    """One turn of a chat's history, tagged with the conversation it belongs to."""

    __tablename__ = "messages"
    __table_args__ = (
        # History loads read one chat's current conversation newest-first by id.
        Index("ix_messages_history", "chat_pk", "conversation", "id"),
        # A redelivered update is recognised by its message id (see migration 0002).
        Index("ix_messages_telegram", "chat_pk", "telegram_message_id"),
        # The startup sweep only looks for the few rows still streaming.
        Index(
            "ix_messages_streaming",
            "status",
            sqlite_where=text("status = 'streaming'"),
            postgresql_where=text("status = 'streaming'"),
        ),
        # Questions not answered yet, taken over when their worker is gone.
        Index(
            "ix_messages_pending",
            "status",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        # Token usage of one person over a day or a month (budgets and /usage).
        Index("ix_messages_usage", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    chat_pk: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    conversation: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(FreeText, default="", server_default=text("''"))
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    author_name: Mapped[str | None] = mapped_column(FreeString(255))
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    reply_to_id: Mapped[int | None] = mapped_column(BigInteger)
    provider: Mapped[str | None] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(FreeString(MODEL_NAME_MAX))
    error: Mapped[str | None] = mapped_column(FreeText)
    # The worker process that holds a pending question or writes a streaming answer.
    worker: Mapped[str | None] = mapped_column(String(64))
    # The asker's language, for what is said about a question answered later.
    language: Mapped[str | None] = mapped_column(String(8))
    # The message a streaming answer is growing in, and what it showed at the last
    # checkpoint: after a crash it is edited to say the answer was interrupted.
    live_message_id: Mapped[int | None] = mapped_column(BigInteger)
    live_text: Mapped[str | None] = mapped_column(FreeText)
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    tokens_estimated: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default=false())
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=func.now()
    )


class ProviderState(Base):
    """Admin switch and last observed health of one provider."""

    __tablename__ = "provider_states"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(FreeText)
    first_piece_ms: Mapped[int | None] = mapped_column(Integer)


class BotSetting(Base):
    """A bot-wide value chosen by admins, such as ``default_provider``."""

    __tablename__ = "bot_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(FreeText)


class AttachmentKind(StrEnum):
    """What a user attached to a question."""

    PHOTO = "photo"  # also an image sent as a file
    DOCUMENT = "document"  # text, PDF or DOCX: its text was extracted
    VOICE = "voice"  # voice notes, audio and round videos: transcribed


class Attachment(Base):
    """A file that came with a question: a photo (sent again by file id) or extracted text."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_message", "message_pk", "position"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    message_pk: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    kind: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str] = mapped_column(FreeString(256))
    file_unique_id: Mapped[str | None] = mapped_column(FreeString(64))
    name: Mapped[str | None] = mapped_column(FreeString(255))
    mime_type: Mapped[str | None] = mapped_column(FreeString(128))
    size: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str | None] = mapped_column(FreeText)  # a document's text, a transcript
