"""Chat-completion chunks as OpenAI-compatible servers send them, with each server's quirks."""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.providers.replies import Answer


def cut(text: str, size: int) -> list[str]:
    """``text`` in pieces of ``size`` characters."""
    size = max(1, size)
    return [text[i:i + size] for i in range(0, len(text), size)]


def content_of(text: str, answer: Answer) -> str:
    """The ``content`` the model writes: the answer, with inline thoughts when scripted so."""
    if answer.reasoning and answer.reasoning_style == "think":
        return f"<think>{answer.reasoning}</think>\n\n{text}"
    if answer.reasoning and answer.reasoning_style == "think_unopened":
        return f"{answer.reasoning}</think>\n\n{text}"
    return text


def usage_of(answer: Answer, share: float = 1.0) -> dict[str, int]:
    """The ``usage`` object (``share`` of the completion tokens, for growing usage)."""
    prompt, completion = answer.usage or (0, 0)
    done = round(completion * share)
    return {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done}


def chunks(text: str, answer: Answer) -> list[dict[str, Any]]:
    """Every chunk of a streamed answer, in order (``[DONE]`` is the framer's)."""
    out: list[dict[str, Any]] = [{"choices": [{"index": 0, "delta": {"role": "assistant"}}]}]
    if answer.reasoning and answer.reasoning_style in ("reasoning_content", "reasoning"):
        out += [{"choices": [{"index": 0, "delta": {answer.reasoning_style: piece}}]}
                for piece in cut(answer.reasoning, answer.piece_size)]
    pieces = cut(content_of(text, answer), answer.piece_size)
    for index, piece in enumerate(pieces):
        if index == answer.error_after:
            break
        out.append({"choices": [{"index": 0, "delta": {"content": piece}}]})
    if answer.error_after is not None and answer.error_after <= len(pieces):
        out.append(error_chunk(answer))
        return out
    if answer.finish_reason is not None:
        out.append({"choices": [{"index": 0, "delta": {}, "finish_reason": answer.finish_reason}]})
        if answer.usage and answer.usage_style == "choice":
            out[-1]["choices"][0]["usage"] = usage_of(answer)
    if answer.usage and answer.usage_style == "every":
        for index, chunk in enumerate(out):
            chunk["usage"] = usage_of(answer, (index + 1) / len(out))
    if answer.usage and answer.usage_style == "final":
        out.append({"choices": [], "usage": usage_of(answer)})
    return out


def error_chunk(answer: Answer) -> dict[str, Any]:
    """The chunk that reports a failure mid-stream, in the scripted style."""
    error = {"message": answer.error, "code": 502}
    if answer.error_style == "object":
        return {"error": error}
    finish = {"index": 0, "delta": {"content": ""}, "finish_reason": "error"}
    if answer.error_style == "finish":
        return {"choices": [finish]}
    return {"error": error, "choices": [finish]}


def completion(text: str, answer: Answer) -> bytes:
    """A whole ``chat.completion`` object: what a server that ignores ``stream`` answers."""
    message: dict[str, Any] = {"role": "assistant", "content": content_of(text, answer)}
    if answer.reasoning and answer.reasoning_style in ("reasoning_content", "reasoning"):
        message[answer.reasoning_style] = answer.reasoning
    body: dict[str, Any] = {
        "id": "chatcmpl-fake", "object": "chat.completion",
        "choices": [{"index": 0, "message": message, "finish_reason": answer.finish_reason}],
    }
    if answer.usage:
        body["usage"] = usage_of(answer)
    return json.dumps(body, ensure_ascii=False).encode()


def sse(text: str, answer: Answer) -> bytes:
    """The SSE body of a streamed answer: ``data:`` events, comments, ``[DONE]``."""
    prefix = "data: " if answer.sse_space else "data:"
    events: list[str] = []
    for chunk in chunks(text, answer):
        if answer.comment is not None:
            events.append(answer.comment)
        events.append(prefix + json.dumps(chunk, ensure_ascii=False))
    if answer.end_marker:
        events.append(prefix + "[DONE]")
    nl = answer.newline
    separator = nl + nl if answer.sse_separators else nl
    return (separator.join(events) + (separator if answer.final_newline else "")).encode()
