"""Bot API servers that differ from Telegram (self-hosted, older, emulated): the bot still runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.support import TOKEN, LoggedProcess, base_env
from tests.fakes.providers import FakeProviderServer, last_user_text
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.timeout(120)
USER = 701

REFUSALS: dict[str, Callable[[FakeTelegram], None]] = {
    "400": lambda fake: fake.fail_next("setMyCommands", status=400, times=4,
                                       description="Bad Request: BOT_COMMANDS_TOO_MUCH"),
    "404": lambda fake: fake.forget_method("setMyCommands"),
    "500": lambda fake: fake.fail_next("setMyCommands", status=500, times=4),
    "garbage JSON": lambda fake: fake.answer_raw("setMyCommands", '{"ok": tru', times=4,
                                                 content_type="application/json"),
    "bytes that are not text": lambda fake: fake.answer_raw("setMyCommands", b"\xff\xfe\x00",
                                                            times=4),
}


@pytest.mark.parametrize("refusal", list(REFUSALS))
async def test_a_refused_command_menu_is_logged_and_the_bot_answers(
        refusal: str, tmp_path: Path) -> None:
    async with FakeTelegram(token=TOKEN) as telegram, FakeProviderServer() as providers:
        REFUSALS[refusal](telegram)
        providers.script("openai", lambda body: f"echo: {last_user_text(body)}")
        bot = LoggedProcess(base_env(tmp_path, telegram.base_url, LOG_LEVEL="INFO",
                                     OPENAI_BASE_URL=providers.url_for("openai"),
                                     OPENAI_MODELS="fake-model-a"), tmp_path)
        await bot.start()
        try:
            telegram.private_message(USER, "still there?")
            await bot.until(lambda: telegram.visible_texts(USER) == ["echo: still there?"],
                            "the answer")
            assert await bot.stop() == 0, bot.output[-3000:]
        finally:
            await bot.kill()
    assert len(telegram.calls("setMyCommands")) == 1  # one refusal is enough to give up
    assert "WARNING bot.app: the command menu could not be set" in bot.output
    assert "Traceback" not in bot.output
