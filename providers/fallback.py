"""Ordered fallback across providers, only before the first text piece."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from dataclasses import dataclass

from providers.base import Provider
from providers.errors import AllProvidersFailed, EmptyResponse, ProviderError
from providers.events import Started, StreamEvent, TextPiece
from providers.messages import MessageLike

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One provider to try, with the model to ask it for (None: its default)."""

    provider: Provider
    model: str | None = None


class FallbackStream(AsyncIterator[StreamEvent]):
    """The pieces of the first provider that produces text.

    The next provider is tried only when the current one fails before its
    first piece (or ends with none). Once text has been yielded, a failure
    propagates as it is: an interrupted answer is never continued by another
    provider. When every provider fails, :class:`AllProvidersFailed` lists
    them all (a single attempt raises its own error). Cancellation is never
    caught.
    """

    def __init__(
        self,
        attempts: Sequence[Attempt],
        messages: Sequence[MessageLike],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> None:
        del max_tokens
        self.answered_by: Attempt | None = None
        self.failures: list[ProviderError] = []
        self._pieces = self._run(list(attempts), list(messages), temperature)

    def __aiter__(self) -> FallbackStream:
        return self

    async def __anext__(self) -> StreamEvent:
        return await self._pieces.__anext__()

    async def aclose(self) -> None:
        """Stop early and close the provider stream in use."""
        await self._pieces.aclose()

    async def _run(
        self, attempts: list[Attempt], messages: list[MessageLike], temperature: float | None
    ) -> AsyncGenerator[StreamEvent, None]:
        for attempt in attempts:
            pieces: AsyncGenerator[str, None] | None = None
            try:
                pieces = attempt.provider.stream(messages, model=attempt.model,
                                                 temperature=temperature)
                first = await anext(pieces)
            except StopAsyncIteration:
                self._failed(EmptyResponse("the answer was empty",
                                           provider=attempt.provider.name), attempts)
                continue
            except ProviderError as exc:
                if pieces is not None:
                    await pieces.aclose()
                self._failed(exc, attempts)
                continue
            self.answered_by = attempt
            try:
                yield Started(attempt.provider.name, attempt.provider.get_model(attempt.model))
                yield TextPiece(first)
                async for piece in pieces:
                    yield TextPiece(piece)
            finally:
                await pieces.aclose()
            return
        if len(self.failures) == 1:
            raise self.failures[0]
        raise AllProvidersFailed(self.failures)

    def _failed(self, error: ProviderError, attempts: list[Attempt]) -> None:
        self.failures.append(error)
        if len(attempts) > 1:
            log.warning("provider failed before its first piece, trying the next: %s", error)
