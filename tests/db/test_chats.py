"""ChatRepository: creation (also racing), settings, conversations, group migration."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import Chat, ChatRepository, Message, MessageRepository, MessageRole
from tests.db.conftest import Database

Sessions = async_sessionmaker[AsyncSession]


async def _chat_rows(factory: Sessions) -> list[tuple[int, int, str]]:
    async with factory() as session:
        result = await session.execute(
            select(Chat.chat_id, Chat.thread_id, Chat.chat_type).order_by(Chat.id)
        )
        return [(row.chat_id, row.thread_id, row.chat_type) for row in result]


async def _texts(session: AsyncSession, chat: Chat) -> list[str]:
    return [m.text for m in await MessageRepository(session).recent(chat, limit=100)]


async def test_get_unknown_chat_is_none(session: AsyncSession) -> None:
    """A chat the bot has never seen has no row."""
    assert await ChatRepository(session).get(42) is None


async def test_get_or_create_creates_once_with_defaults(session_factory: Sessions) -> None:
    """First contact creates the row; later calls return the same row."""
    async with session_factory() as session:
        chats = ChatRepository(session)
        chat = await chats.get_or_create(-100, chat_type="group", title="Team")
        assert chat.id is not None
        assert (chat.thread_id, chat.conversation) == (0, 1)
        assert (chat.provider, chat.model, chat.system_prompt) == (None,) * 3
        again = await chats.get_or_create(-100, chat_type="group", title="Team")
        assert again is chat
        await session.commit()
    async with session_factory() as session:
        stored = await ChatRepository(session).get(-100)
        assert stored is not None
        assert (stored.id, stored.chat_type, stored.title) == (chat.id, "group", "Team")


async def test_get_or_create_refreshes_the_title_only(session_factory: Sessions) -> None:
    """A renamed group shows its new title; a bare lookup changes nothing else."""
    async with session_factory() as session:
        chats = ChatRepository(session)
        chat = await chats.get_or_create(-5, chat_type="group", title="Old")
        await chats.set_system_prompt(chat, "be brief")
        await chats.get_or_create(-5, chat_type="group", title="New")
        await chats.get_or_create(-5)  # defaults: neither "private" nor a missing title
        await session.commit()
    async with session_factory() as session:
        stored = await ChatRepository(session).get(-5)
        assert stored is not None
        assert (stored.id, stored.chat_type, stored.title, stored.system_prompt) == (
            chat.id,
            "group",
            "New",
            "be brief",
        )


async def test_forum_topics_are_separate_chats(session: AsyncSession) -> None:
    """Each topic of a forum has its own row; thread 0 is the chat without a topic."""
    chats = ChatRepository(session)
    general = await chats.get_or_create(-7, chat_type="supergroup")
    topic = await chats.get_or_create(-7, 12, chat_type="supergroup")
    assert general.id != topic.id
    assert await chats.get(-7, 12) is topic
    assert await chats.get(-7, 13) is None


async def test_nothing_is_committed_by_the_repository(session_factory: Sessions) -> None:
    """The caller owns the transaction: a rollback undoes a get_or_create."""
    async with session_factory() as session:
        await ChatRepository(session).get_or_create(1)
        await session.rollback()
    assert await _chat_rows(session_factory) == []


async def test_concurrent_first_messages_share_one_chat(session_factory: Sessions) -> None:
    """Several first messages at once all end up in the same chat row."""

    async def first_message(n: int) -> int:
        async with session_factory() as session:
            chat = await ChatRepository(session).get_or_create(99, chat_type="group")
            await MessageRepository(session).add(chat, role=MessageRole.USER, text=f"m{n}")
            await session.commit()
            return chat.id

    ids = await asyncio.gather(*(first_message(n) for n in range(8)))
    assert len(set(ids)) == 1
    assert await _chat_rows(session_factory) == [(99, 0, "group")]
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Message)) == 8


async def test_race_loser_reads_the_winners_row(
    database: Database, session_factory: Sessions
) -> None:
    """B looks up, finds nothing, inserts while A's insert is uncommitted: B gets A's row."""
    async with session_factory() as first, session_factory() as second:
        winner = await ChatRepository(first).get_or_create(7, title="A")
        loser_task = asyncio.create_task(ChatRepository(second).get_or_create(7, title="A"))
        await database.wait_for_lock_waiter()  # B is blocked inside its INSERT
        await first.commit()
        loser = await loser_task
        # The failed INSERT was undone alone: B's transaction carries on.
        await MessageRepository(second).add(loser, role=MessageRole.USER, text="hello")
        await second.commit()
    assert loser.id == winner.id
    assert await _chat_rows(session_factory) == [(7, 0, "private")]


async def test_insert_conflict_falls_back_to_existing_row(
    session_factory: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row appears between lookup and insert: the unique key error is absorbed."""
    async with session_factory() as session:
        existing = await ChatRepository(session).get_or_create(8, title="first")
        await session.commit()

    original_get = ChatRepository.get
    calls = 0

    async def get_missing_once(
        self: ChatRepository, chat_id: int, thread_id: int = 0
    ) -> Chat | None:
        nonlocal calls
        calls += 1
        return None if calls == 1 else await original_get(self, chat_id, thread_id)

    monkeypatch.setattr(ChatRepository, "get", get_missing_once)
    async with session_factory() as session:
        chat = await ChatRepository(session).get_or_create(8)
        await MessageRepository(session).add(chat, role=MessageRole.USER, text="still fine")
        await session.commit()
    assert chat.id == existing.id
    assert calls == 2


