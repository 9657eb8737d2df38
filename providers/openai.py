"""OpenAI-compatible chat completions: OpenAI, OpenRouter, Groq, Ollama, vLLM, g4f's API."""

from __future__ import annotations

from typing import Any

import aiohttp

from providers.base import Provider
from providers.errors import ResponseFormatError
from providers.messages import ChatMessage
from providers.pieces import ChatCompletionPieces, PieceDecoder
from providers.settings import ProviderSettings
from providers.transport import PreparedRequest, Timeouts, fetch_json


class OpenAICompatible(Provider):
    """``POST {base}/chat/completions`` with a bearer key; models from settings or the server."""

    name = "openai"
    label = "OpenAI-compatible"
    url = "https://api.openai.com/v1"
    api_base = url
    supports_system_message = True
    supports_message_history = True

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str | None = None,
        proxy: str | None = None,
        timeouts: Timeouts | None = None,
        api_key: str | None = None,
        models: tuple[str, ...] = (),
    ) -> None:
        super().__init__(session, base_url=base_url, proxy=proxy, timeouts=timeouts)
        self.api_key = api_key
        self.set_models(models)

    @classmethod
    def from_settings(
        cls, session: aiohttp.ClientSession, settings: ProviderSettings, **options: Any
    ) -> Provider:
        """Base URL, key and model list from settings."""
        return cls(session, base_url=settings.base_url(cls.name),
                   api_key=settings.openai_api_key, models=settings.openai_models, **options)

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
        self, messages: list[ChatMessage], model: str, temperature: float | None
    ) -> PreparedRequest:
        """Standard streaming chat completion; temperature only when chosen."""
        body: dict[str, Any] = {
            "model": model,
            "messages": [m.as_dict() for m in messages],
            "stream": True,
        }
        if temperature is not None:
            body["temperature"] = temperature
        headers = {"Accept": "text/event-stream", **self._auth_headers()}
        return PreparedRequest(f"{self.base_url}/chat/completions", headers, body)

    def new_decoder(self) -> PieceDecoder:
        """Chat-completion chunks over SSE, ended by ``[DONE]``."""
        return ChatCompletionPieces()

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
