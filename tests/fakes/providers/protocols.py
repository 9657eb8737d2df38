"""The five provider protocols: their paths, content types, request bodies and answer framing."""

from __future__ import annotations

import json
from typing import Any, Final

from tests.fakes.providers.replies import Answer

PROVIDERS: Final = ("vitalentum", "ai365vip", "codelinkava", "flowgpt", "openai")
CHAT_PATHS: Final = {
    "vitalentum": "/api/converse-edge",
    "ai365vip": "/api/chat",
    "codelinkava": "/api/chat",
    "flowgpt": "/v3/chat-anonymous",
    "openai": "/chat/completions",
}
CONTENT_TYPES: Final = {
    "vitalentum": "text/event-stream",
    "codelinkava": "text/event-stream",
    "openai": "text/event-stream",
    "flowgpt": "application/x-ndjson",
    "ai365vip": "text/plain; charset=utf-8",
}


def last_user_text(body: Any) -> str:
    """The last user message of a chat request body, whichever protocol it uses.

    For AI365VIP's flattened prompt this is the last ``User:`` line (its first line only).
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
    return next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")


def frame(provider: str, text: str, answer: Answer) -> bytes:
    """The body that carries ``text`` in ``provider``'s protocol."""
    size = max(1, answer.piece_size)
    pieces = [text[i:i + size] for i in range(0, len(text), size)]
    nl = answer.newline
    if provider == "ai365vip":
        return text.encode()
    if provider == "flowgpt":
        events = [{"event": "start"}, *({"event": "text", "data": p} for p in pieces),
                  {"event": "done"}]
        lines = [json.dumps(e, ensure_ascii=False) for e in events]
        return (nl.join(lines) + (nl if answer.final_newline else "")).encode()
    chunks: list[Any] = [{"choices": [{"index": 0, "delta": {"role": "assistant"}}]}]
    chunks += [{"choices": [{"index": 0, "delta": {"content": p}}]} for p in pieces]
    chunks.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    prefix = "data: " if answer.sse_space else "data:"
    data = [prefix + json.dumps(c, ensure_ascii=False) for c in chunks]
    if answer.end_marker:
        data.append(prefix + "[DONE]")
    separator = nl + nl if answer.sse_separators else nl
    return (separator.join(data) + (separator if answer.final_newline else "")).encode()
