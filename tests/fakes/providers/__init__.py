"""A local stand-in for the provider protocols, for provider and end-to-end tests.

One ``aiohttp.web`` server on 127.0.0.1 (random port) answers every protocol at
its real path, both at the root and under a per-provider prefix
(``/{provider}/...``), so that one server can stand in for all providers at
once. Any other name (``[a-z][a-z0-9_]*``) is an OpenAI-compatible endpoint
under its own prefix: ``/{name}/chat/completions``, ``/{name}/models`` and
``/{name}/audio/transcriptions``. ``/api/chat`` is both AI365VIP's and
CodeLinkAva's path: at the root it belongs to ``root_api_chat``; use the
prefixed URLs (``url_for``/``env``) to reach both::

    async with FakeProviderServer() as server:
        server.script("flowgpt", "Hello!")                       # the answer text
        server.script("vitalentum", Answer("Привет", chunks=bytewise, newline="\\r\\n"))
        server.script("openai", Failure(429, headers={"Retry-After": "3"}), "ok")
        server.script("ai365vip", lambda body: "echo: " + last_user_text(body))
        os.environ.update(server.env())     # {"FLOWGPT_BASE_URL": server.url_for("flowgpt"), ...}
        os.environ["OLLAMA_BASE_URL"] = server.url_for("ollama")  # any endpoint name
        ...
        server.requests                     # every RecordedRequest, in arrival order

OpenAI-compatible answers script what real servers send::

    Answer("42", reasoning="Let me think.")                        # delta.reasoning_content
    Answer("42", reasoning="Hm.", reasoning_style="reasoning")     # delta.reasoning (vLLM, Ollama)
    Answer("42", reasoning="Hm.", reasoning_style="think", piece_size=2)  # <think>…</think> split
    Answer("42", reasoning="Hm.", reasoning_style="think_unopened")  # "Hm.</think>\\n\\n42"
    Answer("abc", comment=": OPENROUTER PROCESSING")   # an SSE comment before every frame
    Answer("late", hold_after=1, keepalive=b": ping\\n\\n", chunks=linewise)  # while holding
    Answer("partial", piece_size=2, error_after=2, error="overloaded")  # error chunk after 2
    Answer("cut", finish_reason="length")              # or "content_filter", None (no finish)
    Answer("hi", usage=(12, 3))                        # last chunk: "choices": [] and usage
    Answer("hi", usage=(12, 3), usage_style="every")   # usage on every chunk ("choice": inside)
    Answer("hi", streaming=False)                      # one application/json chat.completion
    RejectsStreamOptions("hi")      # 400 naming stream_options while the body carries it
    server.script_models("ollama", ["llama3"])         # GET /ollama/models (default: .models)
    server.script_transcription("groq", "hello", Failure(500))  # {"text": "hello"}, then 500
    server.requests_for("groq", "transcription")[0].form["model"].text  # the multipart fields

``Answer(..., pace=0.02)`` writes a chunk every 20 ms (a model writing at its
own pace, for load and concurrency tests). With ``server.conversation_of =
lambda body: ...`` naming a request's conversation, two chat requests of one
conversation in flight at the same time are recorded in ``server.overlaps``
(one answer per chat at a time).

A provider's replies are served in order and the last one repeats. Chunking,
line endings and pauses belong to a reply, so a test asks for exactly the
awkward delivery it needs; pauses wait on ``asyncio.Event`` objects, never on
sleeps (keep-alives, when asked for, are written every ``keepalive_every``
seconds while a pause lasts: cut such a body ``linewise`` to put them between
lines). Answers are framed per protocol: SSE chat-completion chunks (with a
role-only first chunk, a finish chunk and ``data: [DONE]``), FlowGpt NDJSON
events (with non-text ``start``/``done`` events), or AI365VIP's plain text.
Requests are recorded with their body parsed as JSON (content parts included)
or, for multipart bodies, as form fields.

Modules: ``chunkers`` (how a body is cut into writes), ``replies`` (what a
test scripts, what the server records), ``completions`` (chat-completion
chunks and their quirks), ``protocols`` (paths and framing), ``forms``
(multipart bodies) and ``server``.
"""

from tests.fakes.providers.chunkers import (
    Chunker,
    awkward,
    by_event,
    bytewise,
    every,
    linewise,
    split_at,
    whole,
)
from tests.fakes.providers.forms import FormField
from tests.fakes.providers.protocols import (
    CHAT_PATHS,
    PROVIDERS,
    SEEDS,
    frame,
    last_user_text,
    protocol_of,
)
from tests.fakes.providers.replies import (
    STREAM_OPTIONS_REJECTION,
    Answer,
    Delivery,
    Failure,
    Hang,
    Raw,
    RecordedRequest,
    RejectsStreamOptions,
    Reply,
    TranscriptionReply,
)
from tests.fakes.providers.server import FakeProviderServer

__all__ = [
    "CHAT_PATHS",
    "PROVIDERS",
    "SEEDS",
    "STREAM_OPTIONS_REJECTION",
    "Answer",
    "Chunker",
    "Delivery",
    "Failure",
    "FakeProviderServer",
    "FormField",
    "Hang",
    "Raw",
    "RecordedRequest",
    "RejectsStreamOptions",
    "Reply",
    "TranscriptionReply",
    "awkward",
    "by_event",
    "bytewise",
    "every",
    "frame",
    "last_user_text",
    "linewise",
    "protocol_of",
    "split_at",
    "whole",
]
