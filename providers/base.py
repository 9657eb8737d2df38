"""The provider base class: declarative flags, model resolution, and the stream loop."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import aiohttp

from providers.answer_stream import AnswerStream, text_pieces
from providers.chunks import ReportedError
from providers.errors import EmptyResponse, ModelNotSupported, ResponseFormatError, StreamError
from providers.events import Finish, PieceEvent, ReasoningPiece, TextPiece
from providers.messages import ChatMessage, MessageLike, to_messages
from providers.pieces import PieceDecoder
from providers.progress import ProgressClock
from providers.settings import ProviderSettings
from providers.streams import DecodeError
from providers.transport import PreparedRequest, Timeouts, create_session, is_socks, stream_body


@dataclass(frozen=True, slots=True)
class Opened:
    """An answer about to stream: the model it was resolved to, and its events."""

    model: str
    events: AsyncGenerator[PieceEvent, None]


class Provider(ABC):
    """One chat provider; instances share an ``aiohttp.ClientSession``.

    Subclasses declare their flags and models as class attributes (as the
    seeds document them), build requests in :meth:`build_request` and choose
    a :class:`~providers.pieces.PieceDecoder`; this class does the rest.
    """

    name: str  # a class constant, except for OpenAI-compatible endpoints named by settings
    label: ClassVar[str]
    url: ClassVar[str]
    api_base: ClassVar[str]
    working: ClassVar[bool] = True
    supports_stream: ClassVar[bool] = True
    supports_system_message: ClassVar[bool] = False
    supports_message_history: ClassVar[bool] = False
    supports_gpt_35_turbo: ClassVar[bool] = False
    # Whether messages may carry images; without, each image becomes a text marker.
    supports_images: ClassVar[bool] = False
    default_temperature: ClassVar[float | None] = None
    # Providers without a model list accept any model name and do not send it.
    accepts_any_model: bool = False
    default_model: str = ""
    models: tuple[str, ...] = ()
    model_aliases: ClassVar[Mapping[str, str]] = {}

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str | None = None,
        proxy: str | None = None,
        timeouts: Timeouts | None = None,
    ) -> None:
        if is_socks(proxy):
            raise ValueError("a SOCKS proxy belongs to the session: use create_session(proxy)")
        self.session = session
        self.base_url = (base_url or self.api_base).rstrip("/")
        self.proxy = proxy
        self.timeouts = timeouts or Timeouts()

    @classmethod
    def from_settings(
        cls, session: aiohttp.ClientSession, settings: ProviderSettings, **options: Any
    ) -> Provider:
        """Build the provider from settings (its base URL; credentials where it has any)."""
        return cls(session, base_url=settings.base_url(cls.name), **options)

    def get_model(self, model: str | None) -> str:
        """Resolve a model name: empty → default, alias → target, unknown → error."""
        name = (model or "").strip()
        if not name:
            if self.default_model:
                return self.default_model
            raise ModelNotSupported("", self.models, provider=self.name)
        if name in self.model_aliases:
            return self.model_aliases[name]
        if name in self.models or self.accepts_any_model:
            return name
        raise ModelNotSupported(name, self.models, provider=self.name)

    def start(
        self,
        messages: Iterable[MessageLike],
        *,
        model: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> Opened:
        """The answer to ``messages``, ready to stream, with the model it asks for.

        The one place a requested model is resolved (:meth:`get_model`): the
        request is built now, so a bad model or message fails here, before
        anything is sent. ``max_tokens`` reaches protocols that have an output
        limit; the others ignore it.
        """
        resolved = self.get_model(model)
        chosen = self.default_temperature if temperature is None else temperature
        prepared = self.prepare_messages(to_messages(messages))
        request = self.build_request(prepared, resolved, chosen, max_tokens=max_tokens)
        return Opened(resolved, self._events(request))

    def events(
        self,
        messages: Iterable[MessageLike],
        *,
        model: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> AsyncGenerator[PieceEvent, None]:
        """Stream the answer to ``messages`` as typed events (see :meth:`start`).

        Text pieces are never empty.
        """
        return self.start(messages, model=model, temperature=temperature,
                          max_tokens=max_tokens).events

    def stream(
        self,
        messages: Iterable[MessageLike],
        *,
        model: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> AsyncGenerator[str, None]:
        """Stream only the answer's text pieces (see :meth:`events`)."""
        return text_pieces(self.events(messages, model=model, temperature=temperature,
                                  max_tokens=max_tokens))

    def prepare_messages(self, messages: list[ChatMessage]) -> list[ChatMessage]:
        """The messages as this protocol can carry them: images become markers without support."""
        return messages if self.supports_images else [m.with_markers() for m in messages]

    async def prepare(self) -> None:
        """Learn what the provider's server says about itself before first use.

        Nothing by default; a provider whose models come from its server asks here.
        """
        return  # deliberately empty: most protocols have nothing to ask

    async def check(self, *, model: str | None = None) -> str:
        """Ask for a tiny answer, to prove the provider works; returns its first piece."""
        if not model:
            await self.prepare()  # the default model may come from the server
        pieces = self.stream([ChatMessage("user", "Say OK.")], model=model)
        try:
            return await anext(pieces)
        finally:
            await pieces.aclose()

    @abstractmethod
    def build_request(
        self, messages: list[ChatMessage], model: str, temperature: float | None, *,
        max_tokens: int | None = None,
    ) -> PreparedRequest:
        """The exact request this provider sends for a conversation."""

    @abstractmethod
    def new_decoder(self, request: PreparedRequest) -> PieceDecoder:
        """A fresh decoder for the response body of ``request``."""

    def send(self, request: PreparedRequest, clock: ProgressClock) -> AsyncGenerator[bytes, None]:
        """The response body's chunks; protocols that retry a rejected request override it."""
        return stream_body(self.session, request, provider=self.name, timeouts=self.timeouts,
                           proxy=self.proxy, clock=clock)

    async def _events(self, request: PreparedRequest) -> AsyncGenerator[PieceEvent, None]:
        clock = ProgressClock(self.timeouts.read)
        decoder = self.new_decoder(request)
        body = self.send(request, clock)
        seen = _Seen()
        try:
            async for chunk in body:
                for event in decoder.feed(chunk):
                    yield seen.note(event, clock)
                if decoder.done:
                    break
            for event in decoder.close():
                yield seen.note(event, clock)
        except DecodeError as exc:
            raise ResponseFormatError(f"malformed response: {exc}", provider=self.name) from exc
        except ReportedError as exc:
            raise StreamError(exc.message, provider=self.name, code=exc.code) from exc
        finally:
            await body.aclose()
        if not seen.text:
            cut = f" (finish reason: {seen.finish})" if seen.finish not in (None, "stop") else ""
            raise EmptyResponse(f"the answer was empty{cut}", provider=self.name)

    @classmethod
    def create_async_generator(
        cls,
        model: str,
        messages: Iterable[MessageLike],
        proxy: str | None = None,
        *,
        temperature: float | None = None,
        **ignored: object,
    ) -> AnswerStream:
        """The seeds' one-call API: stream an answer on a session of its own.

        Base URLs and credentials come from the environment, as for the
        registry. ``ignored`` keeps old callers working (they passed things
        like ``stream=True``); none of it is ever sent.
        """
        del ignored
        return AnswerStream(cls._standalone(model, list(messages), proxy, temperature))

    @classmethod
    async def _standalone(
        cls, model: str, messages: list[MessageLike], proxy: str | None, temperature: float | None
    ) -> AsyncGenerator[str, None]:
        async with create_session(proxy) as session:
            provider = cls.from_settings(session, ProviderSettings.from_env())
            pieces = provider.stream(messages, model=model, temperature=temperature)
            try:
                async for piece in pieces:
                    yield piece
            finally:
                await pieces.aclose()


class _Seen:
    """What a stream has produced so far, and the progress it shows."""

    def __init__(self) -> None:
        self.text = False
        self.finish: str | None = None

    def note(self, event: PieceEvent, clock: ProgressClock) -> PieceEvent:
        if isinstance(event, TextPiece | ReasoningPiece):
            clock.progress()
            self.text = self.text or isinstance(event, TextPiece)
        elif isinstance(event, Finish):
            self.finish = event.reason
        return event
