"""Real ``python -m bot`` worker processes with an HTTP side: started, probed, scraped, stopped.

A worker's output is read line by line while it runs (so its pipe never
fills), which is how the port it bound (``HTTP_LISTEN=127.0.0.1:0``) is found.
"""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import ROOT

_LISTENING = re.compile(r"HTTP server listening on ([^\s:]+):(\d+)")
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


class Worker:
    """One bot process; ``url`` is its HTTP server once :meth:`start` returned."""

    def __init__(self, name: str, env: dict[str, str], cwd: Path = ROOT) -> None:
        self.name = name
        self.env = env
        self.cwd = cwd
        self.url = ""
        self.lines: list[str] = []
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._bound = asyncio.Event()

    async def start(self, *, listening: bool = True, timeout: float = 60) -> None:
        """Start the process; with ``listening``, wait until its HTTP server is up."""
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=self.cwd, env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        self._reader = asyncio.create_task(self._read(self.process))
        if listening:
            await until(lambda: self._bound.is_set() or self.exited, "the worker listening",
                        [self], timeout=timeout)
            if not self._bound.is_set():
                pytest.fail(f"{self.name} exited at startup:\n{self.log}")

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            self.lines.append(line)
            if (found := _LISTENING.search(line)) and not self._bound.is_set():
                self.url = f"http://{found.group(1)}:{found.group(2)}"
                self._bound.set()

    @property
    def exited(self) -> bool:
        """The process has ended."""
        return self.process is not None and self.process.returncode is not None

    @property
    def log(self) -> str:
        """Everything the worker printed so far."""
        return "\n".join(self.lines)

    def signal(self, signum: signal.Signals) -> None:
        """Send ``signum`` (SIGTERM: stop cleanly; SIGKILL: die on the spot)."""
        assert self.process is not None
        self.process.send_signal(signum)

    async def wait(self, timeout: float = 60) -> int:
        """The exit status, once the process has ended (and its output is read)."""
        assert self.process is not None
        assert self._reader is not None
        async with asyncio.timeout(timeout):
            status = await self.process.wait()
            await self._reader
        return status

    async def stop(self, timeout: float = 60) -> int:
        """SIGTERM, then the exit status (the process must stop on its own)."""
        self.signal(signal.SIGTERM)
        return await self.wait(timeout)

    async def kill(self) -> None:
        """SIGKILL unless it already ended (for cleanup)."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
        if self.process is not None:
            await self.wait()


async def until(condition: Callable[[], object], what: str, workers: Sequence[Worker],
                timeout: float = 30) -> None:
    """Wait for something a user or operator would see; fail with the workers' logs if not."""
    try:
        async with asyncio.timeout(timeout):
            while not condition():  # noqa: ASYNC110 - what is awaited lives in other processes
                await asyncio.sleep(0.02)
    except TimeoutError:
        logs = "\n".join(f"--- {w.name} ---\n{w.log}" for w in workers)
        pytest.fail(f"never saw: {what}\n{logs}")


async def status_of(http: aiohttp.ClientSession, url: str) -> int:
    """The status a GET of ``url`` answers (0: the connection was refused)."""
    try:
        async with http.get(url) as response:
            return response.status
    except aiohttp.ClientConnectionError:
        return 0


async def scrape(http: aiohttp.ClientSession, worker: Worker) -> Samples:
    """Every sample of the worker's ``/metrics``: (name, labels) → value."""
    async with http.get(worker.url + "/metrics") as response:
        assert response.status == 200
        text = await response.text()
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def sample(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value (0.0 when it was never recorded)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


async def scrape_until(http: aiohttp.ClientSession, worker: Worker,
                       check: Callable[[Samples], bool], what: str,
                       timeout: float = 30) -> Samples:
    """Scrape until ``check`` passes (a count lags what the user sees by a moment)."""
    try:
        async with asyncio.timeout(timeout):
            while not check(samples := await scrape(http, worker)):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    except TimeoutError:
        pytest.fail(f"the metrics never showed: {what}\n--- {worker.name} ---\n{worker.log}")
    return samples


async def until_ready(http: aiohttp.ClientSession, worker: Worker, timeout: float = 30) -> None:
    """Wait until the worker's ``/readyz`` answers 200."""
    try:
        async with asyncio.timeout(timeout):
            while await status_of(http, worker.url + "/readyz") != 200:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    except TimeoutError:
        pytest.fail(f"{worker.name} never became ready\n{worker.log}")
