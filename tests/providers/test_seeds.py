"""The seed documents' usage examples, run as written against the fake server.

The only adaptation: each provider's base URL points at the local server through
its ``*_BASE_URL`` variable, and the proxy examples use the local server as the
proxy (with a base URL only a proxy can reach). ``asyncio.run(main())`` becomes
``await main()`` because the test already runs in an event loop.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from providers import AI365VIP, AccessDenied, CodeLinkAva, FlowGpt, ModelNotSupported, Vitalentum
from tests.fakes.providers import Answer, Failure, FakeProviderServer, every

ANSWER = "Hello! I'm fine, thanks. Привет 😀"


@pytest.fixture
def point_at(server: FakeProviderServer, monkeypatch: pytest.MonkeyPatch) -> FakeProviderServer:
    """Every provider's ``*_BASE_URL`` points at the fake server, which answers ``ANSWER``."""
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    for provider in ("vitalentum", "ai365vip", "codelinkava", "flowgpt"):
        server.script(provider, Answer(ANSWER, piece_size=4))
    return server


async def test_vitalentum_example(
    point_at: FakeProviderServer, capsys: pytest.CaptureFixture[str]
) -> None:
    async def main() -> None:
        messages: list[dict[str, str]] = [
            {"role": "user", "content": "Hello, how are you?"},
            {"role": "bot", "content": "I am doing well, thank you for asking."},
        ]
        async for message in Vitalentum.create_async_generator(model="gpt-3.5-turbo",
                                                               messages=messages):
            print(message, end="")

    await main()
    assert capsys.readouterr().out == ANSWER
    (request,) = point_at.requests_for("vitalentum")
    assert json.loads(request.json["conversation"]) == {"history": [
        {"speaker": "human", "text": "Hello, how are you?"},
        {"speaker": "bot", "text": "I am doing well, thank you for asking."},
    ]}


