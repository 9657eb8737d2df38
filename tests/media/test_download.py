"""Downloading files from the fake Bot API: caps, failures, local servers, a free event loop."""

from __future__ import annotations

import asyncio
import os

import aiohttp
import pytest
from aiogram import Bot

from bot.client import create_bot
from bot.media import PUBLIC_API_LIMIT, DownloadFailed, FileDownloader, FileTooLarge
from tests.fakes.telegram import FakeTelegram

PRIVATE = 501
KIB = 1024


def methods(telegram: FakeTelegram) -> list[str]:
    """What the bot asked of the fake, in order (downloads are ``download``)."""
    return [call.method for call in telegram.log]


async def test_a_file_is_fetched_by_id(telegram: FakeTelegram, downloader: FileDownloader) -> None:
    file = telegram.add_file(b"hello file", file_name="a.txt", mime_type="text/plain")
    assert await downloader.fetch(file["file_id"], size_hint=file["file_size"]) == b"hello file"
    assert methods(telegram) == ["getFile", "download"]
    assert telegram.calls("download")[0].params["file_path"].startswith("documents/")


async def test_a_file_of_exactly_the_cap_is_fine(
    telegram: FakeTelegram, downloader: FileDownloader
) -> None:
    telegram.chunked_downloads = True
    file = telegram.add_file(b"x" * KIB)
    assert await downloader.fetch(file["file_id"]) == b"x" * KIB


async def test_a_size_hint_over_the_cap_is_refused_without_a_call(
    telegram: FakeTelegram, downloader: FileDownloader
) -> None:
    file = telegram.add_file(b"x" * (KIB + 1))
    with pytest.raises(FileTooLarge) as refused:
        await downloader.fetch(file["file_id"], size_hint=file["file_size"])
    assert (refused.value.size, refused.value.limit, refused.value.kind) == (
        KIB + 1, KIB, "too_large"
    )
    assert telegram.log == []


async def test_the_size_getfile_reports_is_checked_before_downloading(
    telegram: FakeTelegram, downloader: FileDownloader
) -> None:
    file = telegram.add_file(b"x" * 2 * KIB)
    with pytest.raises(FileTooLarge):
        await downloader.fetch(file["file_id"])  # no hint: getFile tells
    assert methods(telegram) == ["getFile"]


async def test_telegram_refuses_files_over_20_mb(
    telegram: FakeTelegram, bot: Bot, http: aiohttp.ClientSession
) -> None:
    generous = FileDownloader(bot, telegram.base_url, http, max_bytes=50 * 1024 * KIB)
    file = telegram.add_file(bytes(PUBLIC_API_LIMIT + 1))
    with pytest.raises(FileTooLarge) as refused:
        await generous.fetch(file["file_id"])
    assert refused.value.limit == PUBLIC_API_LIMIT
    assert methods(telegram) == ["getFile"]
    assert telegram.log[0].description == "Bad Request: file is too big"


async def test_the_cap_holds_while_reading_whatever_the_headers_say(
    telegram: FakeTelegram, downloader: FileDownloader
) -> None:
    telegram.chunked_downloads = True  # no Content-Length
    gate = telegram.pause_downloads()  # half of the bytes, then nothing until the gate opens
    file = telegram.add_file(b"x" * 4 * KIB, file_size=100)  # Telegram's size lies too
    with pytest.raises(FileTooLarge):
        await downloader.fetch(file["file_id"], size_hint=file["file_size"])
    assert not gate.is_set()  # refused on the first 2 KiB, without waiting for the rest
    gate.set()


async def test_a_content_length_over_the_cap_is_refused_before_reading(
    telegram: FakeTelegram, downloader: FileDownloader
) -> None:
    gate = telegram.pause_downloads()
    file = telegram.add_file(b"x" * 4 * KIB, file_size=100)
    with pytest.raises(FileTooLarge) as refused:
        await downloader.fetch(file["file_id"])
    assert refused.value.size == 4 * KIB
    gate.set()


async def test_an_unknown_file_id_fails_the_download(downloader: FileDownloader) -> None:
    with pytest.raises(DownloadFailed) as failed:
        await downloader.fetch("no-such-file")
    assert (failed.value.status, failed.value.kind) == (400, "download")
    assert "invalid file_id" in failed.value.message


@pytest.mark.parametrize("status", [404, 500, 502])
async def test_http_errors_fail_the_download(
    telegram: FakeTelegram, downloader: FileDownloader, status: int
) -> None:
    telegram.fail_downloads(status)
    file = telegram.add_file(b"data")
    with pytest.raises(DownloadFailed) as failed:
        await downloader.fetch(file["file_id"])
    assert failed.value.status == status
    assert await downloader.fetch(file["file_id"]) == b"data"  # the trouble was one-shot


async def test_a_connection_dropped_mid_body_fails_the_download(
    telegram: FakeTelegram, downloader: FileDownloader
) -> None:
    telegram.cut_downloads(after=10)
    file = telegram.add_file(b"y" * 500)
    with pytest.raises(DownloadFailed) as failed:
        await downloader.fetch(file["file_id"])
    assert isinstance(failed.value.__cause__, aiohttp.ClientError)


