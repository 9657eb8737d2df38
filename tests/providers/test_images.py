"""Images in messages: content parts for OpenAI-compatible servers, markers for the seeds."""

from __future__ import annotations

import base64

import pytest

from providers.errors import ImagesNotSupported, RequestRejected
from providers.messages import ChatMessage, Image
from tests.fakes.providers import SEEDS, Failure, FakeProviderServer, last_user_text
from tests.providers import collect, collect_until_error
from tests.providers.conftest import ProviderFactory

PNG = b"\x89PNG\r\n\x1a\nfake"
JPEG = b"\xff\xd8\xff\xe0fake"


def data_url(data: bytes, mime: str) -> str:
    """The data URL of ``data``."""
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


async def test_openai_gets_content_parts(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", "A cat.")
    messages = [
        ChatMessage("system", "Be brief."),
        ChatMessage("user", "What is this?", (Image(PNG, "image/png"), Image(JPEG))),
        ChatMessage("assistant", "A cat."),
        ChatMessage("user", "", (Image(JPEG),)),
    ]
    assert "".join(await collect(make_provider("openai").stream(messages))) == "A cat."
    assert server.requests[0].json["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": data_url(PNG, "image/png")}},
            {"type": "image_url", "image_url": {"url": data_url(JPEG, "image/jpeg")}},
        ]},
        {"role": "assistant", "content": "A cat."},
        {"role": "user", "content": [  # no text part when there is no text
            {"type": "image_url", "image_url": {"url": data_url(JPEG, "image/jpeg")}},
        ]},
    ]


@pytest.mark.parametrize("name", SEEDS)
async def test_seeds_get_a_marker_per_image(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    server.script(name, lambda body: last_user_text(body))
    messages = [ChatMessage("user", "Look:", (Image(PNG), Image(PNG)))]
    assert "".join(await collect(make_provider(name).stream(messages))) == "Look: [image] [image]"
    assert b"base64" not in server.requests[0].body


def test_an_image_alone_is_its_marker() -> None:
    assert ChatMessage("user", "", (Image(PNG),)).with_markers() == ChatMessage("user", "[image]")
    plain = ChatMessage("user", "text")
    assert plain.with_markers() is plain


async def test_a_400_to_images_means_they_are_not_supported(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Failure(400, '{"error": {"message": "Invalid content type. '
                                         'image_url is only supported by certain models."}}'))
    messages = [ChatMessage("user", "What is this?", (Image(PNG),))]
    received, error = await collect_until_error(make_provider("openai").stream(messages))
    assert received == []
    assert type(error) is ImagesNotSupported
    assert isinstance(error, RequestRejected)
    assert error.kind == "images"
    assert error.status == 400
    assert str(error) == ("openai: HTTP 400: Invalid content type. image_url is only "
                          "supported by certain models.")
    assert isinstance(error.__cause__, RequestRejected)


async def test_a_400_without_images_stays_a_rejection(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Failure(400, "context too long"))
    error = (await collect_until_error(make_provider("openai").stream(
        [ChatMessage("user", "hi")])))[1]
    assert type(error) is RequestRejected


PARTS = [{"role": "user", "content": [
    {"type": "text", "text": "What is"},
    {"type": "image_url", "image_url": {"url": data_url(PNG, "image/png")}},
    {"type": "text", "text": "this?"},
]}]


async def test_openai_style_content_parts_reach_openai_as_parts(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", "A cat.")
    assert "".join(await collect(make_provider("openai").stream(PARTS))) == "A cat."
    assert server.requests[0].json["messages"] == [{"role": "user", "content": [
        {"type": "text", "text": "What is\nthis?"},
        {"type": "image_url", "image_url": {"url": data_url(PNG, "image/png")}},
    ]}]


@pytest.mark.parametrize("name", SEEDS)
async def test_openai_style_content_parts_reach_seeds_as_text_and_markers(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str
) -> None:
    server.script(name, lambda body: last_user_text(body))
    assert "".join(await collect(make_provider(name).stream(PARTS))) == "What is\nthis? [image]"
    assert b"base64" not in server.requests[0].body
