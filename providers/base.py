"""The provider base class: declarative flags, model resolution, and the stream loop."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterable, Mapping
from typing import Any, ClassVar

import aiohttp

from providers.errors import (
    EmptyResponse,
    ModelNotSupported,
    ProviderUnavailable,
    ResponseFormatError,
)
from providers.messages import ChatMessage, MessageLike, to_messages
from providers.pieces import PieceDecoder, ReportedError
from providers.settings import ProviderSettings
from providers.streams import DecodeError
from providers.transport import PreparedRequest, Timeouts, create_session, is_socks, stream_body


class Provider(ABC):
    """One chat provider; instances share an ``aiohttp.ClientSession``.

    Subclasses declare their flags and models as class attributes (as the
    seeds document them), build requests in :meth:`build_request` and choose
    a :class:`~providers.pieces.PieceDecoder`; this class does the rest.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    url: ClassVar[str]
    api_base: ClassVar[str]
    working: ClassVar[bool] = True
    supports_stream: ClassVar[bool] = True
    supports_system_message: ClassVar[bool] = False
    supports_message_history: ClassVar[bool] = False
    supports_gpt_35_turbo: ClassVar[bool] = False
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

    def stream(
        self,
        messages: Iterable[MessageLike],
        *,
        model: str | None = None,
        temperature: float | None = None,
    ) -> AsyncGenerator[str, None]:
        """Stream the answer to ``messages`` as non-empty text pieces.

        The model is resolved and the request built now, so a bad model or
        message fails here, before anything is sent.
        """
        chosen = self.default_temperature if temperature is None else temperature
        request = self.build_request(to_messages(messages), self.get_model(model), chosen)
        return self._pieces(request)

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
        self, messages: list[ChatMessage], model: str, temperature: float | None
    ) -> PreparedRequest:
        """The exact request this provider sends for a conversation."""

    @abstractmethod
    def new_decoder(self) -> PieceDecoder:
        """A fresh decoder for one response body."""

    async def _pieces(self, request: PreparedRequest) -> AsyncGenerator[str, None]:
        decoder = self.new_decoder()
        body = stream_body(self.session, request, provider=self.name,
                           timeouts=self.timeouts, proxy=self.proxy)
        produced = False
        try:
            async for chunk in body:
                for piece in decoder.feed(chunk):
                    produced = True
                    yield piece
                if decoder.done:
                    break
            else:
                for piece in decoder.close():
                    produced = True
                    yield piece
        except DecodeError as exc:
            raise ResponseFormatError(f"malformed response: {exc}", provider=self.name) from exc
        except ReportedError as exc:
            raise ProviderUnavailable(f"the stream reported an error: {exc}",
                                      provider=self.name) from exc
        finally:
            await body.aclose()
        if not produced:
            raise EmptyResponse("the answer was empty", provider=self.name)

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


class AnswerStream(AsyncIterator[str]):
    """An answer's text pieces: iterate it, or ``await`` it first and then iterate.

    Both styles appear in the seeds' documented examples.
    """

    def __init__(self, pieces: AsyncGenerator[str, None]) -> None:
        self._pieces = pieces

    def __aiter__(self) -> AnswerStream:
        return self

    async def __anext__(self) -> str:
        return await self._pieces.__anext__()

    def __await__(self) -> Generator[Any, None, AnswerStream]:
        return self._itself().__await__()

    async def _itself(self) -> AnswerStream:
        return self

    async def aclose(self) -> None:
        """Stop the stream early and release its connection."""
        await self._pieces.aclose()