async def test_a_silent_server_times_out(
    telegram: FakeTelegram, bot: Bot, http: aiohttp.ClientSession
) -> None:
    impatient = FileDownloader(bot, telegram.base_url, http, read_timeout=0.05)
    gate = telegram.pause_downloads()
    file = telegram.add_file(b"z" * 100)
    with pytest.raises(DownloadFailed, match="Timeout"):
        await impatient.fetch(file["file_id"])
    gate.set()


async def test_an_unreachable_file_server_fails_the_download(
    telegram: FakeTelegram, bot: Bot, http: aiohttp.ClientSession, unused_tcp_port: int
) -> None:
    elsewhere = FileDownloader(bot, f"http://127.0.0.1:{unused_tcp_port}", http)
    file = telegram.add_file(b"data")
    with pytest.raises(DownloadFailed) as failed:
        await elsewhere.fetch(file["file_id"])
    assert isinstance(failed.value.__cause__, aiohttp.ClientConnectionError)


async def test_getfile_failures_fail_the_download(
    telegram: FakeTelegram, downloader: FileDownloader
) -> None:
    telegram.fail_next("getFile", status=502, description="Bad Gateway")
    file = telegram.add_file(b"data")
    with pytest.raises(DownloadFailed, match="Bad Gateway"):
        await downloader.fetch(file["file_id"])


async def test_a_local_server_file_is_read_from_disk(
    telegram: FakeTelegram, downloader: FileDownloader
) -> None:
    file = telegram.add_file(b"on disk", local=True)
    assert telegram.local_path(file["file_id"]).is_absolute()
    assert await downloader.fetch(file["file_id"]) == b"on disk"
    assert methods(telegram) == ["getFile"]  # no HTTP download


async def test_local_mode_applies_to_every_file_without_the_20_mb_limit(
    telegram: FakeTelegram, bot: Bot, http: aiohttp.ClientSession
) -> None:
    telegram.local_mode = True
    generous = FileDownloader(bot, telegram.base_url, http, max_bytes=PUBLIC_API_LIMIT + KIB)
    big = bytes(PUBLIC_API_LIMIT + 1)
    file = telegram.add_file(big)
    assert await generous.fetch(file["file_id"]) == big
    assert methods(telegram) == ["getFile"]


async def test_a_local_file_over_the_cap_is_refused(
    telegram: FakeTelegram, downloader: FileDownloader
) -> None:
    file = telegram.add_file(b"x" * 2 * KIB, local=True, file_size=10)
    with pytest.raises(FileTooLarge) as refused:
        await downloader.fetch(file["file_id"])
    assert refused.value.size == 2 * KIB


async def test_a_local_path_the_bot_cannot_see_is_downloaded(
    telegram: FakeTelegram, downloader: FileDownloader
) -> None:
    file = telegram.add_file(b"far away", local=True)
    telegram.local_path(file["file_id"]).unlink()  # the server runs on another machine
    assert await downloader.fetch(file["file_id"]) == b"far away"
    assert methods(telegram) == ["getFile", "download"]


async def test_other_chats_are_served_while_a_download_is_slow(
    telegram: FakeTelegram, bot: Bot, downloader: FileDownloader
) -> None:
    gate = telegram.pause_downloads()
    file = telegram.add_file(b"slow" * 100)
    download = asyncio.create_task(downloader.fetch(file["file_id"]))
    await telegram.wait_calls("download")
    sent = await bot.send_message(PRIVATE, "meanwhile, another chat gets its answer")
    assert telegram.visible_texts(PRIVATE) == [sent.text]
    assert not download.done()
    gate.set()
    assert await download == b"slow" * 100


async def test_a_slow_local_file_does_not_block_the_loop(
    telegram: FakeTelegram, bot: Bot, downloader: FileDownloader
) -> None:
    file = telegram.add_file(b"", local=True)
    path = telegram.local_path(file["file_id"])
    path.unlink()
    os.mkfifo(path)  # opening it for reading blocks until a writer comes
    download = asyncio.create_task(downloader.fetch(file["file_id"]))
    await telegram.wait_calls("getFile")
    me = await bot.get_me()  # the loop is free while the read waits
    assert me.username == "test_llm_bot"
    assert not download.done()
    await asyncio.to_thread(path.write_bytes, b"from a pipe")
    assert await download == b"from a pipe"


@pytest.mark.parametrize("answer", [
    ("<html><h1>502 Bad Gateway</h1></html>", 502, "text/html"),
    (b"\x00\xff not json", 200, "application/octet-stream"),
    ('{"ok": true, "result": {"file_id": 5}}', 200, "application/json"),
], ids=["a proxy's page", "garbage", "JSON that is no File"])
async def test_a_getfile_answer_that_is_no_bot_api_answer_fails_the_download(
    telegram: FakeTelegram, http: aiohttp.ClientSession, answer: tuple[str | bytes, int, str]
) -> None:
    body, status, content_type = answer
    telegram.answer_raw("getFile", body, status=status, content_type=content_type)
    file = telegram.add_file(b"data")
    bot = create_bot(telegram.token, telegram.base_url)  # the bot's own client
    try:
        downloader = FileDownloader(bot, telegram.base_url, http)
        with pytest.raises(DownloadFailed, match="getFile failed") as failed:
            await downloader.fetch(file["file_id"])
        assert telegram.token.partition(":")[2] not in repr(failed.value.__cause__)
        assert await downloader.fetch(file["file_id"]) == b"data"  # the trouble was one-shot
    finally:
        await bot.session.close()
