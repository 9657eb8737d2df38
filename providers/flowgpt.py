"""FlowGpt: signed anonymous requests, NDJSON events out."""

from __future__ import annotations

import hashlib
import secrets
import string
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import aiohttp

from providers.base import Provider
from providers.messages import ChatMessage
from providers.pieces import FlowEventPieces, PieceDecoder
from providers.transport import PreparedRequest, Timeouts

FIREFOX_122 = "Mozilla/5.0 (X11; Linux x86_64; rv:122.0) Gecko/20100101 Firefox/122.0"
GREETING = "Hello, how can I help you today?"
DEFAULT_SYSTEM = "You are helpful assistant. Follow the user's instructions carefully."
_DEVICE_ALPHABET = string.ascii_lowercase + string.digits


def random_nonce() -> str:
    """32 random lower-case hex characters."""
    return secrets.token_hex(16)


def random_device_id() -> str:
    """``f-`` and 19 random characters from ``[a-z0-9]``."""
    return "f-" + "".join(secrets.choice(_DEVICE_ALPHABET) for _ in range(19))


def sign(timestamp: str, nonce: str) -> str:
    """The ``x-signature`` header: MD5 of ``{timestamp}-{nonce}-Bearer null``."""
    return hashlib.md5(f"{timestamp}-{nonce}-Bearer null".encode()).hexdigest()


class FlowGpt(Provider):
    """``POST {api_base}/v3/chat-anonymous`` with fresh signed headers per request."""

    name = "flowgpt"
    label = "FlowGpt"
    url = "https://flowgpt.com/chat"
    api_base = "https://prod-backend-k8s.flowgpt.com"
    supports_message_history = True
    supports_system_message = True
    default_model = "gpt-3.5-turbo"
    models = (
        "gpt-3.5-turbo", "gpt-3.5-long", "gpt-4-turbo", "google-gemini", "claude-instant",
        "claude-v1", "claude-v2", "llama2-13b", "mythalion-13b", "pygmalion-13b",
        "chronos-hermes-13b", "Mixtral-8x7B", "Dolphin-2.6-8x7B",
    )
    model_aliases: ClassVar[Mapping[str, str]] = {
        "gemini": "google-gemini",
        "gemini-pro": "google-gemini",
    }
    default_temperature = 0.7

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str | None = None,
        proxy: str | None = None,
        timeouts: Timeouts | None = None,
        clock: Callable[[], float] = time.time,
        nonce: Callable[[], str] = random_nonce,
        device_id: Callable[[], str] = random_device_id,
    ) -> None:
        super().__init__(session, base_url=base_url, proxy=proxy, timeouts=timeouts)
        # Injectable so that tests can check an exact signature.
        self._clock = clock
        self._nonce = nonce
        self._device_id = device_id

    def build_request(
        self, messages: list[ChatMessage], model: str, temperature: float | None, *,
        max_tokens: int | None = None,
    ) -> PreparedRequest:
        """The last message is the question; earlier non-system turns are the history."""
        del max_tokens  # the protocol has no output limit field
        timestamp = str(int(self._clock()))
        nonce = self._nonce()
        headers = {
            "User-Agent": FIREFOX_122,
            "Accept": "*/*",
            "Accept-Language": "en-US;q=0.7,en;q=0.3",
            "Referer": "https://flowgpt.com/",
            "Content-Type": "application/json",
            "Authorization": "Bearer null",
            "Origin": "https://flowgpt.com",
            "Sec-Fetch-Site": "same-site",
            "x-flow-device-id": self._device_id(),
            "x-nonce": nonce,
            "x-signature": sign(timestamp, nonce),
            "x-timestamp": timestamp,
        }
        earlier = messages[:-1]
        history: list[dict[str, str]] = [{"role": "assistant", "content": GREETING}]
        history.extend(m.as_dict() for m in earlier if m.role != "system")
        system = "\n".join(m.content for m in messages if m.role == "system")
        body: dict[str, Any] = {
            "model": model,
            "nsfw": False,
            "question": messages[-1].content if messages else "",
            "history": history,
            "system": system or DEFAULT_SYSTEM,
            "temperature": temperature,
            "promptId": f"model-{model}",
            "documentIds": [],
            "chatFileDocumentIds": [],
            "generateImage": False,
            "generateAudio": False,
        }
        return PreparedRequest(f"{self.base_url}/v3/chat-anonymous", headers, body)

    def new_decoder(self, request: PreparedRequest) -> PieceDecoder:
        """NDJSON ``text`` events, read to the end of the body."""
        return FlowEventPieces()
