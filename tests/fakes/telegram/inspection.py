"""What tests look at: the calls the fake received and what users of a chat see."""

from __future__ import annotations

import asyncio

from tests.fakes.telegram.records import Call, FakeMessage
from tests.fakes.telegram.state import TelegramState


class Inspection(TelegramState):
    """Read-only views of the fake's log and chats, for assertions."""

    def calls(self, method: str | None = None, *, chat_id: int | None = None) -> list[Call]:
        """Recorded calls, optionally of one method (any case) and/or one chat."""
        return [
            c
            for c in self.log
            if (method is None or c.method.lower() == method.lower())
            and (chat_id is None or c.chat_id == chat_id)
        ]

    @property
    def count_429(self) -> int:
        """How many calls were answered with 429."""
        return sum(1 for c in self.log if c.status == 429)

    def errors(self) -> list[Call]:
        """Every call that was not answered with success."""
        return [c for c in self.log if c.status != 200]

    def messages(
        self, chat_id: int, *, from_bot: bool | None = True, include_deleted: bool = False
    ) -> list[FakeMessage]:
        """Messages of a chat in order (the bot's by default)."""
        return [
            m
            for m in self._messages.get(chat_id, {}).values()
            if (from_bot is None or m.from_bot == from_bot) and (include_deleted or not m.deleted)
        ]

    def visible_texts(self, chat_id: int) -> list[str]:
        """The texts of the bot's messages a user of this chat sees now, in order."""
        return [m.text for m in self.messages(chat_id)]

    def draft(self, chat_id: int) -> str | None:
        """The draft text shown in a private chat (None once the bot sent a message)."""
        entry = self._drafts.get(chat_id)
        return None if entry is None else entry[1]

    async def next_call(self) -> None:
        """Wait until the fake receives one more call (of any method)."""
        self._called.clear()
        await self._called.wait()

    async def wait_calls(
        self, method: str, count: int = 1, *, chat_id: int | None = None, timeout: float = 10.0
    ) -> list[Call]:
        """Wait (real time, event-driven) until ``count`` calls of ``method`` arrived."""
        async with asyncio.timeout(timeout):
            while len(found := self.calls(method, chat_id=chat_id)) < count:
                self._called.clear()
                await self._called.wait()
        return found
