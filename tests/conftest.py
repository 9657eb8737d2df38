"""Shared test configuration: importability of the project and the aioresponses shim.

The project is normally installed (``pip install -e .``) in CI; a plain checkout
run as ``python -m pytest`` from the repository root works too, because the
root is put on ``sys.path`` below when the packages are not importable.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from aioresponses import core as aioresponses_core

ROOT = Path(__file__).resolve().parent.parent

if importlib.util.find_spec("providers") is None:  # not installed: run from a checkout
    sys.path.insert(0, str(ROOT))


class _NoStreamWriter:
    """Stands in for the request writer aiohttp 3.14 hands every response.

    A mocked response never sent a request, so the only thing aiohttp asks
    of it (the number of bytes written) is zero.
    """

    output_size = 0


class _CompatClientResponse(aiohttp.ClientResponse):
    """A ``ClientResponse`` that can be built without ``stream_writer``, as aioresponses does."""

    def __init__(self, *args: Any, stream_writer: Any = None, **kwargs: Any) -> None:
        writer: Any = _NoStreamWriter() if stream_writer is None else stream_writer
        super().__init__(*args, stream_writer=writer, **kwargs)


@pytest.fixture
def aioresponses_mock(monkeypatch: pytest.MonkeyPatch) -> Iterator[aioresponses]:
    """An active ``aioresponses`` mock that works on aiohttp 3.14.

    aioresponses 0.7.9 builds ``ClientResponse`` without the ``stream_writer``
    argument aiohttp 3.14 made mandatory (``TypeError: ClientResponse.__init__()
    missing 1 required keyword-only argument: 'stream_writer'``, upstream issue
    pnuckowski/aioresponses#289). Until a release with the fix exists, the
    response class aioresponses falls back to is swapped for a subclass that
    supplies a stand-in writer, for the duration of one test only.
    Delete this shim (use ``aioresponses()`` directly) once aioresponses > 0.7.9
    ships the fix.
    """
    monkeypatch.setattr(aioresponses_core, "ClientResponse", _CompatClientResponse)
    with aioresponses() as mocked:
        yield mocked
