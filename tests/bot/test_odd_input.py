"""Odd but valid input the fuzzer found trouble with: each is answered, nothing breaks."""

from __future__ import annotations

from urllib.parse import unquote

from tests.bot.conftest import ADMIN, USER, Harness, HarnessFactory


async def test_a_model_name_too_long_to_store_is_refused(harness: Harness) -> None:
    # vitalentum takes any model name; the database keeps at most 128 characters of one.
    await harness.send(harness.telegram.private_message(USER, "/model vitalentum:" + "m" * 129))
    assert "at most 128 characters" in harness.last_text(USER)
    await harness.send(harness.telegram.private_message(USER, "/model"))
    assert harness.last_text(USER).startswith("Model in this chat: openai:fake-model-a")
    await harness.send(harness.telegram.private_message(
        ADMIN, "/providers default vitalentum:" + "m" * 129))
    assert "at most 128 characters" in harness.last_text(ADMIN)
    await harness.send(harness.telegram.private_message(USER, "/model vitalentum:" + "m" * 128))
    assert harness.last_text(USER) == "Model set: vitalentum:" + "m" * 128


async def test_control_characters_in_an_audio_files_name_and_type(
        make_harness: HarnessFactory) -> None:
    # The client names the file; aiohttp refuses control characters in the upload's headers.
    harness = await make_harness(transcribe_provider="openai", transcribe_model="whisper-1")
    harness.providers.script_transcription("openai", "play it again")
    harness.providers.script("openai", "ok")
    await harness.send(harness.telegram.private_audio(
        USER, b"ID3 music", file_name="song\r\nX-Injected: 1\x00.mp3", mime_type="audio/mpeg\x1f"))
    assert harness.texts(USER)[-1] == "ok"
    [request] = harness.providers.requests_for("openai", "transcription")
    assert unquote(request.form["file"].filename or "") == "songX-Injected: 1.mp3"
    assert request.form["file"].content_type == "audio/mpeg"
