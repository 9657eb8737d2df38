"""Storage layer: SQLAlchemy models, engine, repositories (which never commit), migrations."""

from bot.db.admin import ProviderStateRepository, SettingsRepository
from bot.db.attachments import AttachmentRecord, AttachmentRepository
from bot.db.chats import ChatRepository
from bot.db.engine import Sessions, create_engine, create_session_factory
from bot.db.messages import MessageRepository, TokenCount
from bot.db.migrate import downgrade, upgrade
from bot.db.models import (
    Attachment,
    AttachmentKind,
    Base,
    BotSetting,
    Chat,
    Message,
    MessageRole,
    MessageStatus,
    ProviderState,
)
from bot.db.usage import UsageLine, UsageRepository

__all__ = [
    "Attachment",
    "AttachmentKind",
    "AttachmentRecord",
    "AttachmentRepository",
    "Base",
    "BotSetting",
    "Chat",
    "ChatRepository",
    "Message",
    "MessageRepository",
    "MessageRole",
    "MessageStatus",
    "ProviderState",
    "ProviderStateRepository",
    "Sessions",
    "SettingsRepository",
    "TokenCount",
    "UsageLine",
    "UsageRepository",
    "create_engine",
    "create_session_factory",
    "downgrade",
    "upgrade",
]
