"""Deeply nested JSON from a server is a format error of the tree, wherever it is read."""

from __future__ import annotations

import aiohttp
import pytest

from providers.errors import ProviderError, RequestRejected, ResponseFormatError
from providers.openai import OpenAICompatible
from providers.streams import DecodeError, NDJsonDecoder, SSEJsonDecoder, parse_json
from tests.fakes.providers import Failure, FakeProviderServer, Raw
from tests.providers import collect_until_error
from tests.providers.conftest import TEST_TIMEOUTS, ProviderFactory

HI = [{"role": "user", "content": "hi"}]
DEEP = b"[" * 100_000
DEEP_OBJECT = b'{"a":' * 50_000


def test_parse_json_turns_deep_nesting_into_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="nested too deeply"):
        parse_json(DEEP)
    with pytest.raises(DecodeError):
        list(SSEJsonDecoder().feed(b"data: " + DEEP + b"\n\n"))
    with pytest.raises(DecodeError):
        list(NDJsonDecoder().feed(DEEP + b"\n"))


@pytest.mark.parametrize(("name", "body"), [
    ("openai", b"data: " + DEEP + b"\n\n"),
    ("openai", b"data: " + DEEP),  # the last event, without a blank line
    ("openai", DEEP_OBJECT),  # one JSON document (a server that ignored "stream")
    ("vitalentum", b"data: " + DEEP + b"\n\n"),
    ("flowgpt", DEEP + b"\n"),
])
async def test_a_deeply_nested_answer_is_a_format_error(
    server: FakeProviderServer, make_provider: ProviderFactory, name: str, body: bytes
) -> None:
    server.script(name, Raw([body]))
    received, error = await collect_until_error(make_provider(name).stream(HI))
    assert received == []
    assert type(error) is ResponseFormatError
    assert error.provider == name


async def test_a_deeply_nested_error_body_is_still_a_rejection(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script("openai", Failure(400, DEEP.decode(), content_type="application/json"))
    _, error = await collect_until_error(make_provider("openai").stream(HI))
    assert type(error) is RequestRejected
    assert str(error).startswith("openai: HTTP 400: [[[")


async def test_a_deeply_nested_model_list_is_a_format_error(
    server: FakeProviderServer, make_provider: ProviderFactory
) -> None:
    server.script_models("openai", Raw([DEEP], content_type="application/json"))
    provider = make_provider("openai", models=())
    assert isinstance(provider, OpenAICompatible)
    with pytest.raises(ResponseFormatError, match="did not answer JSON"):
        await provider.discover_models()


async def test_a_deeply_nested_transcription_is_a_format_error(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    server.script_transcription("groq", Raw([DEEP], content_type="application/json"))
    provider = OpenAICompatible(session, name="groq", base_url=server.url_for("groq"),
                                timeouts=TEST_TIMEOUTS)
    with pytest.raises(ProviderError) as info:
        await provider.transcribe(b"OggS", filename="a.ogg", model="whisper")
    assert type(info.value) is ResponseFormatError
