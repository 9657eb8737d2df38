"""Fixtures for the provider tests: a clean environment, the fake server, a session."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from providers.base import Provider
from providers.registry import PROVIDER_CLASSES
from providers.settings import PROVIDER_NAMES
from providers.transport import Timeouts
from tests.fakes.providers import FakeProviderServer

PROVIDER_ENV = (
    "PROVIDERS", "PROXY_URL", "OPENAI_API_KEY", "OPENAI_MODELS",
    *(f"{name.upper()}_BASE_URL" for name in PROVIDER_NAMES),
)
# Generous limits: a test that means to time out passes its own small ones.
TEST_TIMEOUTS = Timeouts(connect=5.0, read=5.0)
OPENAI_TEST_MODELS = ("fake-model-a", "fake-model-b")

ProviderFactory = Callable[..., Provider]
ROOT = Path(__file__).resolve().parents[2]
SEEDS = ("vitalentum", "ai365vip", "codelinkava", "flowgpt")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No provider setting of the machine running the tests leaks into them."""
    for name in PROVIDER_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def server() -> AsyncIterator[FakeProviderServer]:
    """A running fake provider server."""
    async with FakeProviderServer() as fake:
        yield fake


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A client session, closed after the test."""
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
def make_provider(server: FakeProviderServer, session: aiohttp.ClientSession) -> ProviderFactory:
    """Build a provider by name, pointed at the fake server."""
    def make(name: str, **options: Any) -> Provider:
        options.setdefault("timeouts", TEST_TIMEOUTS)
        if name == "openai":
            options.setdefault("models", OPENAI_TEST_MODELS)
        return PROVIDER_CLASSES[name](session, base_url=server.url_for(name), **options)
    return make


@pytest.fixture
def cli_env(server: FakeProviderServer) -> dict[str, str]:
    """The process environment: the project importable, every provider on the fake server."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **server.env(*SEEDS)}


async def run_cli(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """Run the CLI to completion; its exit status, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "providers", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()
