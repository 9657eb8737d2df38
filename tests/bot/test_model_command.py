"""/model: showing, switching by name and by buttons, and who may switch in groups."""

from __future__ import annotations

from typing import Any

from tests.bot.conftest import ADMIN, GROUP, OTHER, USER, Harness
from tests.fakes.providers import PROVIDERS


def buttons(harness: Harness, chat_id: int) -> list[tuple[str, str]]:
    markup = harness.telegram.messages(chat_id)[-1].reply_markup or {}
    return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", [])
            for b in row]


async def test_model_shows_the_current_choice_and_the_providers(harness: Harness) -> None:
    await harness.send(harness.telegram.private_message(USER, "/model"))
    assert harness.last_text(USER).startswith("Model in this chat: openai:fake-model-a")
    assert [text for text, _ in buttons(harness, USER)] == [
        "✓ openai", "flowgpt", "vitalentum", "ai365vip", "codelinkava"]


async def test_switching_across_all_five_protocols(harness: Harness) -> None:
    for provider in PROVIDERS:
        harness.providers.script(provider, f"hello from {provider}")
    for spec, provider, model in [
        ("flowgpt:gemini", "flowgpt", "google-gemini"),
        ("vitalentum", "vitalentum", "gpt-3.5-turbo"),
        ("gpt-4o", "ai365vip", "gpt-4o"),
        ("codelinkava", "codelinkava", "gpt-3.5-turbo"),
        ("openai:fake-model-b", "openai", "fake-model-b"),
    ]:
        await harness.send(harness.telegram.private_message(USER, f"/model {spec}"))
        assert harness.last_text(USER) == f"Model set: {provider}:{model}"
        await harness.send(harness.telegram.private_message(USER, "hi"))
        assert harness.last_text(USER) == f"hello from {provider}"
        assert len(harness.providers.requests_for(provider)) == 1
    assert harness.provider_bodies("flowgpt")[0]["model"] == "google-gemini"
    assert harness.provider_bodies("ai365vip")[0]["model"]["id"] == "gpt-4o"
    assert harness.provider_bodies("openai")[0]["model"] == "fake-model-b"


async def test_the_model_named_is_the_model_asked(harness: Harness) -> None:
    # AI365VIP's default is also the name of one of its aliases: the default is sent as itself.
    harness.providers.script("ai365vip", "ok")
    await harness.send(harness.telegram.private_message(USER, "/model ai365vip"))
    assert harness.last_text(USER) == "Model set: ai365vip:gpt-3.5-turbo"
    await harness.send(harness.telegram.private_message(USER, "hi"))
    await harness.send(harness.telegram.private_message(USER, "/model ai365vip:gpt-3.5-turbo"))
    assert harness.last_text(USER) == "Model set: ai365vip:gpt-3.5-turbo-16k"
    await harness.send(harness.telegram.private_message(USER, "hi again"))
    assert [body["model"]["id"] for body in harness.provider_bodies("ai365vip")] == [
        "gpt-3.5-turbo", "gpt-3.5-turbo-16k"]


async def test_unknown_names_list_what_exists(harness: Harness) -> None:
    await harness.send(harness.telegram.private_message(USER, "/model flowgpt:gpt-9"))
    text = harness.last_text(USER)
    assert text.startswith("I don't know that one:")
    assert "gpt-9" in text
    assert "flowgpt (gpt-3.5-turbo" in text
    await harness.send(harness.telegram.private_message(USER, "/model bard"))
    assert "unknown provider or model 'bard'" in harness.last_text(USER)


async def test_buttons_walk_from_provider_to_model(harness: Harness) -> None:
    await harness.send(harness.telegram.private_message(USER, "/model"))
    message_id = harness.telegram.messages(USER)[-1].message_id
    flowgpt = dict(buttons(harness, USER))["flowgpt"]
    await harness.send(harness.telegram.callback_query(USER, USER, message_id, flowgpt))
    assert harness.last_text(USER) == "Models of flowgpt:"
    models = dict(buttons(harness, USER))
    assert "claude-v2" in models
    assert "« Back" in models
    await harness.send(harness.telegram.callback_query(USER, USER, message_id,
                                                       models["claude-v2"]))
    assert harness.last_text(USER) == "Model set: flowgpt:claude-v2"
    harness.providers.script("flowgpt", "ok")
    await harness.send(harness.telegram.private_message(USER, "hi"))
    assert harness.provider_bodies("flowgpt")[0]["model"] == "claude-v2"


async def test_in_groups_only_admins_switch(harness: Harness) -> None:
    await harness.send(harness.telegram.group_message(GROUP, USER, "/model flowgpt"))
    assert harness.last_text(GROUP) == "Only this chat's admins can change that here."
    harness.telegram.set_member(GROUP, OTHER, "administrator")
    await harness.send(harness.telegram.group_message(GROUP, OTHER, "/model flowgpt"))
    assert harness.last_text(GROUP) == "Model set: flowgpt:gpt-3.5-turbo"
    # Membership is asked once per user and then cached for a short while.
    await harness.send(harness.telegram.group_message(GROUP, OTHER, "/model ai365vip"))
    asked = [c.params["user_id"] for c in harness.telegram.calls("getChatMember")]
    assert asked == [USER, OTHER]
    # The bot's own admins may switch anywhere, members or not.
    await harness.send(harness.telegram.group_message(GROUP, ADMIN, "/model vitalentum"))
    assert harness.last_text(GROUP) == "Model set: vitalentum:gpt-3.5-turbo"


async def test_anonymous_admins_post_as_the_group(harness: Harness) -> None:
    update: dict[str, Any] = harness.telegram.group_message(GROUP, 1087968824, "/model flowgpt")
    update["message"]["sender_chat"] = harness.telegram.chat(GROUP)
    await harness.send(update)
    assert harness.last_text(GROUP) == "Model set: flowgpt:gpt-3.5-turbo"


async def test_buttons_follow_the_same_rule(harness: Harness) -> None:
    await harness.send(harness.telegram.group_message(GROUP, USER, "/model"))
    message_id = harness.telegram.messages(GROUP)[-1].message_id
    await harness.send(harness.telegram.callback_query(GROUP, USER, message_id,
                                                       dict(buttons(harness, GROUP))["flowgpt"]))
    choose = dict(buttons(harness, GROUP))["gpt-4-turbo"]
    await harness.send(harness.telegram.callback_query(GROUP, USER, message_id, choose))
    alert = harness.telegram.calls("answerCallbackQuery")[-1].params
    assert alert["text"] == "Only this chat's admins can change that here."
    assert harness.last_text(GROUP) == "Models of flowgpt:"
    harness.telegram.set_member(GROUP, OTHER, "creator")
    await harness.send(harness.telegram.callback_query(GROUP, OTHER, message_id, choose))
    assert harness.last_text(GROUP) == "Model set: flowgpt:gpt-4-turbo"
