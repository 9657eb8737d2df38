"""The exact requests each provider sends (URL, headers, body keys in order), via aioresponses."""

from __future__ import annotations

import json
import re
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from yarl import URL

from providers.ai365vip import AI365VIP
from providers.base import Provider
from providers.codelinkava import CodeLinkAva
from providers.flowgpt import FlowGpt, random_device_id, random_nonce, sign
from providers.openai import OpenAICompatible
from providers.vitalentum import Vitalentum
from tests.fakes.providers import CHAT_PATHS, Answer, frame
from tests.providers import collect

CONVERSATION = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hello, how are you?"},
    {"role": "bot", "content": "I am doing well, thank you for asking."},
    {"role": "user", "content": "Tell me a joke."},
]
CHROME_116 = re.compile(r"^Mozilla/5\.0 \((Windows NT|Macintosh|X11)[^)]*\) .*Chrome/116\.")
SEC_FETCH = {"Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Site": "same-origin"}


def answer_with(mock: aioresponses, url: str, provider: str, text: str = "ok") -> None:
    """Let ``url`` answer ``text`` in ``provider``'s framing."""
    mock.post(url, body=frame(provider, text, Answer(text)))


def sent(mock: aioresponses, url: str, index: int = 0) -> dict[str, Any]:
    """The keyword arguments of the ``index``-th POST to ``url``."""
    calls = mock.requests[("POST", URL(url))]
    return dict(calls[index].kwargs)


async def ask(provider: Provider, messages: list[Any] = CONVERSATION, **options: Any) -> str:
    """The whole answer of ``provider``."""
    return "".join(await collect(provider.stream(messages, **options)))


# --- Vitalentum --------------------------------------------------------------------------

async def test_vitalentum_request(
    aioresponses_mock: aioresponses, session: aiohttp.ClientSession
) -> None:
    url = "http://vitalentum.test/api/converse-edge"
    answer_with(aioresponses_mock, url, "vitalentum", "Привет")
    provider = Vitalentum(session, base_url="http://vitalentum.test/")
    assert await ask(provider, model="gpt-4-whatever") == "Привет"
    request = sent(aioresponses_mock, url)
    headers = request["headers"]
    assert CHROME_116.match(headers.pop("User-Agent"))
    assert headers == {
        "Accept": "text/event-stream",
        "Accept-Language": "de,en-US;q=0.7,en;q=0.3",
        "Origin": "http://vitalentum.test",
        "Referer": "http://vitalentum.test/",
        **SEC_FETCH,
        "Content-Type": "application/json",
    }
    body = request["json"]
    assert list(body) == ["conversation", "temperature"]
    assert isinstance(body["conversation"], str)  # JSON inside JSON
    assert json.loads(body["conversation"]) == {"history": [
        {"speaker": "bot", "text": "Be brief."},
        {"speaker": "human", "text": "Hello, how are you?"},
        {"speaker": "bot", "text": "I am doing well, thank you for asking."},
        {"speaker": "human", "text": "Tell me a joke."},
    ]}
    assert body["temperature"] == 0.7
    assert "gpt-4-whatever" not in json.dumps(body)  # the model is never sent


async def test_vitalentum_default_base_and_explicit_temperature(
    aioresponses_mock: aioresponses, session: aiohttp.ClientSession
) -> None:
    url = "https://app.vitalentum.io/api/converse-edge"
    answer_with(aioresponses_mock, url, "vitalentum")
    await ask(Vitalentum(session), temperature=0.2)
    request = sent(aioresponses_mock, url)
    assert request["headers"]["Origin"] == Vitalentum.url == "https://app.vitalentum.io"
    assert request["json"]["temperature"] == 0.2


# --- AI365VIP ----------------------------------------------------------------------------

