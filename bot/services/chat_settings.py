"""Per-conversation settings: model choice, system prompt, new conversations, migrations."""

from __future__ import annotations

from dataclasses import dataclass

from bot.coordination.base import ChatKey
from bot.db import ChatRepository, Sessions
from bot.services.providers import ProviderControl
from providers.registry import Choice


class PromptTooLong(ValueError):
    """A system prompt over the configured limit."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"{length} > {limit}")
        self.length = length
        self.limit = limit


@dataclass(frozen=True, slots=True)
class ChatView:
    """A conversation's effective settings."""

    choice: Choice
    system_prompt: str | None
    chose_model: bool  # False: the bot-wide default applies


class ChatSettingsService:
    """Reads and changes one conversation's settings, each in its own transaction."""

    def __init__(self, db: Sessions, control: ProviderControl, *, prompt_limit: int) -> None:
        self._db = db
        self._control = control
        self.prompt_limit = prompt_limit

    async def view(self, key: ChatKey) -> ChatView:
        """The provider/model in effect and the system prompt."""
        async with self._db.read() as session:
            chat = await ChatRepository(session).get(key.chat_id, key.thread_id)
        provider, model = (chat.provider, chat.model) if chat else (None, None)
        return ChatView(self._control.choice_for(provider, model),
                        chat.system_prompt if chat else None, chose_model=bool(provider))

    async def set_model(self, key: ChatKey, choice: Choice, *, chat_type: str) -> None:
        """Remember the conversation's provider and model."""
        async with self._db.write() as session, session.begin():
            chats = ChatRepository(session)
            chat = await chats.get_or_create(key.chat_id, key.thread_id, chat_type=chat_type)
            await chats.set_model(chat, choice.provider, choice.model)

    async def set_system_prompt(self, key: ChatKey, prompt: str | None, *, chat_type: str) -> None:
        """Set (or with None remove) the system prompt; over the limit raises PromptTooLong."""
        if prompt is not None and len(prompt) > self.prompt_limit:
            raise PromptTooLong(len(prompt), self.prompt_limit)
        async with self._db.write() as session, session.begin():
            chats = ChatRepository(session)
            chat = await chats.get_or_create(key.chat_id, key.thread_id, chat_type=chat_type)
            await chats.set_system_prompt(chat, prompt)

    async def new_conversation(self, key: ChatKey, *, chat_type: str) -> None:
        """Start a fresh conversation: earlier messages stay stored but leave the context."""
        async with self._db.write() as session, session.begin():
            chats = ChatRepository(session)
            chat = await chats.get_or_create(key.chat_id, key.thread_id, chat_type=chat_type)
            await chats.new_conversation(chat)

    async def migrate(self, old_chat_id: int, new_chat_id: int) -> int:
        """Move a group's history and settings to its new supergroup id."""
        async with self._db.write() as session, session.begin():
            return await ChatRepository(session).migrate_chat(old_chat_id, new_chat_id)
