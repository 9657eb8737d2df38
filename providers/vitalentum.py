"""Vitalentum: SSE chat completions behind a conversation serialised as a JSON string."""

from __future__ import annotations

import json

from providers.base import Provider
from providers.messages import ChatMessage
from providers.pieces import ChatCompletionPieces, PieceDecoder
from providers.transport import PreparedRequest

CHROME_116_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/116.0.0.0 Safari/537.36"
)


class Vitalentum(Provider):
    """``POST {base}/api/converse-edge``; the model is not sent."""

    name = "vitalentum"
    label = "Vitalentum"
    url = "https://app.vitalentum.io"
    api_base = url
    supports_gpt_35_turbo = True
    accepts_any_model = True
    default_model = "gpt-3.5-turbo"
    default_temperature = 0.7

    def build_request(
        self, messages: list[ChatMessage], model: str, temperature: float | None, *,
        max_tokens: int | None = None,
    ) -> PreparedRequest:
        """The conversation travels as a JSON string inside the JSON body."""
        del max_tokens  # the protocol has no output limit field
        history = [
            {"speaker": "human" if m.role == "user" else "bot", "text": m.content}
            for m in messages
        ]
        headers = {
            "User-Agent": CHROME_116_WINDOWS,
            "Accept": "text/event-stream",
            "Accept-Language": "de,en-US;q=0.7,en;q=0.3",
            "Origin": self.base_url,
            "Referer": f"{self.base_url}/",
            "Sec-Fetch-Dest": "empty",
            "Sec-Fetch-Mode": "cors",
            "Sec-Fetch-Site": "same-origin",
            "Content-Type": "application/json",
        }
        body = {
            "conversation": json.dumps({"history": history}),
            "temperature": temperature,
        }
        return PreparedRequest(f"{self.base_url}/api/converse-edge", headers, body)

    def new_decoder(self, request: PreparedRequest) -> PieceDecoder:
        """Chat-completion chunks over SSE, ended by ``[DONE]``."""
        return ChatCompletionPieces()