async def test_settings_persist_and_clear(session_factory: Sessions) -> None:
    """/model and /system survive a new session; None clears them."""
    async with session_factory() as session:
        chats = ChatRepository(session)
        chat = await chats.get_or_create(1)
        await chats.set_model(chat, "openai", "gpt-4o-mini")
        await chats.set_system_prompt(chat, "You are terse.")
        await session.commit()
    async with session_factory() as session:
        chats = ChatRepository(session)
        chat = await chats.get_or_create(1)
        assert (chat.provider, chat.model) == ("openai", "gpt-4o-mini")
        assert chat.system_prompt == "You are terse."
        await chats.set_model(chat, None, None)
        await chats.set_system_prompt(chat, None)
        await session.commit()
    async with session_factory() as session:
        chat = await ChatRepository(session).get_or_create(1)
        assert (chat.provider, chat.model, chat.system_prompt) == (None,) * 3


async def test_new_conversation_hides_earlier_messages(session_factory: Sessions) -> None:
    """/reset: the counter goes up and history starts empty; old messages remain stored."""
    async with session_factory() as session:
        chats, messages = ChatRepository(session), MessageRepository(session)
        chat = await chats.get_or_create(1)
        await messages.add(chat, role=MessageRole.USER, text="before")
        await chats.new_conversation(chat)
        assert chat.conversation == 2
        assert await _texts(session, chat) == []
        await messages.add(chat, role=MessageRole.USER, text="after")
        await session.commit()
    async with session_factory() as session:
        chat = await ChatRepository(session).get_or_create(1)
        assert chat.conversation == 2
        assert await _texts(session, chat) == ["after"]
        assert await session.scalar(select(func.count()).select_from(Message)) == 2


async def test_new_conversation_counts_concurrent_resets(session_factory: Sessions) -> None:
    """Two /reset at once both count (the increment happens in SQL)."""
    async with session_factory() as session:
        await ChatRepository(session).get_or_create(1)
        await session.commit()

    async def reset() -> None:
        async with session_factory() as session:
            chats = ChatRepository(session)
            chat = await chats.get_or_create(1)
            await chats.new_conversation(chat)
            await session.commit()

    await asyncio.gather(reset(), reset())
    async with session_factory() as session:
        chat = await ChatRepository(session).get(1)
        assert chat is not None
        assert chat.conversation == 3