AI365VIP_HEADERS = {
    "accept": "*/*",
    "accept-language": "en-US,en;q=0.9",
    "content-type": "application/json",
    "origin": "http://ai365.test",
    "referer": "http://ai365.test/en",
    "sec-ch-ua": '"Chromium";v="127", "Not)A;Brand";v="99"',
    "sec-ch-ua-arch": '"x86"',
    "sec-ch-ua-bitness": '"64"',
    "sec-ch-ua-full-version": '"127.0.6533.119"',
    "sec-ch-ua-mobile": "?0",
    "sec-ch-ua-model": '""',
    "sec-ch-ua-platform": '"Linux"',
    "sec-ch-ua-platform-version": '"4.19.276"',
    "sec-fetch-dest": "empty",
    "sec-fetch-mode": "cors",
    "sec-fetch-site": "same-origin",
}


@pytest.mark.parametrize(("model", "sent_id"), [
    ("gpt-3.5-turbo", "gpt-3.5-turbo-16k"),  # the alias is live now
    ("gpt-3.5-turbo-16k", "gpt-3.5-turbo-16k"),
    ("gpt-4o", "gpt-4o"),
    ("", "gpt-3.5-turbo"),
])
async def test_ai365vip_request(
    aioresponses_mock: aioresponses, session: aiohttp.ClientSession, model: str, sent_id: str
) -> None:
    url = "http://ai365.test/api/chat"
    answer_with(aioresponses_mock, url, "ai365vip", "plain text")
    provider = AI365VIP(session, base_url="http://ai365.test")
    assert await ask(provider, model=model) == "plain text"
    request = sent(aioresponses_mock, url)
    headers = request["headers"]
    user_agent = headers.pop("user-agent")
    assert "Linux" in user_agent
    assert "Chrome/127." in user_agent
    assert "127.0.6533.119" in headers.pop("sec-ch-ua-full-version-list")
    assert headers == AI365VIP_HEADERS
    body = request["json"]
    assert list(body) == ["model", "messages", "key", "prompt", "temperature"]
    assert list(body["model"]) == ["id", "name", "maxLength", "tokenLimit"]
    assert body == {
        "model": {"id": sent_id, "name": "GPT-3.5", "maxLength": 3000, "tokenLimit": 2048},
        "messages": [{"role": "user", "content": (
            "System: Be brief.\nUser: Hello, how are you?\n"
            "Assistant: I am doing well, thank you for asking.\nUser: Tell me a joke.\nAssistant:"
        )}],
        "key": "",
        "prompt": "You are a helpful assistant.",
        "temperature": 1,
    }


async def test_ai365vip_single_message_is_sent_bare(
    aioresponses_mock: aioresponses, session: aiohttp.ClientSession
) -> None:
    url = "https://chat.ai365vip.com/api/chat"
    answer_with(aioresponses_mock, url, "ai365vip")
    await ask(AI365VIP(session), [{"role": "user", "content": "Hi there"}])
    assert sent(aioresponses_mock, url)["json"]["messages"] == [
        {"role": "user", "content": "Hi there"}]


# --- CodeLinkAva -------------------------------------------------------------------------

async def test_codelinkava_request_keeps_the_web_app_as_origin(
    aioresponses_mock: aioresponses, session: aiohttp.ClientSession
) -> None:
    url = "http://codelink.test/api/chat"
    answer_with(aioresponses_mock, url, "codelinkava", "Paris")
    messages = [
        {"role": "user", "content": "What is the capital of France?"},
        {"role": "assistant", "content": "The capital of France is Paris."},
        {"role": "user", "content": "What is the capital of Germany?"},
    ]
    provider = CodeLinkAva(session, base_url="http://codelink.test")
    assert await ask(provider, messages, model="anything") == "Paris"
    request = sent(aioresponses_mock, url)
    headers = request["headers"]
    assert CHROME_116.match(headers.pop("User-Agent"))
    assert headers == {
        "Accept": "*/*",
        "Accept-language": (
            "en,fr-FR;q=0.9,fr;q=0.8,es-ES;q=0.7,es;q=0.6,en-US;q=0.5,am;q=0.4,de;q=0.3"),
        "Origin": "https://ava-ai-ef611.web.app",
        "Referer": "https://ava-ai-ef611.web.app/",
        **SEC_FETCH,
        "Content-Type": "application/json",
    }
    body = request["json"]
    assert list(body) == ["messages", "temperature", "stream"]
    assert body == {"messages": messages, "temperature": 0.6, "stream": True}