async def test_vitalentum_proxy_example(
    point_at: FakeProviderServer, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VITALENTUM_BASE_URL", "http://app.vitalentum.invalid")

    async def main() -> None:
        messages: list[dict[str, str]] = [
            {"role": "user", "content": "Tell me a joke."},
        ]
        proxy = point_at.base_url  # the seed: "http://your_proxy:8080"
        async for message in Vitalentum.create_async_generator(model="gpt-3.5-turbo",
                                                               messages=messages, proxy=proxy):
            print(message, end="")

    await main()
    assert capsys.readouterr().out == ANSWER
    (request,) = point_at.requests_for("vitalentum")
    assert request.url == "http://app.vitalentum.invalid/api/converse-edge"  # via the proxy
    assert list(request.json) == ["conversation", "temperature"]


async def test_vitalentum_second_seed_example(
    point_at: FakeProviderServer, capsys: pytest.CaptureFixture[str]
) -> None:
    messages = [{"role": "user", "content": "Hello, how are you?"}]
    async for message_chunk in Vitalentum.create_async_generator(model="gpt-3.5-turbo",
                                                                 messages=messages):
        print(message_chunk, end="")
    assert capsys.readouterr().out == ANSWER


@pytest.mark.parametrize("use_proxy", [False, True], ids=["plain", "proxy"])
async def test_ai365vip_examples(
    point_at: FakeProviderServer, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, use_proxy: bool,
) -> None:
    if use_proxy:
        # The prefix tells the fake server which protocol's "/api/chat" is meant.
        monkeypatch.setenv("AI365VIP_BASE_URL", "http://chat.ai365vip.invalid/ai365vip")

    async def main() -> None:
        model = "gpt-3.5-turbo"
        messages: list[dict[str, str]] = [{"role": "user", "content": "Hello, how are you?"}]
        proxy: str | None = point_at.base_url if use_proxy else None

        async def consume_generator(generator: AsyncIterator[str]) -> None:
            async for chunk in generator:
                print(chunk, end="")

        generator = AI365VIP.create_async_generator(model=model, messages=messages, proxy=proxy)
        if generator:
            await consume_generator(generator)

    await main()
    assert capsys.readouterr().out == ANSWER
    (request,) = point_at.requests_for("ai365vip")
    assert request.json["model"]["id"] == "gpt-3.5-turbo-16k"  # the alias, resolved
    assert request.json["messages"] == [{"role": "user", "content": "Hello, how are you?"}]
    assert request.headers["Host"].startswith(
        "chat.ai365vip.invalid" if use_proxy else "127.0.0.1")


async def test_codelinkava_examples(
    point_at: FakeProviderServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Example 1
    model = "gpt-3.5-turbo"
    messages = [{"role": "user", "content": "Hello, how are you?"}]
    async_generator = CodeLinkAva.create_async_generator(model, messages)
    async for response in async_generator:
        print(response, end="")
    # Example 2
    model = "gpt-3.5-turbo"
    messages = [
        {"role": "user", "content": "What is the capital of France?"},
        {"role": "assistant", "content": "The capital of France is Paris."},
        {"role": "user", "content": "What is the capital of Germany?"},
    ]
    async_generator = CodeLinkAva.create_async_generator(model, messages)
    async for response in async_generator:
        print(response, end="")

    assert capsys.readouterr().out == ANSWER * 2
    first, second = point_at.requests_for("codelinkava")
    assert first.json["messages"] == [{"role": "user", "content": "Hello, how are you?"}]
    assert second.json["messages"] == messages
    assert first.headers["Origin"] == "https://ava-ai-ef611.web.app"


@pytest.mark.parametrize(("messages", "system"), [
    ([{"role": "user", "content": "Привет!"}],
     "You are helpful assistant. Follow the user's instructions carefully."),
    ([{"role": "system", "content": "Ты - полезный ассистент."},
      {"role": "user", "content": "Привет!"}], "Ты - полезный ассистент."),
], ids=["example-1", "example-2-system"])
async def test_flowgpt_examples(
    point_at: FakeProviderServer, capsys: pytest.CaptureFixture[str],
    messages: list[dict[str, str]], system: str,
) -> None:
    async def main() -> None:
        model: str = "gpt-3.5-turbo"
        proxy: str | None = None
        temperature: float = 0.7

        async def process_generator(generator: AsyncIterator[str]) -> None:
            async for message in generator:
                print(f"Message: {message}")

        # The seed annotates this AsyncGenerator[str, None]; what it gets is iterable the same way.
        generator: AsyncIterator[str] = await FlowGpt.create_async_generator(
            model=model,
            messages=messages,
            proxy=proxy,
            temperature=temperature,
        )

        await process_generator(generator)

    await main()
    pieces = [ANSWER[i:i + 4] for i in range(0, len(ANSWER), 4)]
    assert capsys.readouterr().out == "".join(f"Message: {p}\n" for p in pieces)
    (request,) = point_at.requests_for("flowgpt")
    assert request.json["question"] == "Привет!"
    assert request.json["system"] == system
    assert request.json["temperature"] == 0.7
    assert request.json["history"] == [
        {"role": "assistant", "content": "Hello, how can I help you today?"}]


async def test_seed_class_attributes() -> None:
    assert Vitalentum.url == "https://app.vitalentum.io"
    assert Vitalentum.supports_gpt_35_turbo
    assert Vitalentum.supports_stream
    assert AI365VIP.url == "https://chat.ai365vip.com"
    assert AI365VIP.api_endpoint == "/api/chat"
    assert CodeLinkAva.url == "https://ava-ai-ef611.web.app"
    assert CodeLinkAva.supports_gpt_35_turbo
    assert FlowGpt.url == "https://flowgpt.com/chat"
    assert FlowGpt.supports_message_history
    assert FlowGpt.supports_system_message
    for cls in (Vitalentum, AI365VIP, CodeLinkAva, FlowGpt):
        assert isinstance(cls.working, bool)


async def test_a_seed_stream_stopped_early_hangs_up(point_at: FakeProviderServer) -> None:
    point_at.script("flowgpt", Answer("x" * 600, chunks=every(200), hold_after=1))
    stream = FlowGpt.create_async_generator("gpt-3.5-turbo", [{"role": "user", "content": "hi"}])
    assert await anext(stream)
    await stream.aclose()  # closes the connection and the stream's own session
    (record,) = point_at.requests_for("flowgpt")
    await record.finished.wait()
    assert record.outcome == "disconnected"


async def test_a_seed_stream_reports_the_library_errors(point_at: FakeProviderServer) -> None:
    point_at.script("vitalentum", Failure(403, "Forbidden"))
    with pytest.raises(AccessDenied, match="vitalentum: HTTP 403: Forbidden"):
        async for _ in Vitalentum.create_async_generator(
                model="gpt-3.5-turbo", messages=[{"role": "user", "content": "hi"}]):
            pass
    with pytest.raises(ModelNotSupported):
        await anext(AI365VIP.create_async_generator("claude", [{"role": "user", "content": "x"}]))
    assert point_at.requests_for("ai365vip") == []
