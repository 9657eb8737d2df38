"""MessageRepository: storing turns, an answer's life, history windows, the sweeps, usage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db import (
    Chat,
    ChatRepository,
    Message,
    MessageRepository,
    MessageRole,
    MessageStatus,
    TokenCount,
)

Sessions = async_sessionmaker[AsyncSession]
USER, ASSISTANT = MessageRole.USER, MessageRole.ASSISTANT


async def _chat(session: AsyncSession, chat_id: int = 1) -> Chat:
    return await ChatRepository(session).get_or_create(chat_id)


async def test_add_stores_in_the_current_conversation(session_factory: Sessions) -> None:
    """A stored message gets an id at once and keeps every field given."""
    async with session_factory() as session:
        chat = await _chat(session)
        await ChatRepository(session).new_conversation(chat)
        message = await MessageRepository(session).add(
            chat,
            role=USER,
            text="Привет 👋",
            author_id=10,
            author_name="Ann",
            telegram_message_id=555,
        )
        assert message.id is not None
        await session.commit()
    async with session_factory() as session:
        stored = await MessageRepository(session).get(message.id)
        assert stored is not None
        assert (stored.chat_pk, stored.conversation) == (chat.id, 2)
        assert (stored.role, stored.status, stored.text) == ("user", "complete", "Привет 👋")
        assert (stored.author_id, stored.author_name, stored.telegram_message_id) == (
            10,
            "Ann",
            555,
        )
        assert stored.created_at.tzinfo is not None


async def test_get_unknown_message_is_none(session: AsyncSession) -> None:
    """An id that was never stored reads as None."""
    assert await MessageRepository(session).get(123456) is None


async def test_finish_records_the_outcome(session_factory: Sessions) -> None:
    """A streamed answer ends with its text, status, error and (fallback) provider."""
    async with session_factory() as session:
        messages = MessageRepository(session)
        chat = await _chat(session)
        question = await messages.add(chat, role=USER, text="q", telegram_message_id=1)
        answer = await messages.add(
            chat,
            role=ASSISTANT,
            text="",
            status=MessageStatus.STREAMING,
            reply_to_id=question.id,
            telegram_message_id=2,
            provider="vitalentum",
            model="gpt-3.5-turbo",
        )
        await session.commit()
    async with session_factory() as session:
        await MessageRepository(session).finish(
            answer.id,
            text="partial answ",
            status=MessageStatus.INTERRUPTED,
            error="connection reset",
            provider="openai",
            model="gpt-4o-mini",
        )
        await session.commit()
    async with session_factory() as session:
        stored = await MessageRepository(session).get(answer.id)
        assert stored is not None
        assert (stored.text, stored.status, stored.error) == (
            "partial answ",
            "interrupted",
            "connection reset",
        )
        assert (stored.provider, stored.model) == ("openai", "gpt-4o-mini")
        assert stored.telegram_message_id == 2  # not given: kept
        assert stored.reply_to_id == question.id
        assert stored.updated_at >= stored.created_at


async def test_finish_updates_a_message_loaded_in_the_same_session(session: AsyncSession) -> None:
    """The object the session already holds shows the finished state."""
    messages = MessageRepository(session)
    chat = await _chat(session)
    answer = await messages.add(chat, role=ASSISTANT, text="", status=MessageStatus.STREAMING)
    await messages.finish(answer.id, text="done", status=MessageStatus.COMPLETE,
                          tokens=TokenCount(12, 3, estimated=True))
    await messages.delivered(answer.id, 9)
    assert (answer.text, answer.status, answer.telegram_message_id) == ("done", "complete", 9)
    await session.refresh(answer)
    assert (answer.prompt_tokens, answer.completion_tokens, answer.tokens_estimated) == (
        12, 3, True)


async def test_recent_returns_the_newest_oldest_first(session: AsyncSession) -> None:
    """The window is the last ``limit`` messages, in the order they were written."""
    messages = MessageRepository(session)
    chat = await _chat(session)
    other = await _chat(session, 2)
    for n in range(6):
        await messages.add(chat, role=USER if n % 2 == 0 else ASSISTANT, text=f"m{n}")
        await messages.add(other, role=USER, text=f"other{n}")
    assert [m.text for m in await messages.recent(chat, limit=3)] == ["m3", "m4", "m5"]
    assert [m.text for m in await messages.recent(chat, limit=50)] == [f"m{n}" for n in range(6)]
    assert await messages.recent(chat, limit=0) == []


async def test_recent_sees_only_the_current_conversation(session: AsyncSession) -> None:
    """After /reset the window holds only what was said since."""
    chats, messages = ChatRepository(session), MessageRepository(session)
    chat = await _chat(session)
    await messages.add(chat, role=USER, text="old")
    await chats.new_conversation(chat)
    await messages.add(chat, role=USER, text="new")
    assert [m.text for m in await messages.recent(chat, limit=10)] == ["new"]


async def test_recent_includes_every_status(session: AsyncSession) -> None:
    """Failed and interrupted turns stay visible so the service can decide what to send."""
    messages = MessageRepository(session)
    chat = await _chat(session)
    await messages.add(chat, role=USER, text="q")
    await messages.add(chat, role=ASSISTANT, text="", status=MessageStatus.FAILED)
    statuses = [m.status for m in await messages.recent(chat, limit=10)]
    assert statuses == ["complete", "failed"]


async def test_last_question_skips_answers_and_questions_never_taken_up(
        session: AsyncSession) -> None:
    """/retry takes the newest question that was answered, not one turned away or waiting."""
    chats, messages = ChatRepository(session), MessageRepository(session)
    chat = await _chat(session)
    assert await messages.last_question(chat) is None
    await messages.add(chat, role=USER, text="first")
    await messages.add(chat, role=USER, text="second")
    await messages.add(chat, role=ASSISTANT, text="answer")
    await messages.add(chat, role=USER, text="busy", status=MessageStatus.DECLINED)
    await messages.add(chat, role=USER, text="waiting", status=MessageStatus.PENDING)
    last = await messages.last_question(chat)
    assert last is not None
    assert last.text == "second"
    await chats.new_conversation(chat)
    assert await messages.last_question(chat) is None


async def test_find_question_by_telegram_message_id(session: AsyncSession) -> None:
    chats = ChatRepository(session)
    messages = MessageRepository(session)
    chat = await chats.get_or_create(1)
    question = await messages.add(chat, role=MessageRole.USER, text="q", telegram_message_id=77)
    await messages.add(chat, role=MessageRole.ASSISTANT, text="a", telegram_message_id=78)
    await chats.new_conversation(chat)  # a redelivery may come after /reset
    assert await messages.find_question(chat, 77) == question
    assert await messages.find_question(chat, 78) is None  # the bot's own message
    other = await chats.get_or_create(1, 5)  # another topic of the same chat
    assert await messages.find_question(other, 77) is None


async def test_interrupt_and_claim_take_over_only_what_a_given_worker_held(
        session_factory: Sessions) -> None:
    """Two sweepers cannot both take the same orphaned answer or waiting question."""
    async with session_factory() as session:
        messages = MessageRepository(session)
        chat = await _chat(session)
        done = await messages.add(chat, role=ASSISTANT, text="ok")
        cut = await messages.add(chat, role=ASSISTANT, text="half",
                                 status=MessageStatus.STREAMING, worker="w-dead")
        waiting = await messages.add(chat, role=USER, text="q", status=MessageStatus.PENDING,
                                     worker="w-dead")
        await session.commit()
    async with session_factory() as session:
        messages = MessageRepository(session)
        assert [m.id for m in await messages.streaming()] == [cut.id]
        assert await messages.interrupt(cut.id, held_by="w-other", error="x") is False
        assert await messages.interrupt(cut.id, held_by="w-dead", error="bot restarted")
        assert await messages.interrupt(cut.id, held_by="w-dead", error="again") is False
        assert await messages.interrupt(done.id, held_by=None, error="x") is False
        assert await messages.claim(waiting.id, held_by="w-dead", worker="w-me")
        assert await messages.claim(waiting.id, held_by="w-dead", worker="w-you") is False
        await session.commit()
    async with session_factory() as session:
        messages = MessageRepository(session)
        stored = await messages.get(cut.id)
        assert stored is not None
        assert (stored.status, stored.error, stored.worker) == ("interrupted", "bot restarted",
                                                                None)
        claimed = await messages.get(waiting.id)
        assert claimed is not None
        assert (claimed.status, claimed.worker) == ("pending", "w-me")
        assert await messages.streaming() == []


async def test_tokens_since_sums_one_persons_answers(session: AsyncSession) -> None:
    """Budgets count the tokens of answers to one person since a moment."""
    messages = MessageRepository(session)
    chat = await _chat(session)
    for author, tokens in ((7, TokenCount(100, 20)), (7, TokenCount(5, 5, True)),
                           (8, TokenCount(1000, 1000))):
        answer = await messages.add(chat, role=ASSISTANT, text="a", author_id=author)
        await messages.finish(answer.id, text="a", status=MessageStatus.COMPLETE, tokens=tokens)
    await messages.add(chat, role=USER, text="q", author_id=7)
    since = datetime.now(UTC) - timedelta(hours=1)
    assert await messages.tokens_since(7, since) == 130
    assert await messages.tokens_since(7, datetime.now(UTC) + timedelta(hours=1)) == 0
    assert await messages.tokens_since(9, since) == 0


async def _plan(engine: AsyncEngine, run: Any) -> str:
    """The query plan of the statement ``run`` makes the repository execute."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        captured.append((statement, params))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    async with AsyncSession(engine) as session:
        chat = await _chat(session)
        for n in range(20):
            await MessageRepository(session).add(chat, role=USER, text=f"m{n}")
        captured.clear()
        await run(session, chat)
        statement, params = captured[-1]
        conn = await session.connection()
        if engine.dialect.name == "sqlite":
            rows = await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
            plan = "\n".join(str(row[-1]) for row in rows)
        else:
            # Tiny tables favour a sequential scan; ask whether the index can serve it.
            await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = await conn.exec_driver_sql(f"EXPLAIN {statement}", params)
            plan = "\n".join(str(row[0]) for row in rows)
        await session.rollback()
    event.remove(engine.sync_engine, "before_cursor_execute", capture)
    return plan


