"""Questions that take turns in tasks of their own, for tests of who answers when."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.coordination.base import ChatKey, RunningAnswer, Turns


@dataclass(eq=False)
class Question:
    """One question: waits for its turn, then holds it until :meth:`finish` (or a stop)."""

    asker_id: int
    task: asyncio.Task[None] | None = None
    answer: RunningAnswer | None = None
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def finish(self) -> None:
        """End the answer (leave the turn)."""
        self.done.set()


class Questions:
    """Starts questions and records the order they got their turn; cancels leftovers on exit."""

    def __init__(self) -> None:
        self.order: list[int] = []
        self.inside = 0  # questions holding a turn of the same conversation right now
        self.most_inside = 0
        self._started: list[Question] = []

    def ask(self, turns: Turns, key: ChatKey, asker_id: int,
            *, until_stopped: bool = False) -> Question:
        """Start a question; it holds its turn until finished (or stopped, if asked to)."""
        question = Question(asker_id)
        question.task = asyncio.create_task(self._run(turns, key, question, until_stopped))
        self._started.append(question)
        return question

    async def _run(self, turns: Turns, key: ChatKey, question: Question,
                   until_stopped: bool) -> None:
        async with turns.turn(key, asker_id=question.asker_id) as answer:
            question.answer = answer
            self.order.append(question.asker_id)
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
            question.entered.set()
            try:
                if until_stopped:
                    await answer.stopped.wait()
                else:
                    await question.done.wait()
            finally:
                self.inside -= 1

    async def __aenter__(self) -> Questions:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        tasks = [q.task for q in self._started if q.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
