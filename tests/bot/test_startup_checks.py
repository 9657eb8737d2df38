"""What stops a worker at startup with one line: Redis out of reach, a database already taken."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.shared_state import key_prefix, shared_state
from bot.sole_worker import sole_worker
from bot.streaming import StreamConfig
from tests.fakes.local_server import closed_port

TOKEN = "1:" + "x" * 35  # well formed; these settings never reach Telegram

TAKEN = "REDIS_URL: another worker already uses this database; several workers need REDIS_URL"


async def test_redis_out_of_reach_at_startup_is_one_line_naming_redis_url() -> None:
    settings = load_settings(_env_file=None, bot_token=TOKEN,
                             database_url="postgresql+asyncpg://bot@127.0.0.1/bot",
                             redis_url=f"redis://127.0.0.1:{closed_port()}/0")
    with pytest.raises(ConfigError) as caught:
        async with shared_state(settings, StreamConfig()):
            pass
    assert str(caught.value).startswith("REDIS_URL: Redis did not answer")
    assert "\n" not in str(caught.value)


def test_each_bot_keeps_its_redis_keys_apart() -> None:
    assert key_prefix("123456:secret") == "llmbot:123456:"
    assert key_prefix("123456:secret") != key_prefix("654321:secret")
    with pytest.raises(ConfigError, match="BOT_TOKEN"):
        key_prefix("not a token")


async def test_a_second_worker_on_one_sqlite_file_is_refused(tmp_path: Path) -> None:
    settings = load_settings(_env_file=None, bot_token=TOKEN,
                             database_url=f"sqlite+aiosqlite:///{tmp_path}/data/bot.db")
    async with sole_worker(settings):
        with pytest.raises(ConfigError) as caught:
            async with sole_worker(settings):
                pass
        assert str(caught.value) == TAKEN
    async with sole_worker(settings):  # released when the first one ended
        pass


async def test_with_redis_several_workers_share_a_database() -> None:
    settings = load_settings(
        _env_file=None, bot_token=TOKEN,
        database_url=f"postgresql+asyncpg://bot@127.0.0.1:{closed_port()}/bot",
        redis_url="redis://127.0.0.1:6379/0")
    async with sole_worker(settings), sole_worker(settings):
        pass  # no lock, and the (closed) database is not even asked


async def test_a_database_out_of_reach_is_named() -> None:
    settings = load_settings(
        _env_file=None, bot_token=TOKEN,
        database_url=f"postgresql+asyncpg://bot@127.0.0.1:{closed_port()}/bot")
    with pytest.raises(ConfigError) as caught:
        async with sole_worker(settings):
            pass
    assert str(caught.value).startswith("DATABASE_URL: cannot open the database")


def test_http_listen_may_ask_for_any_free_port() -> None:
    settings = load_settings(_env_file=None, bot_token=TOKEN, http_listen="127.0.0.1:0")
    assert settings.listen_address == ("127.0.0.1", 0)
    with pytest.raises(ConfigError, match="HTTP_LISTEN: use host:port"):
        load_settings(_env_file=None, bot_token=TOKEN, http_listen="127.0.0.1:65536")
