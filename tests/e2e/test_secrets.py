"""The real process never prints the bot token or a provider key, whatever goes wrong."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web

from tests.e2e.support import (
    API_KEY,
    SECRET,
    TOKEN,
    Handler,
    LoggedProcess,
    base_env,
    closed_port_url,
    page_quoting,
    serving,
)
from tests.fakes.providers import Failure, FakeProviderServer
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.timeout(120)
USER = 601
KEY_ECHO = f"invalid api key {API_KEY}"  # upstream errors that quote the key back


def assert_no_secrets(bot: LoggedProcess) -> None:
    output = bot.output
    assert SECRET not in output
    assert API_KEY not in output


@asynccontextmanager
async def nothing_listening() -> AsyncIterator[str]:
    yield closed_port_url()


@asynccontextmanager
async def answering(handler: Handler) -> AsyncIterator[str]:
    async with serving(handler) as url:
        yield url


async def garbage(request: web.Request) -> web.Response:
    return web.Response(body=b"\x00\xff\x13 not json", content_type="application/octet-stream")


async def not_found_json(request: web.Request) -> web.Response:
    return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"},
                             status=404)


async def redirect_loop(request: web.Request) -> web.Response:
    raise web.HTTPFound(str(request.url))


@asynccontextmanager
async def redirect_elsewhere() -> AsyncIterator[str]:
    async with serving(page_quoting(200)) as elsewhere:
        async def moved(request: web.Request) -> web.Response:
            raise web.HTTPFound(elsewhere + request.path_qs)

        async with serving(moved) as url:
            yield url


STARTUP_TROUBLE: dict[str, tuple[Callable[[], AbstractAsyncContextManager[str]], str]] = {
    "nothing listening": (nothing_listening, "cannot reach the Bot API"),
    "an HTML page": (lambda: answering(page_quoting(200)), "does not answer like a Bot API"),
    "404 pages everywhere": (lambda: answering(page_quoting(404)),
                             "does not answer like a Bot API"),
    "404 Not Found for every method": (lambda: answering(not_found_json),
                                       "does not answer like a Bot API"),
    "garbage": (lambda: answering(garbage), "does not answer like a Bot API"),
    "a redirect to a page": (redirect_elsewhere, "does not answer like a Bot API"),
    "a redirect loop": (lambda: answering(redirect_loop), "cannot reach the Bot API"),
}


@pytest.mark.parametrize("trouble", list(STARTUP_TROUBLE))
async def test_a_telegram_api_url_that_is_no_bot_api_is_one_line(
        trouble: str, tmp_path: Path) -> None:
    server, expected = STARTUP_TROUBLE[trouble]
    async with FakeProviderServer() as providers, server() as api_url:
        providers.models = Failure(401, KEY_ECHO)  # the key comes back in a logged error
        bot = LoggedProcess(base_env(tmp_path, api_url, OPENAI_BASE_URL=providers.url_for(
            "openai")), tmp_path)
        await bot.start()
        try:
            status = await bot.wait()
        finally:
            await bot.kill()
    errors = [line for line in bot.stderr.decode().splitlines()
              if line.startswith("configuration error:")]
    assert status == 2, bot.output[-3000:]
    assert len(errors) == 1, bot.output[-3000:]
    assert errors[0].startswith("configuration error: TELEGRAM_API_URL: ")
    assert expected in errors[0]
    assert "Traceback" not in bot.output
    assert "openai could not be prepared" in bot.output  # the key's way into the log
    assert_no_secrets(bot)


@pytest.mark.parametrize("trouble", ["502 pages quoting the URL", "the server gone"])
async def test_polling_trouble_never_prints_a_secret(trouble: str, tmp_path: Path) -> None:
    telegram = await FakeTelegram(token=TOKEN).__aenter__()
    open_fake = True
    async with FakeProviderServer() as providers:
        providers.script("openai", Failure(401, KEY_ECHO))
        env = base_env(tmp_path, telegram.base_url, OPENAI_BASE_URL=providers.url_for("openai"),
                       OPENAI_MODELS="fake-model-a")
        bot = LoggedProcess(env, tmp_path)
        await bot.start()
        try:
            telegram.private_message(USER, "hello?")
            await bot.until(lambda: telegram.visible_texts(USER), "the answer")
            assert "refused access" in telegram.visible_texts(USER)[0]
            if trouble == "the server gone":
                await telegram.__aexit__(None, None, None)
                open_fake = False
                await bot.until(lambda: bot.output.count("Failed to fetch updates") >= 2,
                                "polling failing twice")
            else:
                telegram.answer_raw("getUpdates", lambda path: f"<p>Bad gateway: {path}</p>",
                                    status=502, times=10**6)
                await bot.until(
                    lambda: sum(c.status == 502 for c in telegram.calls("getUpdates")) >= 2,
                    "polling failing twice")
            assert await bot.stop() == 0, bot.output[-3000:]
        finally:
            await bot.kill()
            if open_fake:
                await telegram.__aexit__(None, None, None)
    assert "Failed to fetch updates" in bot.output
    quoted = "Bad gateway: /bot123456:[redacted]/getUpdates"  # the page reached the log
    assert (quoted in bot.output) is (trouble == "502 pages quoting the URL")
    assert KEY_ECHO.replace(API_KEY, "[redacted]") in bot.output  # logged, without the key
    assert "Traceback" not in bot.output
    assert_no_secrets(bot)
    assert [API_KEY in text for text in telegram.visible_texts(USER)] == [False]
