"""Long answers: continuation messages before 4096 units, code blocks closed and reopened."""

from __future__ import annotations

import telegramify_markdown

from bot.streaming import ChatTarget, Decor, StopButton
from bot.streaming.splitting import split_parts, utf16_len
from tests.fakes.telegram import FakeClock, FakeTelegram
from tests.streaming.conftest import StreamerFactory
from tests.streaming.support import GROUP, PRIVATE, feed, message_calls, words

CODE = "\n".join(f"    result_{i} = compute({i}, 'value 😀')  # step {i}" for i in range(120))
ANSWER = (
    "Here is **the plan**, explained in detail.\n\n"
    + "\n\n".join(f"Step {i}: do the thing 🚀 properly and check it." for i in range(40))
    + f"\n\n```python\ndef main():\n{CODE}\n```\n\nAnd that is *all*. 👍🏽"
)


async def test_a_long_answer_continues_in_new_messages_that_each_fit(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    decor = Decor(stop_button=StopButton("Stop", "stop"))
    async with make_streamer().open(ChatTarget(PRIVATE, private=True), decor=decor) as w:
        await feed(clock, w, words(ANSWER), every=0.005)
        delivery = await w.finish(footer="✅ Done")

    messages = telegram.messages(PRIVATE)
    parts = split_parts(ANSWER, 4000)
    assert len(messages) == len(parts) == len(delivery.message_ids) >= 3
    for message, part in zip(messages, parts, strict=True):
        text, entities = telegramify_markdown.convert(part.text(ANSWER))
        expected = text.rstrip() + ("\n\n✅ Done" if part is parts[-1] else "")
        assert message.text == expected
        assert utf16_len(message.text) <= 4096
        assert message.reply_markup is None
        assert message.entities == [e.to_dict() for e in entities]
    # the code block was cut: both pieces are code, the second one still Python
    pre = [e for m in messages for e in m.entities if e["type"] == "pre"]
    assert len(pre) >= 2
    assert {e.get("language") for e in pre} == {"python"}
    assert "".join(m.text for m in messages).count("result_119 = compute(119") == 1
    assert telegram.errors() == []


async def test_streamed_parts_are_the_final_parts(
    telegram: FakeTelegram, clock: FakeClock, make_streamer: StreamerFactory
) -> None:
    """While streaming, a full message is finished and the text goes on in the next one."""
    async with make_streamer().open(ChatTarget(GROUP, private=False)) as writer:
        await feed(clock, writer, words(ANSWER), every=0.005)
        await writer.finish()

    calls = message_calls(telegram, GROUP)
    sends = [c for c in calls if c.method == "sendMessage"]
    assert len(sends) == len(split_parts(ANSWER, 4000))
    for call in calls:
        assert utf16_len(call.params["text"]) <= 4000  # the streaming margin
    assert telegram.count_429 == 0
    assert telegram.errors() == []
