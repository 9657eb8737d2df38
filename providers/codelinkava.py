"""CodeLinkAva: OpenAI-style messages in, SSE chat-completion chunks out."""

from __future__ import annotations

from providers.base import Provider
from providers.messages import ChatMessage
from providers.pieces import ChatCompletionPieces, PieceDecoder
from providers.transport import PreparedRequest
from providers.vitalentum import CHROME_116_WINDOWS


class CodeLinkAva(Provider):
    """``POST {api_base}/api/chat``; Origin and Referer name the web app, not the API."""

    name = "codelinkava"
    label = "CodeLinkAva"
    url = "https://ava-ai-ef611.web.app"
    api_base = "https://ava-alpha-api.codelink.io"
    supports_gpt_35_turbo = True
    accepts_any_model = True
    default_model = "gpt-3.5-turbo"
    default_temperature = 0.6

    def build_request(
        self, messages: list[ChatMessage], model: str, temperature: float | None, *,
        max_tokens: int | None = None,
    ) -> PreparedRequest:
        """Messages go as role/content dicts; the model is not sent."""
        del max_tokens  # the protocol has no output limit field
        headers = {
            "User-Agent": CHROME_116_WINDOWS,
            "Accept": "*/*",
            "Accept-language": (
                "en,fr-FR;q=0.9,fr;q=0.8,es-ES;q=0.7,es;q=0.6,en-US;q=0.5,am;q=0.4,de;q=0.3"
            ),
            "Origin": self.url,
            "Referer": f"{self.url}/",
            "Sec-Fetch-Dest": "empty",
            "Sec-Fetch-Mode": "cors",
            "Sec-Fetch-Site": "same-origin",
            "Content-Type": "application/json",
        }
        body = {
            "messages": [m.as_dict() for m in messages],
            "temperature": temperature,
            "stream": True,
        }
        return PreparedRequest(f"{self.base_url}/api/chat", headers, body)

    def new_decoder(self, request: PreparedRequest) -> PieceDecoder:
        """Chat-completion chunks over SSE, ended by ``[DONE]``."""
        return ChatCompletionPieces()
