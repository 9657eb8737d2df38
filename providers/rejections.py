"""Request fields some OpenAI-compatible servers refuse, and how to ask them again.

A small table: each known refusal names the body field it is about, how
servers word it, and how to mend the body. A 400 (or a 422, as FastAPI-based
servers such as vLLM answer) that matches is retried at once with the body
mended, at most once per refusal and request, and remembered: for the whole
endpoint (``stream_options``: Gemini refuses it for every model) or for one
model (``max_tokens``: only OpenAI's reasoning models want
``max_completion_tokens``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from providers.errors import RequestRejected
from providers.memory import RecentNames

REJECTION_STATUSES: Final = (400, 422)
MODELS_MAX: Final = 64
"""Models of one endpoint remembered with a refusal of their own (the most recent)."""

Body = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Refusal:
    """A known refusal of a body field: its wording, its mend, and what it holds for."""

    field: str
    wording: re.Pattern[str]
    mend: Callable[[Body], Body]
    per_model: bool


def _without(field: str) -> Callable[[Body], Body]:
    return lambda body: {k: v for k, v in body.items() if k != field}


def _renamed(old: str, new: str) -> Callable[[Body], Body]:
    return lambda body: {(new if k == old else k): v for k, v in body.items()}


REFUSALS: Final = (
    # Gemini: 'Unknown name "stream_options"'; FastAPI: loc ["body", "stream_options"].
    Refusal("stream_options", re.compile(r"stream_options"), _without("stream_options"),
            per_model=False),
    # OpenAI's reasoning models: "Unsupported parameter: 'max_tokens' is not supported with
    # this model. Use 'max_completion_tokens' instead." (A limit that is too large is not this.)
    Refusal("max_tokens",
            re.compile(r"(?=.*\bmax_tokens\b)(?=.*(?:unsupported|not supported"
                       r"|use '?max_completion_tokens))", re.IGNORECASE | re.DOTALL),
            _renamed("max_tokens", "max_completion_tokens"), per_model=True),
)

# How servers say a model cannot take images (a 400 to a request with images may be
# about anything else: its length, its temperature...).
_ABOUT_IMAGES = re.compile(r"image|vision|multi-?modal|modalit", re.IGNORECASE)


def refusal_of(error: RequestRejected, body: Body) -> Refusal | None:
    """The known refusal ``error`` is, when ``body`` carries the field it names."""
    if error.status not in REJECTION_STATUSES:
        return None
    return next((r for r in REFUSALS if r.field in body and r.wording.search(error.message)),
                None)


def about_images(error: RequestRejected, body: Body) -> bool:
    """Whether ``error`` says the model cannot take the images ``body`` carries."""
    return (error.status in REJECTION_STATUSES and carries_images(body)
            and _ABOUT_IMAGES.search(error.message) is not None)


def carries_images(body: Body) -> bool:
    """Whether a chat request body has an image part in any message."""
    return any(isinstance(m.get("content"), list)
               and any(p.get("type") == "image_url" for p in m["content"])
               for m in body.get("messages", ()))


class RefusalMemory:
    """The refusals one endpoint has made: for all its models, or per model (bounded)."""

    def __init__(self) -> None:
        self._everywhere: set[str] = set()
        self._per_model = RecentNames(MODELS_MAX * len(REFUSALS))

    def add(self, refusal: Refusal, model: str) -> None:
        """Remember ``refusal`` for ``model`` (or for every model, as it holds)."""
        if refusal.per_model:
            self._per_model.add(f"{refusal.field} {model}")
        else:
            self._everywhere.add(refusal.field)

    def mend(self, body: Body, model: str) -> Body:
        """``body`` with every remembered refusal of ``model`` mended in advance."""
        for refusal in REFUSALS:
            if refusal.field in body and (refusal.field in self._everywhere
                                          or f"{refusal.field} {model}" in self._per_model):
                body = refusal.mend(body)
        return body
