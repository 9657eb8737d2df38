"""Startup trouble of the real process: one line naming the setting, status 2, no traceback.

A malformed token, a database the operating system refuses, an address the
HTTP server cannot listen on, a webhook Telegram refuses: each is the
operator's to fix, so each is said in one line, secrets redacted.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.support import SECRET, TOKEN, LoggedProcess, base_env, closed_port_url
from tests.fakes.providers import FakeProviderServer
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.timeout(120)


async def run_to_the_end(env: dict[str, str], cwd: Path) -> tuple[int, list[str], str]:
    """Start ``python -m bot``; its status, the lines of its stderr, and all of its output."""
    bot = LoggedProcess(env, cwd)
    await bot.start()
    try:
        status = await bot.wait()
    finally:
        await bot.kill()
    return status, bot.stderr.decode().strip().splitlines(), bot.output


def assert_one_line(status: int, stderr: list[str], output: str, expected: str) -> str:
    """The one configuration error line, checked; the process ended with status 2."""
    assert status == 2, output[-3000:]
    errors = [line for line in stderr if line.startswith("configuration error:")]
    assert len(errors) == 1, output[-3000:]
    assert errors[0].startswith(f"configuration error: {expected}"), errors[0]
    assert "Traceback" not in output
    assert SECRET not in output
    return errors[0]


@pytest.mark.parametrize("token", [
    "123456:short",
    "not-a-token",
    f"abc:{SECRET}",
    f"{TOKEN}\n",
    f" {TOKEN}",
    f"{TOKEN[:20]} {TOKEN[20:]}",
], ids=["too short", "no colon", "no bot id", "a newline", "a space", "a space inside"])
async def test_a_malformed_token_is_one_line_that_never_shows_it(token: str,
                                                                  tmp_path: Path) -> None:
    env = base_env(tmp_path, closed_port_url(), BOT_TOKEN=token)
    status, stderr, output = await run_to_the_end(env, tmp_path)
    assert stderr == ["configuration error: BOT_TOKEN: not a Telegram bot token (digits, a "
                      "colon, then at least 30 of A-Z, a-z, 0-9, _ and -, without spaces; as "
                      "@BotFather gives it)"], output[-3000:]
    assert_one_line(status, stderr, output, "BOT_TOKEN: ")
    assert token.strip() not in output


async def test_a_sqlite_file_in_a_place_that_cannot_hold_it_is_named(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    env = base_env(tmp_path, closed_port_url(),
                   DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/a-file/data/bot.db")
    status, stderr, output = await run_to_the_end(env, tmp_path)
    line = assert_one_line(status, stderr, output, "DATABASE_URL: cannot open the database")
    assert "Not a directory" in line


@contextmanager
def port_in_use() -> Iterator[int]:
    """A local port another program listens on."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield int(taken.getsockname()[1])


@pytest.mark.parametrize("where", ["in use", "not this machine's", "no such host"])
async def test_an_http_listen_address_the_bot_cannot_take_is_named(where: str,
                                                                   tmp_path: Path) -> None:
    async with FakeTelegram(token=TOKEN) as telegram, FakeProviderServer() as providers:
        with port_in_use() as port:
            address = {"in use": f"127.0.0.1:{port}", "not this machine's": "192.0.2.1:8080",
                       "no such host": "no-such-host.invalid:8080"}[where]
            env = base_env(tmp_path, telegram.base_url, HTTP_LISTEN=address,
                           OPENAI_BASE_URL=providers.url_for("openai"),
                           OPENAI_MODELS="fake-model-a")
            status, stderr, output = await run_to_the_end(env, tmp_path)
    assert_one_line(status, stderr, output, f"HTTP_LISTEN: cannot listen on {address} (")
    assert telegram.calls("getUpdates") == []  # nothing taken that nobody would answer


@pytest.mark.parametrize("trouble", ["refused", "a page quoting the URL", "an empty answer"])
async def test_a_webhook_telegram_refuses_is_one_line_naming_webhook_url(
        trouble: str, tmp_path: Path) -> None:
    async with FakeTelegram(token=TOKEN) as telegram, FakeProviderServer() as providers:
        if trouble == "refused":
            telegram.fail_next("setWebhook", status=400,
                               description=f"Bad Request: bad webhook: {TOKEN} is not a host")
        elif trouble == "a page quoting the URL":
            telegram.answer_raw("setWebhook", lambda path: f"<p>Bad gateway: {path}</p>",
                                status=502)
        else:
            telegram.answer_raw("setWebhook", b"", status=200, content_type="text/plain")
        env = base_env(tmp_path, telegram.base_url, WEBHOOK_URL="https://bot.example.com/hook",
                       WEBHOOK_SECRET="s3cret", HTTP_LISTEN="127.0.0.1:0",
                       OPENAI_BASE_URL=providers.url_for("openai"), OPENAI_MODELS="fake-model-a")
        status, stderr, output = await run_to_the_end(env, tmp_path)
    line = assert_one_line(status, stderr, output, "WEBHOOK_URL: Telegram")
    assert ("[redacted]" in line) is (trouble == "refused")
