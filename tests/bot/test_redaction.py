"""Redaction: every configured secret is replaced in messages, tracebacks and stray reports."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from yarl import URL

from bot.config import load_settings
from bot.redaction import RedactingFormatter, Redactor, secrets_in, secrets_of

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:AAH-secret-token-value_42-0123456789"
KEY = "sk-or/v1+abc=def"  # characters that URL-encoding changes
API = f"http://127.0.0.1:8081/bot{TOKEN}/getMe"


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO, io.StringIO]]:
    """A logger with a redacting handler and, after it, a plain one sharing each record."""
    logger = logging.getLogger("tests.redaction")
    redacted, plain = io.StringIO(), io.StringIO()
    first, second = logging.StreamHandler(redacted), logging.StreamHandler(plain)
    first.setFormatter(RedactingFormatter(logging.Formatter("%(levelname)s %(message)s"),
                                          Redactor([TOKEN, KEY])))
    logger.addHandler(first)
    logger.addHandler(second)
    logger.propagate = False
    yield logger, redacted, plain
    logger.removeHandler(first)
    logger.removeHandler(second)
    logger.propagate = True


def test_a_token_keeps_its_public_bot_id() -> None:
    redact = Redactor([TOKEN])
    assert redact(f"POST {API}") == "POST http://127.0.0.1:8081/bot123456:[redacted]/getMe"


def test_url_encoded_forms_are_replaced_too() -> None:
    redact = Redactor([KEY])
    url = URL("http://h/models").with_query(key=KEY)
    assert KEY not in str(url)  # encoded: sk-or%2Fv1%2Babc%3Ddef
    assert redact(repr(url)) == "URL('http://h/models?key=[redacted]')"
    assert redact(f"Bearer {KEY}") == "Bearer [redacted]"


def test_short_values_are_not_treated_as_secrets() -> None:
    redact = Redactor(["ab", "", "  "])
    assert redact("about a b") == "about a b"
    assert repr(Redactor([KEY])) == "Redactor(...)"


def test_arguments_of_a_log_line_are_redacted(
        logged: tuple[logging.Logger, io.StringIO, io.StringIO]) -> None:
    logger, redacted, _ = logged
    logger.warning("could not reach %r with %s", URL(API), {"Authorization": f"Bearer {KEY}"})
    line = redacted.getvalue()
    assert TOKEN not in line
    assert KEY not in line
    assert line.count("[redacted]") == 2


def test_tracebacks_are_redacted_for_every_handler(
        logged: tuple[logging.Logger, io.StringIO, io.StringIO]) -> None:
    logger, redacted, plain = logged
    try:
        try:
            raise ConnectionError(f"redirect loop at {API}")
        except ConnectionError as cause:
            raise RuntimeError(f"key {KEY} refused") from cause
    except RuntimeError:
        logger.exception("request failed")
    for output in (redacted.getvalue(), plain.getvalue()):
        assert "Traceback" in output
        assert "ConnectionError: redirect loop at http://127.0.0.1:8081/bot123456:[redacted]" \
            in output
        assert "RuntimeError: key [redacted] refused" in output
        assert TOKEN.partition(":")[2] not in output
        assert KEY not in output


def test_stacks_are_redacted(logged: tuple[logging.Logger, io.StringIO, io.StringIO]) -> None:
    logger, redacted, plain = logged
    stack = f'Stack (most recent call last):\n  File "x.py", line 1\n    get("{API}")'
    logger.handle(logging.makeLogRecord({"name": logger.name, "levelno": logging.WARNING,
                                         "levelname": "WARNING", "msg": "here",
                                         "stack_info": stack}))
    for output in (redacted.getvalue(), plain.getvalue()):
        assert 'get("http://127.0.0.1:8081/bot123456:[redacted]/getMe")' in output


def test_secrets_come_from_settings_and_the_environment() -> None:
    settings = load_settings(
        _env_file=None, bot_token=TOKEN, openai_api_key=KEY, webhook_url="https://x/hook",
        webhook_secret="hook-secret-1", redis_url="redis://:redis-pass-1@r:6379/0",
        database_url="postgresql+asyncpg://bot:db-pass-1@db/bot", proxy_url="http://u:proxy-pass@p:1")
    assert set(secrets_of(settings)) >= {TOKEN, KEY, "hook-secret-1", "redis-pass-1",
                                         "db-pass-1", "proxy-pass"}
    environ = {"GROQ_API_KEY": "gsk-1234567", "BOT_TOKEN": TOKEN, "PATH": "/usr/bin",
               "MIRROR_URL": "https://me:mirror-pass@m/", "LOG_LEVEL": "DEBUG"}
    assert sorted(secrets_in(environ)) == sorted(["gsk-1234567", TOKEN, "mirror-pass"])


STRAY_REPORTS = """
import asyncio, gc, logging, sys, threading, warnings
from bot.logs import configure_logging
from bot.redaction import Redactor

TOKEN = {token!r}
configure_logging("INFO", Redactor([TOKEN]))

class Leaky:
    def __del__(self):
        raise ValueError(f"finalizer saw {{TOKEN}}")

warnings.warn(f"deprecated URL /bot{{TOKEN}}/getMe")
worker = threading.Thread(target=lambda: 1 / 0 if TOKEN else None, name=f"t-{{TOKEN}}")
worker.start()
worker.join()

async def forgotten():
    raise OSError(f"connect to /bot{{TOKEN}}/getUpdates")

async def main():
    task = asyncio.ensure_future(forgotten())
    await asyncio.sleep(0)
    del task
    gc.collect()

asyncio.run(main())
Leaky()
kept_to_the_end = Leaky()  # finalized while the interpreter shuts down
raise RuntimeError(f"uncaught: {{TOKEN}}")
"""


def test_stray_reports_at_runtime_and_at_exit_are_redacted() -> None:
    script = STRAY_REPORTS.format(token=TOKEN)
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert TOKEN.partition(":")[2] not in output
    for report in ("UserWarning: deprecated URL /bot123456:[redacted]/getMe",
                   "thread t-123456:[redacted] stopped by an unexpected error",
                   "OSError: connect to /bot123456:[redacted]/getUpdates",
                   "ValueError: finalizer saw 123456:[redacted]",
                   "RuntimeError: uncaught: 123456:[redacted]"):
        assert report in output
    assert output.count("finalizer saw") == 2
