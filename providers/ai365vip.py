"""AI365VIP: the conversation flattened into one prompt, a plain-text answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from providers.base import Provider
from providers.messages import ChatMessage, format_prompt
from providers.pieces import PieceDecoder, PlainTextPieces
from providers.transport import PreparedRequest

CHROME_127_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36"
)


class AI365VIP(Provider):
    """``POST {url}{api_endpoint}``; the answer streams as unframed text until EOF."""

    name = "ai365vip"
    label = "AI365VIP"
    url = "https://chat.ai365vip.com"
    api_base = url
    api_endpoint = "/api/chat"
    default_model = "gpt-3.5-turbo"
    models = ("gpt-3.5-turbo", "gpt-3.5-turbo-16k", "gpt-4o")
    model_aliases: ClassVar[Mapping[str, str]] = {"gpt-3.5-turbo": "gpt-3.5-turbo-16k"}
    default_temperature = 1

    def build_request(
        self, messages: list[ChatMessage], model: str, temperature: float | None, *,
        max_tokens: int | None = None,
    ) -> PreparedRequest:
        """The body's keys keep the upstream order; name/maxLength/tokenLimit were constants."""
        del max_tokens  # the protocol has no output limit field
        headers = {
            "accept": "*/*",
            "accept-language": "en-US,en;q=0.9",
            "content-type": "application/json",
            "origin": self.base_url,
            "referer": f"{self.base_url}/en",
            "sec-ch-ua": '"Chromium";v="127", "Not)A;Brand";v="99"',
            "sec-ch-ua-arch": '"x86"',
            "sec-ch-ua-bitness": '"64"',
            "sec-ch-ua-full-version": '"127.0.6533.119"',
            "sec-ch-ua-full-version-list": (
                '"Chromium";v="127.0.6533.119", "Not)A;Brand";v="99.0.0.0"'
            ),
            "sec-ch-ua-mobile": "?0",
            "sec-ch-ua-model": '""',
            "sec-ch-ua-platform": '"Linux"',
            "sec-ch-ua-platform-version": '"4.19.276"',
            "sec-fetch-dest": "empty",
            "sec-fetch-mode": "cors",
            "sec-fetch-site": "same-origin",
            "user-agent": CHROME_127_LINUX,
        }
        body = {
            "model": {"id": model, "name": "GPT-3.5", "maxLength": 3000, "tokenLimit": 2048},
            "messages": [{"role": "user", "content": format_prompt(messages)}],
            "key": "",
            "prompt": "You are a helpful assistant.",
            "temperature": temperature,
        }
        return PreparedRequest(f"{self.base_url}{self.api_endpoint}", headers, body)

    def new_decoder(self, request: PreparedRequest) -> PieceDecoder:
        """Plain UTF-8 text, no framing, no end marker."""
        return PlainTextPieces()
