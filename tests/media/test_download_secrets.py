"""The bot token is in every download URL and in a local server's paths: it must never leak."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable

import aiohttp
import pytest
from aiogram import Bot

from bot.media import FileDownloader, MediaError
from tests.fakes.telegram import FakeTelegram

SECRET = "TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"  # the secret half of the fake's token
Scenario = Callable[[FakeTelegram, FileDownloader], Awaitable[bytes]]


def chain_texts(error: BaseException) -> list[str]:
    """str and repr of the error and of everything chained to it, however it was chained."""
    texts: list[str] = ["".join(traceback.format_exception(error))]
    link: BaseException | None = error
    while link is not None:
        texts += [str(link), repr(link), repr(link.args)]
        link = link.__cause__ or link.__context__
    return texts


async def too_big_hint(telegram: FakeTelegram, downloader: FileDownloader) -> bytes:
    file = telegram.add_file(b"x" * 2048)
    return await downloader.fetch(file["file_id"], size_hint=file["file_size"])


async def unknown_file(telegram: FakeTelegram, downloader: FileDownloader) -> bytes:
    return await downloader.fetch("nope")


async def too_big_for_telegram(telegram: FakeTelegram, downloader: FileDownloader) -> bytes:
    downloader.max_bytes = 10**9
    return await downloader.fetch(telegram.add_file(b"x", file_size=21 * 2**20)["file_id"])


async def getfile_fails(telegram: FakeTelegram, downloader: FileDownloader) -> bytes:
    telegram.fail_next("getFile", status=500, description=f"Internal: bot{telegram.token}")
    return await downloader.fetch(telegram.add_file(b"x")["file_id"])


async def http_error(telegram: FakeTelegram, downloader: FileDownloader) -> bytes:
    telegram.fail_downloads(403)
    return await downloader.fetch(telegram.add_file(b"x")["file_id"])


async def cut_body(telegram: FakeTelegram, downloader: FileDownloader) -> bytes:
    telegram.cut_downloads(after=3)
    return await downloader.fetch(telegram.add_file(b"x" * 100)["file_id"])


async def over_the_cap(telegram: FakeTelegram, downloader: FileDownloader) -> bytes:
    telegram.chunked_downloads = True
    return await downloader.fetch(telegram.add_file(b"x" * 4096, file_size=1)["file_id"])


async def local_over_the_cap(telegram: FakeTelegram, downloader: FileDownloader) -> bytes:
    return await downloader.fetch(telegram.add_file(b"x" * 4096, local=True)["file_id"])


async def local_gone(telegram: FakeTelegram, downloader: FileDownloader) -> bytes:
    file = telegram.add_file(b"x", local=True)
    telegram.local_path(file["file_id"]).unlink()
    telegram.fail_downloads(500)
    return await downloader.fetch(file["file_id"])


async def found(telegram: FakeTelegram, downloader: FileDownloader) -> bytes:
    local = telegram.add_file(b"x", local=True)
    telegram.local_path(local["file_id"]).unlink()
    await downloader.fetch(local["file_id"])
    return await downloader.fetch(telegram.add_file(b"y")["file_id"])


@pytest.mark.parametrize(
    "scenario",
    [
        too_big_hint, unknown_file, too_big_for_telegram, getfile_fails, http_error,
        cut_body, over_the_cap, local_over_the_cap, local_gone, found,
    ],
)
async def test_no_failure_or_log_line_shows_the_token(
    telegram: FakeTelegram,
    downloader: FileDownloader,
    caplog: pytest.LogCaptureFixture,
    scenario: Scenario,
) -> None:
    caplog.set_level(logging.DEBUG)
    try:
        await scenario(telegram, downloader)
    except MediaError as error:
        texts = chain_texts(error)
    else:
        texts = []
        assert scenario is found
    texts += [caplog.text, *(r.getMessage() for r in caplog.records), repr(downloader)]
    assert not [text for text in texts if SECRET in text]


@pytest.mark.parametrize("api_url", ["http://127.0.0.1:port", "ftp://127.0.0.1"])
async def test_errors_quoting_the_url_are_not_chained(
    telegram: FakeTelegram,
    bot: Bot,
    http: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
    api_url: str,
) -> None:
    """aiohttp's invalid-URL errors quote the whole URL: the cause is dropped, not chained."""
    caplog.set_level(logging.DEBUG)
    broken = FileDownloader(bot, api_url, http)
    with pytest.raises(MediaError) as failed:
        await broken.fetch(telegram.add_file(b"x")["file_id"])
    assert failed.value.__cause__ is None
    assert failed.value.__context__ is None
    assert "ClientError" in failed.value.message
    assert not [text for text in [*chain_texts(failed.value), caplog.text] if SECRET in text]
