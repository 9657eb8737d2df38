"""The fake Bot API's files and media updates behave like Telegram's."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import Update

from tests.fakes.telegram import DEFAULT_SIZES, FakeTelegram, jpeg_stub

PRIVATE = 501
GROUP = -1001234


async def test_aiogram_downloads_files_from_the_fake(telegram: FakeTelegram, bot: Bot) -> None:
    file = telegram.add_file(b"%PDF-1.4 ...", file_name="a.pdf", mime_type="application/pdf")
    assert file == {
        "file_id": file["file_id"], "file_unique_id": file["file_unique_id"], "file_size": 12,
        "file_name": "a.pdf", "mime_type": "application/pdf",
    }
    info = await bot.get_file(file["file_id"])
    assert info.file_size == 12
    assert info.file_path
    assert info.file_path.startswith("documents/")
    assert info.file_path.endswith(".pdf")
    downloaded = await bot.download(file["file_id"])  # aiogram's own downloader
    assert downloaded is not None
    assert downloaded.read() == b"%PDF-1.4 ..."
    assert [c.method for c in telegram.log] == ["getFile", "getFile", "download"]


async def test_file_urls_need_the_token_and_a_known_path(
    telegram: FakeTelegram, bot: Bot, http: aiohttp.ClientSession
) -> None:
    info = await bot.get_file(telegram.add_file(b"data")["file_id"])
    base = f"{telegram.base_url}/file/bot"
    async with http.get(f"{base}{telegram.token}/{info.file_path}") as found:
        assert (found.status, await found.read()) == (200, b"data")
        assert found.content_length == 4
    async with http.get(f"{base}999:WRONG/{info.file_path}") as wrong_token:
        assert wrong_token.status == 404
    async with http.get(f"{base}{telegram.token}/documents/nothing.txt") as unknown:
        assert unknown.status == 404
        assert (await unknown.json())["description"] == "Not Found"


async def test_getfile_refuses_like_telegram(telegram: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")
    big = telegram.add_file(b"x", file_size=20 * 1024 * 1024 + 1)
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(big["file_id"])
    fits = telegram.add_file(b"x", file_size=20 * 1024 * 1024)
    assert (await bot.get_file(fits["file_id"])).file_path


async def test_local_files_are_absolute_paths_under_the_token() -> None:
    async with FakeTelegram() as telegram:
        bot = telegram.bot()
        file = telegram.add_file(b"local bytes", local=True, file_size=30 * 1024 * 1024)
        info = await bot.get_file(file["file_id"])  # no 20 MB limit here
        assert info.file_path
        path = Path(info.file_path)
        assert path.is_absolute()
        assert telegram.token in path.parts  # like telegram-bot-api --local's working dir
        assert await asyncio.to_thread(path.read_bytes) == b"local bytes"
        telegram.local_mode = True
        later = await bot.get_file(telegram.add_file(b"also local")["file_id"])
        assert later.file_path
        assert await asyncio.to_thread(Path(later.file_path).read_bytes) == b"also local"
        await bot.session.close()
    assert not await asyncio.to_thread(path.exists)  # removed with the server


async def test_downloads_can_be_chunked_failed_or_cut(
    telegram: FakeTelegram, bot: Bot, http: aiohttp.ClientSession
) -> None:
    info = await bot.get_file(telegram.add_file(b"0123456789")["file_id"])
    url = f"{telegram.base_url}/file/bot{telegram.token}/{info.file_path}"
    telegram.chunked_downloads = True
    async with http.get(url) as chunked:
        assert chunked.content_length is None
        assert await chunked.read() == b"0123456789"
    telegram.fail_downloads(503, times=2)
    for _ in range(2):
        async with http.get(url) as failed:
            assert failed.status == 503
    telegram.chunked_downloads = False
    telegram.cut_downloads(after=4)
    async with http.get(url) as cut:
        with pytest.raises(aiohttp.ClientPayloadError):
            await cut.read()
    async with http.get(url) as whole:
        assert await whole.read() == b"0123456789"
    assert [c.status for c in telegram.calls("download")] == [200, 503, 503, 200, 200]


async def test_photos_come_in_growing_registered_sizes(telegram: FakeTelegram, bot: Bot) -> None:
    message = Update.model_validate(telegram.private_photo(PRIVATE, caption="look")).message
    assert message
    assert message.photo
    assert message.caption == "look"
    assert [(p.width, p.height) for p in message.photo] == list(DEFAULT_SIZES)
    largest = message.photo[-1]
    downloaded = await bot.download(largest.file_id)
    assert downloaded is not None
    assert downloaded.read() == jpeg_stub(1280, 960)
    custom = telegram.private_photo(PRIVATE, [(10, 20)], images=[b"\x89PNG custom"])
    photo = Update.model_validate(custom).message.photo  # type: ignore[union-attr]
    assert photo
    assert photo[0].file_size == len(b"\x89PNG custom")


async def test_albums_share_a_media_group_id(telegram: FakeTelegram) -> None:
    first = telegram.private_photo(PRIVATE, caption="trip", media_group_id="777")
    second = telegram.private_photo(PRIVATE, media_group_id="777")
    messages = [Update.model_validate(u).message for u in (first, second)]
    pairs = [(m.media_group_id, m.caption) for m in messages if m]
    assert pairs == [("777", "trip"), ("777", None)]


async def test_group_photos_can_mention_the_bot_in_a_topic(telegram: FakeTelegram) -> None:
    asked = telegram.group_message(GROUP, 7, "earlier")
    update = telegram.group_photo(
        GROUP, 7, caption="what is this?", mention_in_caption=True, thread_id=4,
        reply_to_message_id=asked["message"]["message_id"],
    )
    message = Update.model_validate(update).message
    assert message
    assert message.caption == "@test_llm_bot what is this?"
    assert message.caption_entities
    assert (message.caption_entities[0].type, message.caption_entities[0].length) == ("mention", 13)
    assert message.text is None
    assert (message.message_thread_id, message.is_topic_message) == (4, True)
    assert message.reply_to_message
    assert message.reply_to_message.text == "earlier"


async def test_documents_voice_audio_and_round_videos(telegram: FakeTelegram, bot: Bot) -> None:
    updates = [
        telegram.private_document(PRIVATE, b"a,b\n1,2\n", "t.csv", "text/csv", caption="sum it"),
        telegram.private_voice(PRIVATE, b"OggS voice", duration=4),
        telegram.private_audio(PRIVATE, b"ID3 song", title="Song", performer="Band"),
        telegram.private_video_note(PRIVATE, b"mp4 circle", duration=7),
    ]
    document, voice, audio, note = (Update.model_validate(u).message for u in updates)
    assert document
    assert document.document
    assert (document.document.file_name, document.document.mime_type, document.caption) == (
        "t.csv", "text/csv", "sum it"
    )
    assert voice
    assert voice.voice
    assert (voice.voice.duration, voice.voice.mime_type) == (4, "audio/ogg")
    assert audio
    assert audio.audio
    assert (audio.audio.title, audio.audio.performer) == ("Song", "Band")
    assert note
    assert note.video_note
    assert (note.video_note.duration, note.video_note.length) == (7, 384)
    fetched = await bot.download(note.video_note.file_id)
    assert fetched is not None
    assert fetched.read() == b"mp4 circle"


async def test_quotes_must_quote_the_replied_message(telegram: FakeTelegram) -> None:
    original = telegram.private_message(PRIVATE, "exact words here")
    message_id = original["message"]["message_id"]
    with pytest.raises(ValueError, match="is not part of"):
        telegram.private_message(
            PRIVATE, "?", reply_to_message_id=message_id, quote={"text": "words", "position": 0}
        )
    with pytest.raises(ValueError, match="needs a replied"):
        telegram.private_message(PRIVATE, "?", quote={"text": "exact", "position": 0})
    fine = telegram.private_message(
        PRIVATE, "?", reply_to_message_id=message_id, quote={"text": "words", "position": 6}
    )
    quote = Update.model_validate(fine).message.quote  # type: ignore[union-attr]
    assert quote
    assert (quote.text, quote.position) == ("words", 6)
