"""Questions the way people ask them in Telegram: photos, albums, documents, voice, quotes."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from tests.bot.conftest import ADMIN, GROUP, OTHER, USER, Harness, HarnessFactory
from tests.fakes.providers import Failure, last_user_text
from tests.fakes.telegram.media import jpeg_stub
from tests.media.samples import encrypted_pdf, pdf, png, word

SIZES = ((90, 68), (1280, 960), (2560, 1920))  # Telegram's sizes of one picture


def parts(body: dict[str, Any], index: int = -1) -> list[dict[str, Any]]:
    content = body["messages"][index]["content"]
    assert isinstance(content, list), content
    return content


def image_bytes(part: dict[str, Any]) -> bytes:
    url = part["image_url"]["url"]
    assert url.startswith("data:image/jpeg;base64,")
    return base64.b64decode(url.split(",", 1)[1])


def echo(harness: Harness, *names: str) -> None:
    for name in names or ("openai",):
        harness.providers.script(name, lambda body: "Seen.")


async def test_a_photo_with_a_caption_is_a_question_with_an_image(harness: Harness) -> None:
    echo(harness)
    await harness.send(harness.telegram.private_photo(USER, SIZES, caption="What is this?"))
    assert harness.texts(USER) == ["Seen."]
    text, image = parts(harness.provider_bodies("openai")[0])
    assert text == {"type": "text", "text": "What is this?"}
    assert image["type"] == "image_url"
    # The largest size not above IMAGE_MAX_SIDE (2048): 1280×960, not 2560×1920.
    assert image_bytes(image) == jpeg_stub(1280, 960)


async def test_a_photo_without_a_caption_is_a_question_too(make_harness: HarnessFactory) -> None:
    harness = await make_harness(image_max_side=100)
    echo(harness)
    await harness.send(harness.telegram.private_photo(USER, SIZES))
    [image] = parts(harness.provider_bodies("openai")[0])
    assert image_bytes(image) == jpeg_stub(90, 68)
    assert harness.texts(USER) == ["Seen."]


async def test_photos_in_groups_only_when_addressed(harness: Harness) -> None:
    echo(harness)
    await harness.send(harness.telegram.group_photo(GROUP, USER, SIZES, caption="look at this"))
    assert harness.providers.requests == []
    await harness.send(harness.telegram.group_photo(GROUP, USER, SIZES, caption="what is it?",
                                                    mention_in_caption=True))
    text, _ = parts(harness.provider_bodies("openai")[0])
    assert text["text"] == "User2000: what is it?"
    answer = harness.telegram.messages(GROUP)[-1]
    await harness.send(harness.telegram.group_photo(GROUP, OTHER, SIZES,
                                                    reply_to_message_id=answer.message_id))
    assert len(harness.provider_bodies("openai")) == 2  # a photo replying to the bot


async def test_an_album_is_one_question_with_every_image(harness: Harness) -> None:
    echo(harness)
    pictures = [((800, 600),), ((640, 480),), ((1024, 768),)]
    updates = [harness.telegram.private_photo(USER, sizes, media_group_id="album-1",
                                              caption="Which one is best?" if i == 0 else None)
               for i, sizes in enumerate(pictures)]
    # Telegram delivers an album as separate updates within about a second.
    await asyncio.gather(*(harness.send(update) for update in updates))
    [body] = harness.provider_bodies("openai")
    text, *images = parts(body)
    assert text["text"] == "Which one is best?"
    assert [image_bytes(i) for i in images] == [jpeg_stub(800, 600), jpeg_stub(640, 480),
                                                 jpeg_stub(1024, 768)]
    assert harness.texts(USER) == ["Seen."]


async def test_an_image_sent_as_a_file_counts_as_a_photo(harness: Harness) -> None:
    echo(harness)
    picture = png(64, 48)
    await harness.send(harness.telegram.private_document(USER, picture, "diagram.png",
                                                         "image/png", caption="explain"))
    _, image = parts(harness.provider_bodies("openai")[0])
    assert image["image_url"]["url"] == (
        "data:image/png;base64," + base64.b64encode(picture).decode())


async def test_a_model_that_cannot_see_gets_a_marker_and_the_user_is_told_once(
        harness: Harness) -> None:
    echo(harness, "flowgpt")
    await harness.send(harness.telegram.private_message(USER, "/model flowgpt"))
    await harness.send(harness.telegram.private_photo(USER, SIZES, caption="what's this?"))
    await harness.send(harness.telegram.private_photo(USER, SIZES, caption="and this?"))
    bodies = harness.provider_bodies("flowgpt")
    assert bodies[0]["question"] == "what's this? [image]"
    assert harness.texts(USER)[1] == (
        "Seen.\n\n🖼 flowgpt cannot see images: it got only the text. Choose a model that can "
        "with /model.")
    assert harness.texts(USER)[2] == "Seen."  # told once


async def test_a_server_that_refuses_images_is_a_friendly_message(
        make_harness: HarnessFactory) -> None:
    harness = await make_harness(providers=("openai",))
    harness.providers.script("openai", Failure(400, '{"error": {"message": "image_url is not '
                                                    'supported by this model"}}'))
    await harness.send(harness.telegram.private_photo(USER, SIZES, caption="see?"))
    assert harness.texts(USER) == [
        "The current model (openai) cannot see images. Pick a model that can with /model, "
        "or ask in words."]


async def test_images_of_earlier_turns_stay_in_the_context(make_harness: HarnessFactory) -> None:
    harness = await make_harness(history_max_images=1)
    echo(harness)
    await harness.send(harness.telegram.private_photo(USER, ((320, 240),), caption="first"))
    await harness.send(harness.telegram.private_photo(USER, ((640, 480),), caption="second"))
    await harness.send(harness.telegram.private_message(USER, "compare them"))
    messages = harness.provider_bodies("openai")[-1]["messages"]
    assert messages[0]["content"] == "first [image]"  # beyond HISTORY_MAX_IMAGES: a marker
    assert image_bytes(parts({"messages": messages}, 2)[1]) == jpeg_stub(640, 480)
    assert messages[-1]["content"] == "compare them"
    downloads = [c for c in harness.telegram.log if c.method == "download"]
    assert len(downloads) == 2  # the second photo came from the cache


async def test_retry_asks_again_with_the_same_photo(harness: Harness) -> None:
    echo(harness)
    await harness.send(harness.telegram.private_photo(USER, ((320, 240),), caption="this?"))
    await harness.send(harness.telegram.private_message(USER, "/retry"))
    first, second = harness.provider_bodies("openai")
    assert parts(first) == parts(second)


async def test_a_redelivered_photo_is_answered_once(harness: Harness) -> None:
    echo(harness)
    update = harness.telegram.private_photo(USER, SIZES, caption="once")
    await harness.send(update)
    await harness.send(update)
    assert harness.texts(USER) == ["Seen."]


async def test_text_documents_in_any_encoding_become_part_of_the_question(
        harness: Harness) -> None:
    harness.providers.script("openai", lambda body: last_user_text(body))
    people = "name,city\nАнна,Москва\n".encode()
    await harness.send(harness.telegram.private_document(
        USER, people, "people.csv", "text/csv", caption="who lives where?"))
    await harness.send(harness.telegram.private_document(
        USER, "print('héllo')\n".encode("utf-16"), "hello.py", None))
    first, second = [b["messages"][-1]["content"] for b in harness.provider_bodies("openai")]
    assert first == "File: people.csv\n```\nname,city\nАнна,Москва\n```\n\nwho lives where?"
    assert second == "File: hello.py\n```\nprint('héllo')\n```"
    [csv] = await harness.attachments(USER, "people.csv")
    assert (csv.kind, csv.mime_type, csv.size) == ("document", "text/csv", len(people))
    assert csv.text == "File: people.csv\n```\nname,city\nАнна,Москва\n```"  # read once


async def test_pdf_and_docx_documents_are_read(harness: Harness) -> None:
    harness.providers.script("openai", lambda body: "ok")
    await harness.send(harness.telegram.private_document(
        USER, pdf(["Quarterly revenue rose 5%.", "Costs fell."]), "q3.pdf", "application/pdf",
        caption="summarise"))
    await harness.send(harness.telegram.private_document(
        USER, word(["Minutes of the meeting.", "Decided: ship it."]), "minutes.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    pdf_question, docx_question = [b["messages"][-1]["content"]
                                   for b in harness.provider_bodies("openai")][:2]
    assert pdf_question.startswith("File: q3.pdf\n```\n")
    assert "Quarterly revenue rose 5%." in pdf_question
    assert "Costs fell." in pdf_question
    assert pdf_question.endswith("```\n\nsummarise")
    assert "Decided: ship it." in docx_question


async def test_a_long_document_is_cut_with_a_visible_note(make_harness: HarnessFactory) -> None:
    harness = await make_harness(document_max_chars=100)
    harness.providers.script("openai", "ok")
    await harness.send(harness.telegram.private_document(USER, b"x" * 500, "big.txt",
                                                         "text/plain"))
    question = harness.provider_bodies("openai")[0]["messages"][-1]["content"]
    assert "x" * 100 in question
    assert "x" * 101 not in question
    assert question.endswith("⚠️ The file was cut at 100 characters; the rest was not read.")


async def test_files_that_cannot_be_read_get_a_friendly_reply(harness: Harness) -> None:
    cases = [
        (b"\x00\x01binary", "tool.exe", "application/x-msdownload",
         "I can't read tool.exe. I read text files"),
        (encrypted_pdf(["secret"], user_password="pw"), "locked.pdf", "application/pdf",
         "That document is password-protected"),
        (pdf([None]), "scan.pdf", "application/pdf", "I found nothing to read there"),
    ]
    for data, name, mime, reply in cases:
        await harness.send(harness.telegram.private_document(USER, data, name, mime))
        assert harness.last_text(USER).startswith(reply), name
    await harness.send(harness.telegram.private_document(
        USER, b"tiny", "huge.txt", "text/plain", file_size=25 * 1024 * 1024))
    assert harness.last_text(USER) == "That file is too large: I can download files of up to " \
                                      "20 MB."
    assert harness.providers.requests_for("openai") == []


async def test_voice_without_transcription_is_a_friendly_reply(harness: Harness) -> None:
    await harness.send(harness.telegram.private_voice(USER, b"OggS voice"))
    assert harness.last_text(USER) == (
        "I can't listen to voice messages here: speech-to-text is not set up. "
        "Please type your question.")
    assert harness.providers.requests == []


async def test_voice_is_transcribed_shown_and_answered(make_harness: HarnessFactory) -> None:
    harness = await make_harness(transcribe_provider="openai", transcribe_model="whisper-1")
    harness.providers.script_transcription("openai", "What's the weather like?")
    harness.providers.script("openai", lambda body: f"Answer to: {last_user_text(body)}")
    await harness.send(harness.telegram.private_voice(USER, b"OggS recorded speech"))
    assert harness.texts(USER) == ["🎤 What's the weather like?",
                                   "Answer to: What's the weather like?"]
    [request] = harness.providers.requests_for("openai", "transcription")
    assert request.form["model"].text == "whisper-1"
    assert request.form["file"].value == b"OggS recorded speech"
    [voice] = await harness.attachments(USER)
    assert (voice.kind, voice.text) == ("voice", "What's the weather like?")


async def test_a_getfile_answer_that_is_no_bot_api_answer_is_a_friendly_reply(
        harness: Harness) -> None:
    echo(harness)
    harness.telegram.answer_raw("getFile", "<html><h1>502 Bad Gateway</h1></html>", status=502)
    await harness.send(harness.telegram.private_document(USER, b"notes", "n.txt", "text/plain"))
    assert harness.texts(USER) == [
        "I couldn't download that file from Telegram. Please send it again."]
    assert harness.providers.requests_for("openai") == []


async def test_a_transcription_endpoint_outside_providers_only_transcribes(
        make_harness: HarnessFactory) -> None:
    harness = await make_harness(providers=("vitalentum",), endpoints=("whisper",),
                                 transcribe_provider="whisper", transcribe_model="whisper-1")
    harness.providers.script_transcription("whisper", "Is it going to rain?")
    harness.providers.script("vitalentum", lambda body: "Take an umbrella.")
    await harness.send(harness.telegram.private_voice(USER, b"OggS recorded speech"))
    assert harness.texts(USER) == ["🎤 Is it going to rain?", "Take an umbrella."]
    [request] = harness.providers.requests_for("whisper", "transcription")
    assert request.form["model"].text == "whisper-1"
    assert harness.providers.requests_for("whisper", "chat") == []
    # Never offered for chat: not in /model's keyboard, /providers, or as a fallback.
    await harness.send(harness.telegram.private_message(USER, "/model"))
    assert [name for name in harness.buttons(USER) if "whisper" in name] == []
    await harness.send(harness.telegram.private_message(ADMIN, "/providers"))
    assert "whisper" not in harness.last_text(ADMIN)
    await harness.send(harness.telegram.private_message(USER, "/model whisper"))
    assert harness.last_text(USER).startswith("I don't know that one: unknown provider or "
                                              "model 'whisper'; providers: vitalentum\n")
    harness.providers.script("vitalentum", Failure(500, "down"))
    await harness.send(harness.telegram.private_message(USER, "and tomorrow?"))
    assert harness.providers.requests_for("whisper", "chat") == []


async def test_a_reply_quoting_another_users_message_asks_about_it(harness: Harness) -> None:
    harness.providers.script("openai", lambda body: "ok")
    said = harness.telegram.group_message(GROUP, OTHER, "Prices rose by 5% in March.")
    quoted = {"text": "by 5%", "position": 12}
    await harness.send(harness.telegram.group_message(
        GROUP, USER, "is that a lot?", mention=True,
        reply_to_message_id=said["message"]["message_id"], quote=quoted))
    question = harness.provider_bodies("openai")[0]["messages"][-1]["content"]
    assert question == ("User2000: Replying to this part of a message from User3000:\n"
                        "> by 5%\n\nis that a lot?")


async def test_a_forwarded_message_is_asked_about_with_its_author(harness: Harness) -> None:
    harness.providers.script("openai", lambda body: "ok")
    origin = harness.telegram.origin_channel(-100900, 3, title="Release notes")
    await harness.send(harness.telegram.private_message(
        USER, "Version 2 drops Python 3.8.", forward_origin=origin))
    question = harness.provider_bodies("openai")[0]["messages"][-1]["content"]
    assert question == "Forwarded message from Release notes:\n> Version 2 drops Python 3.8."


async def test_a_reply_to_a_message_of_another_chat_and_to_the_bot(harness: Harness) -> None:
    harness.providers.script("openai", lambda body: "Bot's answer.")
    origin = harness.telegram.origin_user(OTHER)
    await harness.send(harness.telegram.private_message(
        USER, "what does it mean?", quote={"text": "Prices rose", "position": 0},
        external_reply=harness.telegram.external_reply(origin, chat_id=-100500, message_id=9)))
    question = harness.provider_bodies("openai")[0]["messages"][-1]["content"]
    assert question == ("Replying to a message from User3000 in another chat:\n"
                        "> Prices rose\n\nwhat does it mean?")
    # A plain reply to the bot's own message adds nothing: it is in the history already.
    answer = harness.telegram.messages(USER)[-1]
    await harness.send(harness.telegram.private_message(
        USER, "shorter please", reply_to_message_id=answer.message_id))
    assert harness.provider_bodies("openai")[1]["messages"][-1]["content"] == "shorter please"


async def test_a_question_after_a_slow_document_waits_for_it(harness: Harness) -> None:
    harness.providers.script("openai", lambda body: f"re: {last_user_text(body)[-8:]}")
    release = harness.telegram.pause_downloads()
    await harness.send(harness.telegram.private_document(USER, b"long report", "r.txt",
                                                         "text/plain"), wait=False)
    await harness.send(harness.telegram.private_message(USER, "and then?"), wait=False)
    await harness.telegram.wait_calls("download")
    assert harness.providers.requests == []  # the text does not jump the document
    release.set()
    await harness.until_shown(USER, "re: nd then?")
    first, second = [b["messages"][-1]["content"] for b in harness.provider_bodies("openai")]
    assert first.startswith("File: r.txt")
    assert second == "and then?"


async def test_a_gif_is_not_downloaded_as_a_document(harness: Harness) -> None:
    gif = harness.telegram.add_file(b"GIF89a", file_name="fun.mp4", mime_type="video/mp4")
    animation = {**gif, "width": 100, "height": 100, "duration": 2}
    await harness.send(harness.telegram.media_message(
        USER, USER, {"animation": animation, "document": gif}))
    assert harness.last_text(USER).startswith("I can read text, photos, voice messages")
    assert [c for c in harness.telegram.log if c.method == "download"] == []


async def test_a_forwarded_photo_keeps_its_caption_once(harness: Harness) -> None:
    echo(harness)
    update = harness.telegram.private_photo(USER, SIZES, caption="Sunset over the bay")
    update["message"]["forward_origin"] = harness.telegram.origin_user(OTHER)
    await harness.send(update)
    text, _ = parts(harness.provider_bodies("openai")[0])
    assert text["text"] == "Forwarded message from User3000:\n> [photo] Sunset over the bay"
