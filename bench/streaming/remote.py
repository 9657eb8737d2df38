"""The fake Bot API in a child process (real clock), so measured CPU and memory are the bot's."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import Counter
from multiprocessing.connection import Connection
from typing import Any

from aiogram import Bot

from tests.fakes.telegram import FakeTelegram, local_bot

TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"
MESSAGE_METHODS = {"sendMessage", "editMessageText", "sendMessageDraft"}


def _serve(conn: Connection) -> None:
    asyncio.run(_serve_async(conn))


async def _serve_async(conn: Connection) -> None:
    async with FakeTelegram(token=TOKEN) as telegram:
        conn.send(telegram.base_url)
        loop = asyncio.get_running_loop()
        while (command := await loop.run_in_executor(None, conn.recv)) != "stop":
            assert command == "report"
            conn.send(_report(telegram))
            telegram.log.clear()


def _report(telegram: FakeTelegram) -> dict[str, Any]:
    first: dict[int, list[tuple[float, str]]] = {}
    chats: set[int] = set()
    for call in telegram.log:
        if call.method in MESSAGE_METHODS and call.status == 200:
            chats.add(call.chat_id)
            seen = first.setdefault(call.chat_id, [])
            if len(seen) < 4:
                seen.append((call.at, str(call.params.get("text", ""))[:80]))
    visible = {chat: telegram.visible_texts(chat) for chat in chats}
    return {
        "calls": len(telegram.log),
        "by_method": Counter(c.method for c in telegram.log),
        "429": telegram.count_429,
        "first": first,
        "visible": visible,
        "final": {chat: _shown_at(telegram, chat, texts[-1]) for chat, texts in visible.items()
                  if texts},
    }


def _shown_at(telegram: FakeTelegram, chat: int, text: str) -> float | None:
    """When the chat's last message first showed ``text`` (its final look)."""
    return next((c.at for c in telegram.log if c.chat_id == chat and c.status == 200
                 and c.method in MESSAGE_METHODS
                 and str(c.params.get("text", "")).strip() == text), None)


class RemoteTelegram:
    """The fake Bot API running in a child process (real clock)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        self.base_url: str = self._conn.recv()

    def report(self) -> dict[str, Any]:
        """What the fake saw since the last report."""
        self._conn.send("report")
        report: dict[str, Any] = self._conn.recv()
        return report

    def stop(self) -> None:
        """Stop the child process."""
        self._conn.send("stop")
        self._process.join(10)

    def bot(self) -> Bot:
        """A bot talking HTTP to the child."""
        return local_bot(self.base_url, TOKEN)
