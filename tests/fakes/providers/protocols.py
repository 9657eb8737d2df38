"""The provider protocols: their paths, content types, request bodies and answer framing."""

from __future__ import annotations

import json
import re
from typing import Any, Final

from tests.fakes.providers.completions import completion, sse
from tests.fakes.providers.replies import Answer

PROVIDERS: Final = ("vitalentum", "ai365vip", "codelinkava", "flowgpt", "openai")
SEEDS: Final = ("vitalentum", "ai365vip", "codelinkava", "flowgpt")
# Any other name of this shape is an OpenAI-compatible endpoint under its own prefix.
ENDPOINT_NAME: Final = re.compile(r"[a-z][a-z0-9_]*")
CHAT_PATHS: Final = {
    "vitalentum": "/api/converse-edge",
    "ai365vip": "/api/chat",
    "codelinkava": "/api/chat",
    "flowgpt": "/v3/chat-anonymous",
    "openai": "/chat/completions",
}
OPENAI_PATHS: Final = {"/chat/completions": "chat", "/models": "models",
                      "/audio/transcriptions": "transcription"}
CONTENT_TYPES: Final = {
    "vitalentum": "text/event-stream",
    "codelinkava": "text/event-stream",
    "openai": "text/event-stream",
    "flowgpt": "application/x-ndjson",
    "ai365vip": "text/plain; charset=utf-8",
}


def protocol_of(name: str) -> str:
    """The protocol a provider name speaks: a seed's own, else OpenAI-compatible."""
    return name if name in SEEDS else "openai"


def route_of(path: str, root_api_chat: str) -> tuple[str, str] | None:
    """Which provider and kind of request (chat, models, transcription) a path reaches.

    ``/{name}/...`` reaches that provider or endpoint; an unprefixed path reaches the
    protocol that uses it (``/api/chat``: ``root_api_chat``'s).
    """
    head, _, rest = path.lstrip("/").partition("/")
    if head in PROVIDERS:
        return _match(head, "/" + rest)
    owners = [root_api_chat] if path == "/api/chat" else list(PROVIDERS)
    for provider in owners:
        if (route := _match(provider, path)) is not None:
            return route
    return _match(head, "/" + rest) if ENDPOINT_NAME.fullmatch(head) else None


def _match(provider: str, path: str) -> tuple[str, str] | None:
    protocol = protocol_of(provider)
    if protocol == "openai":
        kind = OPENAI_PATHS.get(path)
        return (provider, kind) if kind else None
    return (provider, "chat") if path == CHAT_PATHS[protocol] else None


def content_type(provider: str, answer: Answer) -> str:
    """The ``Content-Type`` of ``answer`` from ``provider``."""
    protocol = protocol_of(provider)
    if protocol == "openai" and not answer.streaming:
        return "application/json"
    return CONTENT_TYPES[protocol]


def last_user_text(body: Any) -> str:
    """The last user message of a chat request body, whichever protocol it uses.

    For AI365VIP's flattened prompt this is the last ``User:`` line (its first line only);
    for a message of content parts, its text parts joined.
    """
    if not isinstance(body, dict):
        return ""
    if "question" in body:  # FlowGpt
        return str(body["question"])
    if "conversation" in body:  # Vitalentum: the history is a JSON string
        turns = json.loads(body["conversation"])["history"]
        return next((t["text"] for t in reversed(turns) if t["speaker"] == "human"), "")
    messages = body.get("messages") or []
    if isinstance(body.get("model"), dict) and messages:  # AI365VIP
        prompt = str(messages[0]["content"])
        if not prompt.endswith("\nAssistant:"):
            return prompt
        users = [line[6:] for line in prompt.splitlines() if line.startswith("User: ")]
        return users[-1] if users else ""
    content = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if p.get("type") == "text")
    return str(content)


def frame(provider: str, text: str, answer: Answer) -> bytes:
    """The body that carries ``text`` in ``provider``'s protocol."""
    protocol = protocol_of(provider)
    if protocol == "ai365vip":
        return text.encode()
    if protocol == "flowgpt":
        size = max(1, answer.piece_size)
        pieces = [text[i:i + size] for i in range(0, len(text), size)]
        events = [{"event": "start"}, *({"event": "text", "data": p} for p in pieces),
                  {"event": "done"}]
        lines = [json.dumps(e, ensure_ascii=False) for e in events]
        nl = answer.newline
        return (nl.join(lines) + (nl if answer.final_newline else "")).encode()
    if protocol == "openai" and not answer.streaming:
        return completion(text, answer)
    return sse(text, answer)
