"""OpenAI-compatible chat completions: OpenAI, OpenRouter, Groq, Ollama, vLLM, g4f's API.

One class serves every such endpoint; each instance carries the endpoint's
name (``openai``, ``ollama``, ...), so the registry, fallback and health
checks see each endpoint as a provider of its own.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncGenerator
from typing import Any

import aiohttp

from providers.base import Provider
from providers.errors import ImagesNotSupported, RequestRejected, ResponseFormatError
from providers.headers import safe_content_type, safe_filename
from providers.memory import RecentNames
from providers.messages import ChatMessage
from providers.pieces import OpenAIPieces, PieceDecoder
from providers.progress import ProgressClock
from providers.rejections import RefusalMemory, about_images, refusal_of
from providers.settings import OPENAI, OPENAI_BASE_URL, ProviderSettings
from providers.transport import FormField, PreparedRequest, Timeouts, fetch_json, request_json

log = logging.getLogger(__name__)

AUDIO_FILENAME = "audio.ogg"
AUDIO_CONTENT_TYPE = "application/octet-stream"
THINKING_MODELS_MAX = 64
"""Models of one endpoint remembered as omitting ``<think>`` (the most recently seen)."""


class OpenAICompatible(Provider):
    """``POST {base}/chat/completions`` with a bearer key; models from settings or the server."""

    name = OPENAI
    label = "OpenAI-compatible"
    url = OPENAI_BASE_URL
    api_base = url
    supports_system_message = True
    supports_message_history = True
    supports_images = True

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        name: str = OPENAI,
        base_url: str | None = None,
        proxy: str | None = None,
        timeouts: Timeouts | None = None,
        api_key: str | None = None,
        models: tuple[str, ...] = (),
    ) -> None:
        super().__init__(session, base_url=base_url, proxy=proxy, timeouts=timeouts)
        self.name = name
        self.api_key = api_key
        self.set_models(models)
        # Fields the server refused (see providers.rejections): mended before sending.
        self.refusals = RefusalMemory()
        # Models seen to end their thoughts with a lone "</think>": their next answers
        # start as reasoning (see providers.think), until one answers without the tag.
        self.thinking_models = RecentNames(THINKING_MODELS_MAX)

    @classmethod
    def from_settings(
        cls, session: aiohttp.ClientSession, settings: ProviderSettings, *,
        name: str = OPENAI, **options: Any,
    ) -> Provider:
        """The endpoint ``name`` of the settings: base URL, key and model list."""
        endpoint = settings.endpoint(name)
        return cls(session, name=name, base_url=endpoint.base_url, api_key=endpoint.api_key,
                   models=endpoint.models, **options)

    def set_models(self, models: tuple[str, ...]) -> None:
        """Replace the model list; the first model becomes the default."""
        self.models = tuple(models)
        self.default_model = self.models[0] if self.models else ""
        # Until the model list is known, any name is passed to the server to judge.
        self.accepts_any_model = not self.models

    async def discover_models(self) -> tuple[str, ...]:
        """Fill the model list from ``GET {base}/models`` when settings gave none."""
        if self.models:
            return self.models
        data = await fetch_json(self.session, f"{self.base_url}/models", provider=self.name,
                                headers=self._auth_headers(), timeouts=self.timeouts,
                                proxy=self.proxy)
        entries = data.get("data") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ResponseFormatError("/models did not list models", provider=self.name)
        ids = [e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)]
        self.set_models(tuple(sorted(ids)))
        return self.models

    async def prepare(self) -> None:
        """Without a model list from settings, ask the server for one (``GET /models``)."""
        await self.discover_models()

    def build_request(
        self, messages: list[ChatMessage], model: str, temperature: float | None, *,
        max_tokens: int | None = None,
    ) -> PreparedRequest:
        """A streaming chat completion; temperature and the output limit only when chosen."""
        body: dict[str, Any] = {
            "model": model,
            "messages": [wire_message(m) for m in messages],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if temperature is not None:
            body["temperature"] = temperature
        if max_tokens is not None:
            body["max_tokens"] = max_tokens
        headers = {"Accept": "text/event-stream", **self._auth_headers()}
        return PreparedRequest(f"{self.base_url}/chat/completions", headers,
                               self.refusals.mend(body, model))

    def new_decoder(self, request: PreparedRequest) -> PieceDecoder:
        """Chat-completion chunks over SSE (or one JSON body), with reasoning and usage."""
        model = str(request.body.get("model", ""))
        return OpenAIPieces(thinking=model in self.thinking_models,
                            learn=lambda omits: self._learn_template(model, omits))

    def _learn_template(self, model: str, omits_open_tag: bool) -> None:
        if omits_open_tag:
            self.thinking_models.add(model)
        else:
            self.thinking_models.discard(model)

    async def send(
        self, request: PreparedRequest, clock: ProgressClock
    ) -> AsyncGenerator[bytes, None]:
        """The body's chunks; a known refusal of a field is mended and sent again at once."""
        mended: set[str] = set()  # each mend once per request: a server may keep refusing
        while True:
            body = super().send(request, clock)
            try:
                first = await anext(body)
            except StopAsyncIteration:
                return
            except RequestRejected as exc:
                request = self._after_rejection(request, exc, mended)
                continue
            try:
                yield first
                async for chunk in body:
                    yield chunk
            finally:
                await body.aclose()
            return

    def _after_rejection(self, request: PreparedRequest, error: RequestRejected,
                         mended: set[str]) -> PreparedRequest:
        """The request to send instead of a rejected one, or the error to raise."""
        refusal = refusal_of(error, request.body)
        if refusal is not None and refusal.field not in mended:
            mended.add(refusal.field)
            model = str(request.body.get("model", ""))
            log.info("%s refused %s (model %s); mended from now on", self.name,
                     refusal.field, model)
            self.refusals.add(refusal, model)
            return dataclasses.replace(request, body=refusal.mend(request.body))
        if about_images(error, request.body):
            raise ImagesNotSupported(error.message, provider=self.name,
                                     status=error.status) from error
        raise error

    async def transcribe(
        self, audio: bytes, *, filename: str, model: str,
        content_type: str = AUDIO_CONTENT_TYPE,
    ) -> str:
        """Speech to text: ``POST {base}/audio/transcriptions`` (multipart ``file``, ``model``).

        The file name and type are the caller's (often a client's): they are
        cleaned for the form's headers, with defaults when nothing usable is left.
        """
        form = (FormField("file", audio, filename=safe_filename(filename, AUDIO_FILENAME),
                          content_type=safe_content_type(content_type, AUDIO_CONTENT_TYPE)),
                FormField("model", model))
        request = PreparedRequest(f"{self.base_url}/audio/transcriptions",
                                  self._auth_headers(), form=form)
        data = await request_json(self.session, request, provider=self.name,
                                  timeouts=self.timeouts, proxy=self.proxy)
        text = data.get("text") if isinstance(data, dict) else None
        if not isinstance(text, str):
            raise ResponseFormatError("the transcription answer has no text", provider=self.name)
        return text

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}


def wire_message(message: ChatMessage) -> dict[str, Any]:
    """A message as the API takes it: plain text, or content parts when it has images."""
    if not message.images:
        return message.as_dict()
    parts: list[dict[str, Any]] = []
    if message.content:
        parts.append({"type": "text", "text": message.content})
    parts += [{"type": "image_url", "image_url": {"url": image.data_url()}}
              for image in message.images]
    return {"role": message.role, "content": parts}