async def test_recent_reads_the_history_index(db: AsyncEngine) -> None:
    """Loading a window walks ix_messages_history and needs no sort, however big the table."""

    async def recent(session: AsyncSession, chat: Chat) -> None:
        await MessageRepository(session).recent(chat, limit=5)

    plan = await _plan(db, recent)
    assert "ix_messages_history" in plan
    assert "TEMP B-TREE" not in plan.upper()  # SQLite: no separate ORDER BY step
    assert "Sort" not in plan  # PostgreSQL: no Sort node


async def test_the_sweeps_read_the_partial_indexes(db: AsyncEngine) -> None:
    """Streaming answers and pending questions are found through small partial indexes."""

    async def streaming(session: AsyncSession, chat: Chat) -> None:
        await MessageRepository(session).streaming()

    async def pending(session: AsyncSession, chat: Chat) -> None:
        await MessageRepository(session).pending(since=datetime.now(UTC))

    assert "ix_messages_streaming" in await _plan(db, streaming)
    assert "ix_messages_pending" in await _plan(db, pending)


async def test_budgets_read_the_usage_index(db: AsyncEngine) -> None:
    """A person's tokens of the day are summed through ix_messages_usage."""

    async def tokens(session: AsyncSession, chat: Chat) -> None:
        await MessageRepository(session).tokens_since(7, datetime.now(UTC))

    assert "ix_messages_usage" in await _plan(db, tokens)


