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
    """The events of the first provider that produces text.

    Each attempt begins with :class:`~providers.events.Started`, then yields
    that provider's events. The next provider is tried only when the current
    one fails before its first :class:`~providers.events.TextPiece` (or ends
    with none): reasoning, usage and finish events do not commit to a
    provider, so a consumer drops the reasoning it holds when another
    ``Started`` comes. Once text has been yielded, a failure propagates as it
    is: an interrupted answer is never continued by another provider. When
    every provider fails, :class:`AllProvidersFailed` lists them all (a single
    attempt raises its own error). Cancellation is never caught.
    """

    def __init__(
        self,
        attempts: Sequence[Attempt],
        messages: Sequence[MessageLike],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> None:
        self.answered_by: Attempt | None = None
        self.failures: list[ProviderError] = []
        self._attempts = list(attempts)
        self._events = self._run(list(messages), temperature, max_tokens)

    def __aiter__(self) -> FallbackStream:
        return self

    async def __anext__(self) -> StreamEvent:
        return await self._events.__anext__()

    async def aclose(self) -> None:
        """Stop early and close the provider stream in use."""
        await self._events.aclose()

    async def _run(
        self, messages: list[MessageLike], temperature: float | None, max_tokens: int | None
    ) -> AsyncGenerator[StreamEvent, None]:
        for attempt in self._attempts:
            provider = attempt.provider
            try:
                opened = provider.start(messages, model=attempt.model, temperature=temperature,
                                        max_tokens=max_tokens)
            except ProviderError as exc:
                self._failed(exc)
                continue
            events = opened.events
            yield Started(provider.name, opened.model)
            committed = False
            try:
                while True:
                    try:
                        event = await anext(events)
                    except StopAsyncIteration:
                        # Providers raise EmptyResponse themselves; this guards any that do not.
                        if not committed:
                            self._failed(EmptyResponse("the answer was empty",
                                                       provider=provider.name))
                        break
                    except ProviderError as exc:
                        if committed:
                            raise
                        self._failed(exc)
                        break
                    if isinstance(event, TextPiece) and not committed:
                        committed, self.answered_by = True, attempt
                    yield event
            finally:
                await events.aclose()
            if committed:
                return
        if len(self.failures) == 1:
            raise self.failures[0]
        raise AllProvidersFailed(self.failures)

    def _failed(self, error: ProviderError) -> None:
        self.failures.append(error)
        if len(self._attempts) > 1:
            log.warning("provider failed before its first piece, trying the next: %s", error)