async def test_codelinkava_default_api_base(
    aioresponses_mock: aioresponses, session: aiohttp.ClientSession
) -> None:
    url = "https://ava-alpha-api.codelink.io/api/chat"
    answer_with(aioresponses_mock, url, "codelinkava")
    assert await ask(CodeLinkAva(session)) == "ok"


# --- FlowGpt -----------------------------------------------------------------------------

def frozen_flowgpt(session: aiohttp.ClientSession, base_url: str | None = None) -> FlowGpt:
    """FlowGpt with a fixed clock, nonce and device id (the spec's signature example)."""
    return FlowGpt(session, base_url=base_url, clock=lambda: 1795303213.75,
                   nonce=lambda: "9f0b8d960ec53e6a95c30e9dab9b88cf",
                   device_id=lambda: "f-0123456789abcdefghi")


async def test_flowgpt_signed_request(
    aioresponses_mock: aioresponses, session: aiohttp.ClientSession
) -> None:
    url = "http://flowgpt.test/v3/chat-anonymous"
    answer_with(aioresponses_mock, url, "flowgpt", "Ha")
    provider = frozen_flowgpt(session, "http://flowgpt.test")
    assert await ask(provider, model="gemini") == "Ha"
    request = sent(aioresponses_mock, url)
    assert request["headers"] == {
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:122.0) Gecko/20100101 Firefox/122.0",
        "Accept": "*/*",
        "Accept-Language": "en-US;q=0.7,en;q=0.3",
        "Referer": "https://flowgpt.com/",
        "Content-Type": "application/json",
        "Authorization": "Bearer null",
        "Origin": "https://flowgpt.com",
        "Sec-Fetch-Site": "same-site",
        "x-flow-device-id": "f-0123456789abcdefghi",
        "x-nonce": "9f0b8d960ec53e6a95c30e9dab9b88cf",
        "x-signature": "3e645a213eab7a4b97ac9155b67c037d",
        "x-timestamp": "1795303213",
    }
    body = request["json"]
    assert list(body) == [
        "model", "nsfw", "question", "history", "system", "temperature", "promptId",
        "documentIds", "chatFileDocumentIds", "generateImage", "generateAudio",
    ]
    assert body == {
        "model": "google-gemini",
        "nsfw": False,
        "question": "Tell me a joke.",
        "history": [
            {"role": "assistant", "content": "Hello, how can I help you today?"},
            {"role": "user", "content": "Hello, how are you?"},
            {"role": "assistant", "content": "I am doing well, thank you for asking."},
        ],
        "system": "Be brief.",
        "temperature": 0.7,
        "promptId": "model-google-gemini",
        "documentIds": [],
        "chatFileDocumentIds": [],
        "generateImage": False,
        "generateAudio": False,
    }


@pytest.mark.parametrize(("messages", "system"), [
    ([{"role": "user", "content": "Q"}],
     "You are helpful assistant. Follow the user's instructions carefully."),
    ([{"role": "system", "content": "One."}, {"role": "user", "content": "Q"},
      {"role": "system", "content": "Two."}, {"role": "user", "content": "Q2"}], "One.\nTwo."),
])
async def test_flowgpt_system_prompt_and_history(
    aioresponses_mock: aioresponses, session: aiohttp.ClientSession,
    messages: list[dict[str, str]], system: str,
) -> None:
    url = "https://prod-backend-k8s.flowgpt.com/v3/chat-anonymous"
    answer_with(aioresponses_mock, url, "flowgpt")
    await ask(frozen_flowgpt(session), messages, temperature=0.1)
    body = sent(aioresponses_mock, url)["json"]
    assert body["system"] == system
    assert body["temperature"] == 0.1
    assert body["model"] == "gpt-3.5-turbo"
    assert body["promptId"] == "model-gpt-3.5-turbo"
    assert body["question"] == messages[-1]["content"]
    earlier = [m for m in messages[:-1] if m["role"] != "system"]
    assert body["history"][1:] == earlier


