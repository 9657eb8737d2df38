"""Speech to text through an OpenAI-compatible endpoint, every failure in the error tree."""

from __future__ import annotations

from urllib.parse import unquote

import aiohttp
import pytest
from aioresponses import aioresponses

from providers.errors import (
    AccessDenied,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
    RequestRejected,
    ResponseFormatError,
)
from providers.openai import OpenAICompatible
from providers.transport import Timeouts
from tests.fakes.local_server import closed_port
from tests.fakes.providers import Failure, FakeProviderServer, Raw

AUDIO = b"OggS\x00\x02" + bytes(range(256)) * 4


def groq(session: aiohttp.ClientSession, base_url: str, **options: object) -> OpenAICompatible:
    """An endpoint called groq with a key."""
    options.setdefault("timeouts", Timeouts(connect=5.0, read=5.0))
    return OpenAICompatible(session, name="groq", base_url=base_url, api_key="gsk-test",
                            **options)  # type: ignore[arg-type]


async def test_transcription(server: FakeProviderServer, session: aiohttp.ClientSession) -> None:
    server.script_transcription("groq", "Привет, как дела?")
    provider = groq(session, server.url_for("groq"))
    text = await provider.transcribe(AUDIO, filename="voice.ogg", model="whisper-large-v3",
                                     content_type="audio/ogg")
    assert text == "Привет, как дела?"
    (request,) = server.requests
    assert (request.method, request.path, request.kind) == (
        "POST", "/groq/audio/transcriptions", "transcription")
    assert request.headers["Authorization"] == "Bearer gsk-test"
    assert request.form is not None
    assert set(request.form) == {"file", "model"}
    assert request.form["file"].value == AUDIO
    assert (request.form["file"].filename, request.form["file"].content_type) == (
        "voice.ogg", "audio/ogg")
    assert request.form["model"].text == "whisper-large-v3"


@pytest.mark.parametrize(("reply", "kind", "text"), [
    (Failure(401, '{"error": {"message": "Invalid API Key"}}'), AccessDenied,
     "groq: HTTP 401: Invalid API Key"),
    (Failure(429, "slow down", headers={"Retry-After": "4"}), RateLimited,
     "groq: HTTP 429: slow down"),
    (Failure(400, '{"error": {"message": "file must be one of flac, mp3, ogg"}}'),
     RequestRejected, "groq: HTTP 400: file must be one of flac, mp3, ogg"),
    (Failure(503, "overloaded"), ProviderUnavailable, "groq: HTTP 503: overloaded"),
    (Raw([b"<html>oops</html>"], content_type="text/html"), ResponseFormatError,
     "did not answer JSON"),
    (Raw([b'{"transcript": "x"}'], content_type="application/json"), ResponseFormatError,
     "groq: the transcription answer has no text"),
    (Raw([b'{"text": 5}'], content_type="application/json"), ResponseFormatError,
     "no text"),
])
async def test_failures(
    server: FakeProviderServer, session: aiohttp.ClientSession,
    reply: Failure | Raw, kind: type[ProviderError], text: str,
) -> None:
    server.script_transcription("groq", reply)
    with pytest.raises(ProviderError) as info:
        await groq(session, server.url_for("groq")).transcribe(AUDIO, filename="a.ogg",
                                                               model="whisper")
    assert type(info.value) is kind
    assert text in str(info.value)
    assert info.value.provider == "groq"


async def test_a_silent_server_times_out(
    server: FakeProviderServer, session: aiohttp.ClientSession
) -> None:
    server.script_transcription("groq", Raw([b'{"text": "late"}'], hold_after=0))
    provider = groq(session, server.url_for("groq"), timeouts=Timeouts(connect=5.0, read=0.2))
    with pytest.raises(ProviderTimeout):
        await provider.transcribe(AUDIO, filename="a.ogg", model="whisper")


async def test_connection_refused(session: aiohttp.ClientSession) -> None:
    port = closed_port()
    with pytest.raises(ProviderUnavailable, match="connection failed"):
        await groq(session, f"http://127.0.0.1:{port}").transcribe(AUDIO, filename="a.ogg",
                                                                    model="whisper")


async def test_proxy_and_timeouts_reach_aiohttp(
    aioresponses_mock: aioresponses, session: aiohttp.ClientSession
) -> None:
    url = "http://stt.test/v1/audio/transcriptions"
    aioresponses_mock.post(url, payload={"text": "hi"})
    provider = OpenAICompatible(session, name="stt", base_url="http://stt.test/v1",
                                proxy="http://proxy.test:3128",
                                timeouts=Timeouts(connect=2.0, read=30.0))
    assert await provider.transcribe(AUDIO, filename="a.wav", model="whisper-1") == "hi"
    (call,) = next(iter(aioresponses_mock.requests.values()))
    assert call.kwargs["proxy"] == "http://proxy.test:3128"
    assert call.kwargs["timeout"].sock_connect == 2.0
    assert isinstance(call.kwargs["data"], aiohttp.FormData)
    assert "Authorization" not in call.kwargs["headers"]  # no key configured


@pytest.mark.parametrize(("filename", "content_type", "sent_name", "sent_type"), [
    ("song\r\nX-Injected: 1\x00.mp3", "audio/mpeg\x1f", "songX-Injected: 1.mp3", "audio/mpeg"),
    ("voice\u200b\u2028\x7f.ogg", "audio/ogg\r\nX-Evil: 1", "voice.ogg",
     "application/octet-stream"),
    ("\r\n\x00", "", "audio.ogg", "application/octet-stream"),
    ("  ", "not a type", "audio.ogg", "application/octet-stream"),
    # (the fake server reads the type without its parameters)
    ("запись.ogg", "audio/ogg; codecs=opus", "запись.ogg", "audio/ogg"),
    ("x" * 5000 + ".m4a", "audio/" + "x" * 5000, "x" * 116 + ".m4a",
     "application/octet-stream"),
])
async def test_a_file_name_and_type_never_break_the_form(
    server: FakeProviderServer, session: aiohttp.ClientSession,
    filename: str, content_type: str, sent_name: str, sent_type: str,
) -> None:
    server.script_transcription("groq", "heard")
    provider = groq(session, server.url_for("groq"))
    assert await provider.transcribe(AUDIO, filename=filename, model="whisper",
                                     content_type=content_type) == "heard"
    (request,) = server.requests
    assert request.form is not None
    assert set(request.form) == {"file", "model"}
    sent = request.form["file"]
    assert (unquote(sent.filename or ""), sent.content_type) == (sent_name, sent_type)
    assert sent.value == AUDIO
