"""Text from Telegram and providers is stored on every backend, NUL characters and all.

PostgreSQL refuses NUL (``\\x00``) in text (``invalid byte sequence for encoding
"UTF8": 0x00``) and a string longer than its ``VARCHAR``; the JSON of an update
may carry either. Free-text columns drop NULs and cut what is too long on the
way in, on SQLite too, so both backends store the same.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import (
    AttachmentKind,
    AttachmentRecord,
    AttachmentRepository,
    ChatRepository,
    MessageRepository,
    MessageRole,
    ProviderStateRepository,
)

Sessions = async_sessionmaker[AsyncSession]


async def test_nul_characters_are_dropped_from_free_text(session_factory: Sessions) -> None:
    async with session_factory() as session:
        chats = ChatRepository(session)
        chat = await chats.get_or_create(-5, chat_type="supergroup", title="a\x00b")
        await chats.set_system_prompt(chat, "be\x00 brief")
        await chats.set_model(chat, "vitalentum", "any\x00model")
        message = await MessageRepository(session).add(
            chat, role=MessageRole.USER, text="\x00hi\x00", author_name="Ann\x00")
        await AttachmentRepository(session).add(message.id, [AttachmentRecord(
            AttachmentKind.DOCUMENT, "file-1", name="a\x00.txt", mime_type="text/\x00plain",
            text="line\x00one")])
        await ProviderStateRepository(session).record_error("openai", "HTTP 500: \x00")
        await session.commit()
    async with session_factory() as session:
        stored_chat = await ChatRepository(session).get(-5)
        assert stored_chat is not None
        assert (stored_chat.title, stored_chat.system_prompt, stored_chat.model) == (
            "ab", "be brief", "anymodel")
        stored = await MessageRepository(session).get(message.id)
        assert stored is not None
        assert (stored.text, stored.author_name) == ("hi", "Ann")
        [attachment] = (await AttachmentRepository(session).of([message.id]))[message.id]
        assert (attachment.name, attachment.mime_type, attachment.text) == (
            "a.txt", "text/plain", "lineone")
        states = await ProviderStateRepository(session).all()
        assert states["openai"].last_error == "HTTP 500: "


async def test_client_strings_longer_than_their_column_are_cut(session_factory: Sessions) -> None:
    async with session_factory() as session:
        chat = await ChatRepository(session).get_or_create(-6, chat_type="supergroup")
        message = await MessageRepository(session).add(chat, role=MessageRole.USER, text="hi")
        await AttachmentRepository(session).add(message.id, [AttachmentRecord(
            AttachmentKind.DOCUMENT, "file-2", name="n" * 300 + ".txt",
            mime_type="x/" + "y" * 200)])
        await session.commit()
    async with session_factory() as session:
        [attachment] = (await AttachmentRepository(session).of([message.id]))[message.id]
        assert attachment.name == "n" * 255
        assert attachment.mime_type == "x/" + "y" * 126