async def test_flowgpt_fresh_signature_per_request(
    aioresponses_mock: aioresponses, session: aiohttp.ClientSession
) -> None:
    url = "http://flowgpt.test/v3/chat-anonymous"
    answer_with(aioresponses_mock, url, "flowgpt")
    answer_with(aioresponses_mock, url, "flowgpt")
    provider = FlowGpt(session, base_url="http://flowgpt.test")
    await ask(provider)
    await ask(provider)
    first, second = (sent(aioresponses_mock, url, i)["headers"] for i in range(2))
    for headers in (first, second):
        assert re.fullmatch(r"[0-9a-f]{32}", headers["x-nonce"])
        assert re.fullmatch(r"f-[a-z0-9]{19}", headers["x-flow-device-id"])
        assert re.fullmatch(r"[0-9]{10}", headers["x-timestamp"])
        assert headers["x-signature"] == sign(headers["x-timestamp"], headers["x-nonce"])
    assert first["x-nonce"] != second["x-nonce"]
    assert first["x-flow-device-id"] != second["x-flow-device-id"]


def test_flowgpt_randomness_formats() -> None:
    nonces = {random_nonce() for _ in range(50)}
    devices = {random_device_id() for _ in range(50)}
    assert len(nonces) == len(devices) == 50
    assert all(re.fullmatch(r"[0-9a-f]{32}", n) for n in nonces)
    assert all(re.fullmatch(r"f-[a-z0-9]{19}", d) for d in devices)
    assert sign("1795303213", "9f0b8d960ec53e6a95c30e9dab9b88cf") == (
        "3e645a213eab7a4b97ac9155b67c037d")


# --- OpenAI-compatible -------------------------------------------------------------------

@pytest.mark.parametrize(("temperature", "keys"), [
    (None, ["model", "messages", "stream", "stream_options"]),
    (0.3, ["model", "messages", "stream", "stream_options", "temperature"]),
])
async def test_openai_request(
    aioresponses_mock: aioresponses, session: aiohttp.ClientSession,
    temperature: float | None, keys: list[str],
) -> None:
    url = "http://llm.test/v1/chat/completions"
    answer_with(aioresponses_mock, url, "openai", "Hi")
    provider = OpenAICompatible(session, base_url="http://llm.test/v1", api_key="sk-test",
                                models=("m-large", "m-small"))
    assert await ask(provider, temperature=temperature) == "Hi"
    request = sent(aioresponses_mock, url)
    assert request["headers"] == {"Accept": "text/event-stream",
                                  "Authorization": "Bearer sk-test"}
    body = request["json"]
    assert list(body) == keys
    assert body["model"] == "m-large"
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hello, how are you?"},
        {"role": "assistant", "content": "I am doing well, thank you for asking."},
        {"role": "user", "content": "Tell me a joke."},
    ]
    assert body.get("temperature") == temperature


async def test_openai_without_key_sends_no_authorization(
    aioresponses_mock: aioresponses, session: aiohttp.ClientSession
) -> None:
    url = "http://localhost:11434/v1/chat/completions"
    answer_with(aioresponses_mock, url, "openai")
    provider = OpenAICompatible(session, base_url="http://localhost:11434/v1")
    await ask(provider, model="llama3:8b")
    request = sent(aioresponses_mock, url)
    assert request["headers"] == {"Accept": "text/event-stream"}
    assert request["json"]["model"] == "llama3:8b"


# --- one call, every provider ------------------------------------------------------------

@pytest.mark.parametrize("cls", [Vitalentum, AI365VIP, CodeLinkAva, FlowGpt, OpenAICompatible])
async def test_proxy_and_timeouts_go_to_aiohttp_not_the_body(
    aioresponses_mock: aioresponses, session: aiohttp.ClientSession, cls: type[Provider]
) -> None:
    base = f"http://{cls.name}.test"
    url = base + CHAT_PATHS[cls.name]
    answer_with(aioresponses_mock, url, cls.name)
    provider = cls(session, base_url=base, proxy="http://proxy.test:3128")
    await ask(provider, model="gpt-4o" if cls is AI365VIP else "gpt-3.5-turbo")
    request = sent(aioresponses_mock, url)
    assert request["proxy"] == "http://proxy.test:3128"
    assert request["timeout"].sock_read == 180.0  # a backstop behind the progress clock
    assert "proxy" not in json.dumps(request["json"])
