"""Request fields a server refuses: each known refusal fixed once, remembered, never looped."""

from __future__ import annotations

import json

import pytest

from providers.errors import ImagesNotSupported, RequestRejected
from providers.messages import ChatMessage, Image
from tests.fakes.providers import STREAM_OPTIONS_REJECTION, Failure, FakeProviderServer
from tests.providers import collect, collect_until_error
from tests.providers.conftest import ProviderFactory

HI = [{"role": "user", "content": "hi"}]
# What OpenAI's reasoning models answer to "max_tokens".
MAX_TOKENS_REJECTION = Failure(400, json.dumps({"error": {
    "message": "Unsupported parameter: 'max_tokens' is not supported with this model. "
               "Use 'max_completion_tokens' instead.",
    "type": "invalid_request_error", "param": "max_tokens", "code": "unsupported_parameter",
}}), content_type="application/json")
# What a FastAPI-based server (vLLM, many proxies) answers to a field it does not know.
STREAM_OPTIONS_422 = Failure(422, json.dumps({"detail": [{
    "type": "extra_forbidden", "loc": ["body", "stream_options"],
    "msg": "Extra inputs are not permitted", "input": {"include_usage": True},
}]}), content_type="application/json")
PICTURE = [ChatMessage("user", "What is this?", (Image(b"\x89PNG fake", "image/png"),))]


@pytest.mark.parametrize("rejection", [STREAM_OPTIONS_REJECTION, STREAM_OPTIONS_422],
                         ids=["400", "422"])
async def test_stream_options_refused_is_dropped_for_the_endpoint(
    server: FakeProviderServer, make_provider: ProviderFactory, rejection: Failure
) -> None:
    server.script("openai", rejection, "fine")
    provider = make_provider("openai")
    assert "".join(await collect(provider.stream(HI))) == "fine"
    assert "".join(await collect(provider.stream(HI, model="fake-model-b"))) == "fine"
    first, retried, later = (r.json for r in server.requests_for("openai"))
    assert "stream_options" in first
    assert retried == {k: v for k, v in first.items() if k != "stream_options"}
    assert "stream_options" not in later  # the whole endpoint, every model


async def test_max_tokens_refused_becomes_max_completion_tokens_for_that_model(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", MAX_TOKENS_REJECTION, "fine")
    provider = make_provider("openai")
    assert "".join(await collect(provider.stream(HI, max_tokens=100))) == "fine"
    assert "".join(await collect(provider.stream(HI, max_tokens=50))) == "fine"
    assert "".join(await collect(provider.stream(HI, max_tokens=10,
                                                 model="fake-model-b"))) == "fine"
    first, retried, later, other = (r.json for r in server.requests_for("openai"))
    assert first["max_tokens"] == 100
    assert "max_tokens" not in retried
    assert retried["max_completion_tokens"] == 100
    assert list(retried) == ["model", "messages", "stream", "stream_options",
                             "max_completion_tokens"]
    assert "max_tokens" not in later  # remembered for that model
    assert later["max_completion_tokens"] == 50
    assert "max_completion_tokens" not in other  # another model keeps the usual field
    assert other["max_tokens"] == 10


async def test_two_refusals_in_one_request_are_both_fixed(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", STREAM_OPTIONS_REJECTION, MAX_TOKENS_REJECTION, "fine")
    assert "".join(await collect(make_provider("openai").stream(HI, max_tokens=7))) == "fine"
    last = server.requests_for("openai")[-1].json
    assert len(server.requests) == 3
    assert "stream_options" not in last
    assert "max_tokens" not in last
    assert last["max_completion_tokens"] == 7


@pytest.mark.parametrize("rejection", [STREAM_OPTIONS_REJECTION, MAX_TOKENS_REJECTION],
                         ids=["stream_options", "max_tokens"])
async def test_a_fix_is_tried_once_per_request(
    server: FakeProviderServer, make_provider: ProviderFactory, rejection: Failure
) -> None:
    server.script("openai", rejection)  # a server that says the same whatever it gets
    received, error = await collect_until_error(make_provider("openai").stream(HI, max_tokens=5))
    assert received == []
    assert type(error) is RequestRejected
    assert error.status == 400
    assert len(server.requests) == 2


async def test_an_unknown_rejection_is_not_retried(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Failure(422, '{"detail": "temperature must be at most 2"}'))
    _, error = await collect_until_error(make_provider("openai").stream(HI))
    assert type(error) is RequestRejected
    assert str(error) == "openai: HTTP 422: temperature must be at most 2"
    assert len(server.requests) == 1


async def test_a_context_length_error_with_images_stays_a_rejection(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Failure(400, '{"error": {"message": "This model\'s maximum context '
                                         'length is 8192 tokens. However, your messages '
                                         'resulted in 9000 tokens."}}'))
    _, error = await collect_until_error(make_provider("openai").stream(PICTURE))
    assert type(error) is RequestRejected
    assert str(error) == ("openai: HTTP 400: This model's maximum context length is 8192 "
                          "tokens. However, your messages resulted in 9000 tokens.")


@pytest.mark.parametrize(("status", "message"), [
    (400, "Invalid content type. image_url is only supported by certain models."),
    (400, "llama3 is not a multimodal model"),
    (422, "This model does not support vision input"),
    (400, "Image input is not supported for this model"),
])
async def test_a_rejection_about_images_says_so(
    server: FakeProviderServer, make_provider: ProviderFactory, status: int, message: str
) -> None:
    server.script("openai", Failure(status, json.dumps({"error": {"message": message}})))
    _, error = await collect_until_error(make_provider("openai").stream(PICTURE))
    assert type(error) is ImagesNotSupported
    assert (error.status, str(error)) == (status, f"openai: HTTP {status}: {message}")
    assert len(server.requests) == 1


async def test_a_validation_error_list_is_read(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", STREAM_OPTIONS_422)
    _, error = await collect_until_error(make_provider("openai").stream(HI))
    assert type(error) is RequestRejected
    assert str(error) == ("openai: HTTP 422: body.stream_options: Extra inputs are not "
                          "permitted")
