"""Groups: who the bot answers, commands for it and for other bots, topics, migration."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Command
from aiogram.types import Chat, Message, User

from bot.handlers import routers
from bot.handlers.addressing import OUR_COMMANDS, author_id
from tests.bot.conftest import ADMIN, GROUP, OTHER, USER, Harness, HarnessFactory
from tests.fakes.providers import last_user_text
from tests.fakes.telegram.fuzz_people import GROUP_ANONYMOUS_BOT


def echo(harness: Harness) -> None:
    harness.providers.script("openai", lambda body: f"Answer to: {last_user_text(body)}")


async def test_plain_chatter_is_ignored(harness: Harness) -> None:
    echo(harness)
    await harness.send(harness.telegram.group_message(GROUP, USER, "just talking among us"))
    assert harness.texts(GROUP) == []
    assert harness.providers.requests == []
    assert harness.telegram.calls("sendChatAction") == []


async def test_a_mention_is_answered_without_the_mention(harness: Harness) -> None:
    echo(harness)
    await harness.send(harness.telegram.group_message(GROUP, USER, "what is 2+2?", mention=True))
    assert harness.texts(GROUP) == ["Answer to: User2000: what is 2+2?"]
    sent = harness.telegram.calls("sendMessage", chat_id=GROUP)[0]
    assert sent.params["reply_parameters"]["message_id"] > 0  # replies to the question


async def test_a_text_mention_is_answered(harness: Harness) -> None:
    echo(harness)
    bot_user = harness.telegram.bot_user
    entity = {"type": "text_mention", "offset": 0, "length": 3, "user": bot_user}
    await harness.send(harness.telegram.group_message(GROUP, USER, "Bot, hello",
                                                      entities=[entity]))
    assert harness.texts(GROUP) == ["Answer to: User2000: , hello"]


async def test_mention_entities_that_split_an_emoji_break_nothing(harness: Harness) -> None:
    # Offsets count UTF-16 units: these spans start inside the emoji's surrogate pair.
    echo(harness)
    handle = "@" + harness.telegram.bot_user["username"]
    text = f"😀{handle} hello"
    other = {"type": "mention", "offset": 1, "length": 3}
    await harness.send(harness.telegram.group_message(GROUP, USER, text, entities=[other]))
    assert harness.texts(GROUP) == []  # not for the bot; no apology either
    ours = {"type": "mention", "offset": 1, "length": len(handle) + 1}
    await harness.send(harness.telegram.group_message(GROUP, USER, text, entities=[ours]))
    assert harness.texts(GROUP) == ["Answer to: User2000: hello"]


async def test_a_reply_to_the_bot_is_answered_and_authors_are_named(harness: Harness) -> None:
    echo(harness)
    await harness.send(harness.telegram.group_message(GROUP, USER, "first", mention=True))
    bot_message = harness.telegram.messages(GROUP)[0]
    await harness.send(harness.telegram.group_message(
        GROUP, OTHER, "and me?", reply_to_message_id=bot_message.message_id))
    body = harness.provider_bodies("openai")[-1]
    assert body["messages"] == [
        {"role": "user", "content": "User2000: first"},
        {"role": "assistant", "content": "Answer to: User2000: first"},
        {"role": "user", "content": "User3000: and me?"},
    ]
    # A reply to another user's message is not for the bot.
    user_message = harness.telegram.messages(GROUP, from_bot=False)[0]
    await harness.send(harness.telegram.group_message(
        GROUP, OTHER, "agreed", reply_to_message_id=user_message.message_id))
    assert len(harness.providers.requests) == 2


async def test_commands_for_this_bot_and_not_for_others(harness: Harness) -> None:
    name = harness.telegram.bot_user["username"]
    await harness.send(harness.telegram.group_message(GROUP, USER, "/help@OtherBot"))
    assert harness.texts(GROUP) == []
    await harness.send(harness.telegram.group_message(GROUP, USER, f"/help@{name}"))
    assert "/model" in harness.last_text(GROUP)


async def test_forum_topics_keep_separate_histories(harness: Harness) -> None:
    echo(harness)
    await harness.send(harness.telegram.group_message(GROUP, USER, "in topic 5", mention=True,
                                                      thread_id=5))
    await harness.send(harness.telegram.group_message(GROUP, USER, "in topic 9", mention=True,
                                                      thread_id=9))
    last = harness.provider_bodies("openai")[-1]
    assert last["messages"] == [{"role": "user", "content": "User2000: in topic 9"}]
    answers = harness.telegram.calls("sendMessage", chat_id=GROUP)
    assert [c.params.get("message_thread_id") for c in answers] == [5, 9]
    typing = harness.telegram.calls("sendChatAction", chat_id=GROUP)
    assert {c.params.get("message_thread_id") for c in typing} <= {5, 9}


async def test_group_migration_moves_settings(harness: Harness) -> None:
    await harness.send(harness.telegram.group_message(GROUP, ADMIN, "/system Talk like a pirate."))
    new_id = -100888
    update: dict[str, Any] = harness.telegram.group_message(GROUP, ADMIN, "x")
    message = update["message"]
    del message["text"]
    message["migrate_to_chat_id"] = new_id
    await harness.send(update)
    echo(harness)
    await harness.send(harness.telegram.group_message(new_id, USER, "ahoy?", mention=True))
    body = harness.provider_bodies("openai")[-1]
    assert body["messages"][0] == {"role": "system", "content": "Talk like a pirate."}


async def test_a_reply_refused_for_a_migrated_group_moves_its_settings(harness: Harness) -> None:
    await harness.send(harness.telegram.group_message(GROUP, ADMIN, "/system Speak French."))
    new_id = -100999
    harness.telegram.fail_next("sendMessage", status=400, migrate_to_chat_id=new_id,
                               description="Bad Request: group chat was upgraded to a supergroup")
    await harness.send(harness.telegram.group_message(GROUP, USER, "/help"))
    echo(harness)
    await harness.send(harness.telegram.group_message(new_id, USER, "bonjour?", mention=True))
    body = harness.provider_bodies("openai")[-1]
    assert body["messages"][0] == {"role": "system", "content": "Speak French."}


def anonymously(update: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
    """The same message sent by an anonymous admin: as the group itself."""
    update["message"]["from"] = GROUP_ANONYMOUS_BOT
    update["message"]["sender_chat"] = chat
    return update


async def test_anonymous_admins_of_different_groups_are_different_askers(
        make_harness: HarnessFactory) -> None:
    harness = await make_harness(rate_limit_per_minute=1)
    echo(harness)
    telegram = harness.telegram
    for group in (GROUP, GROUP - 1):
        await harness.send(anonymously(telegram.group_message(group, USER, "hi", mention=True),
                                       telegram.chat(group)))
        assert harness.texts(group) == [f"Answer to: Group {-group}: hi"]
    await harness.send(anonymously(telegram.group_message(GROUP, USER, "again", mention=True),
                                   telegram.chat(GROUP)))
    assert harness.last_text(GROUP).startswith("You're writing faster than I can answer.")


def test_the_author_is_the_user_or_the_chat_sent_as() -> None:
    chat = Chat(id=GROUP, type="supergroup")
    person = User(id=USER, is_bot=False, first_name="A")
    anonymous = User.model_validate(GROUP_ANONYMOUS_BOT)
    assert author_id(Message(message_id=1, date=0, chat=chat, from_user=person)) == USER
    assert author_id(Message(message_id=1, date=0, chat=chat, from_user=anonymous,
                             sender_chat=chat)) == GROUP
    channel = Chat(id=-100900, type="channel")
    assert author_id(Message(message_id=1, date=0, chat=channel, sender_chat=channel)) == -100900
    assert author_id(Message(message_id=1, date=0, chat=channel)) == -100900


async def test_commands_that_are_not_ours_are_ignored_even_from_strangers(
        make_harness: HarnessFactory) -> None:
    harness = await make_harness(allowed_user_ids=(USER,))
    echo(harness)
    name = harness.telegram.bot_user["username"]
    stranger = 4242
    for text in ("/model@OtherBot", "/start@OtherBot hello", "/weather", f"/weather@{name}",
                 f"/model@{name}x"):
        for sender in (USER, stranger):
            await harness.send(harness.telegram.group_message(GROUP, sender, text))
    assert harness.texts(GROUP) == []
    assert harness.providers.requests == []
    await harness.send(harness.telegram.group_message(GROUP, stranger, f"/new@{name}"))
    assert harness.texts(GROUP) == ["Sorry, this bot is private."]
    await harness.send(harness.telegram.group_message(GROUP, USER, "/new"))
    assert harness.last_text(GROUP) == "New conversation started. Earlier messages here are " \
                                       "forgotten."


def test_the_command_allow_list_is_the_set_of_commands_the_handlers_take() -> None:
    taken: set[str] = set()
    for router in routers():
        for handler in router.message.handlers:
            for check in handler.filters or ():
                if isinstance(check.callback, Command):
                    taken.update(str(c) for c in check.callback.commands)
    assert taken == OUR_COMMANDS