async def test_migrate_chat_moves_every_topic(session_factory: Sessions) -> None:
    """Group → supergroup: all rows move with their settings and history."""
    async with session_factory() as session:
        chats = ChatRepository(session)
        main = await chats.get_or_create(-1, chat_type="group", title="G")
        topic = await chats.get_or_create(-1, 5, chat_type="group", title="G")
        await chats.set_system_prompt(main, "pirate")
        await MessageRepository(session).add(main, role=MessageRole.USER, text="in main")
        await MessageRepository(session).add(topic, role=MessageRole.USER, text="in topic")
        await chats.get_or_create(-2, chat_type="group")  # an unrelated group stays
        assert await chats.migrate_chat(-1, -1001) == 2
        await session.commit()

    assert await _chat_rows(session_factory) == [
        (-1001, 0, "supergroup"),
        (-1001, 5, "supergroup"),
        (-2, 0, "group"),
    ]
    async with session_factory() as session:
        chats = ChatRepository(session)
        moved_main = await chats.get(-1001)
        moved_topic = await chats.get(-1001, 5)
        assert moved_main is not None
        assert moved_topic is not None
        assert moved_main.system_prompt == "pirate"
        assert await _texts(session, moved_main) == ["in main"]
        assert await _texts(session, moved_topic) == ["in topic"]


async def test_migrate_chat_merges_into_an_existing_row(session_factory: Sessions) -> None:
    """The supergroup was already used: histories join, the new row's settings win."""
    async with session_factory() as session:
        chats, messages = ChatRepository(session), MessageRepository(session)
        old = await chats.get_or_create(-1, chat_type="group", title="Old name")
        await messages.add(old, role=MessageRole.USER, text="forgotten")
        await chats.new_conversation(old)
        await messages.add(old, role=MessageRole.USER, text="old 1")
        await messages.add(old, role=MessageRole.ASSISTANT, text="old 2")
        await chats.set_model(old, "openai", "gpt-4o")
        await chats.set_system_prompt(old, "old prompt")

        new = await chats.get_or_create(-1001, chat_type="supergroup")
        await chats.set_system_prompt(new, "new prompt")
        await messages.add(new, role=MessageRole.USER, text="new 1")
        await session.commit()

    async with session_factory() as session:
        assert await ChatRepository(session).migrate_chat(-1, -1001) == 1
        await session.commit()

    assert await _chat_rows(session_factory) == [(-1001, 0, "supergroup")]
    async with session_factory() as session:
        merged = await ChatRepository(session).get(-1001)
        assert merged is not None
        assert await _texts(session, merged) == ["old 1", "old 2", "new 1"]
        assert (merged.provider, merged.model) == ("openai", "gpt-4o")
        assert (merged.system_prompt, merged.title) == ("new prompt", "Old name")
        assert await session.scalar(select(func.count()).select_from(Message)) == 4


async def test_migrate_chat_keeps_the_new_rows_model_choice(session_factory: Sessions) -> None:
    """Provider and model move as a pair: never the old model under the new provider."""
    async with session_factory() as session:
        chats = ChatRepository(session)
        await chats.set_model(await chats.get_or_create(-1, chat_type="group"), "a", "model-a")
        await chats.set_model(await chats.get_or_create(-1001, chat_type="supergroup"), "b", None)
        assert await chats.migrate_chat(-1, -1001) == 1
        await session.commit()
    async with session_factory() as session:
        merged = await ChatRepository(session).get(-1001)
        assert merged is not None
        assert (merged.provider, merged.model) == ("b", None)


async def test_migrate_chat_without_rows_or_to_itself_moves_nothing(session: AsyncSession) -> None:
    """Nothing stored for the old id (or the same id): nothing changes."""
    chats = ChatRepository(session)
    await chats.get_or_create(-3, chat_type="group")
    assert await chats.migrate_chat(-404, -1404) == 0
    assert await chats.migrate_chat(-3, -3) == 0
    assert await chats.get(-3) is not None