async def test_unknown_role_or_status_is_refused(session: AsyncSession) -> None:
    """Only the documented roles and statuses reach the table."""
    messages = MessageRepository(session)
    chat = await _chat(session)
    with pytest.raises(ValueError, match="'bot'"):
        await messages.add(chat, role="bot", text="x")  # type: ignore[arg-type]
    message = await messages.add(chat, role=USER, text="x")
    with pytest.raises(ValueError, match="'done'"):
        await messages.finish(message.id, text="x", status="done")  # type: ignore[arg-type]


async def test_a_question_taken_over_by_another_worker_is_not_taken_again(
        session: AsyncSession) -> None:
    """A worker that looked dead for a while cannot answer what another worker claimed."""
    messages = MessageRepository(session)
    chat = await _chat(session)
    question = await messages.add(chat, role=USER, text="q", status=MessageStatus.PENDING,
                                  worker="w-slow")
    assert await messages.claim(question.id, held_by="w-slow", worker="w-fast")
    assert not await messages.take(question.id, worker="w-slow")
    assert await messages.take(question.id, worker="w-fast")
    assert await messages.take(question.id, worker="w-slow")  # answered: /retry may ask again


async def test_questions_pending_for_too_long_are_given_up(session: AsyncSession) -> None:
    messages = MessageRepository(session)
    chat = await _chat(session)
    old = await messages.add(chat, role=USER, text="old", status=MessageStatus.PENDING)
    new = await messages.add(chat, role=USER, text="new", status=MessageStatus.PENDING)
    await session.execute(update(Message).where(Message.id == old.id).values(
        created_at=datetime.now(UTC) - timedelta(days=2)))
    assert await messages.decline_stale(datetime.now(UTC) - timedelta(days=1)) == 1
    assert [m.id for m in await messages.pending(since=datetime.now(UTC) - timedelta(days=9))] \
        == [new.id]
