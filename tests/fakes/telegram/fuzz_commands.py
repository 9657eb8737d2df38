"""Commands with garbage arguments, and callback data of every odd shape, for fuzzing."""

from __future__ import annotations

import random
from typing import Any

from tests.fakes.telegram.fuzz_text import TextFuzzer
from tests.fakes.telegram.validation import utf16_units

OUR_COMMANDS = ("start", "help", "reset", "new", "retry", "stop", "model", "system", "providers")
OTHER_COMMANDS = ("settings", "foo", "ёжик", "a" * 32, "model_", "Start", "MODEL")
# Exactly the shapes people (and scripts) send; a /system of 20,000 characters is longer
# than Telegram delivers (4096) and is kept on purpose: a client must never trust a limit.
SPECIAL = (
    "/model ../../etc",
    "/model openai:../../x",
    "/model m:set:openai:-5",
    "/model :",
    "/model openai:",
    "/model nonexistent:model",
    "/model vitalentum:" + "m" * 300,  # vitalentum and codelinkava take any model name
    "/model codelinkava:\x00model\x00",
    "/model vitalentum:\u202egpt\u202c",
    "/providers default vitalentum:" + "z" * 300,
    "/providers default codelinkava:\x00",
    "/providers enable",
    "/providers disable",
    "/providers enable nonexistent",
    "/providers default",
    "/providers default nonexistent:x",
    "/providers check now",
    "/providers frobnicate",
    "/retry@OtherBot",
    "/retry@test_llm_bot",
    "/stop@test_llm_bot extra",
    "/stop@TEST_LLM_BOT",
    "/system reset",
    "/system off",
    "/start deep-link_payload",
    "/help@",
    "/",
    "//model",
    "/model@test_llm_bot@OtherBot",
    "/system\x00\x00",
)
_ARGUMENTS = ("", "reset", "openai", "openai:fake-model-a", "openai:fake-model-z", "-1", "0",
              "../../../../etc/passwd", "'; DROP TABLE messages; --", "%s%s%n", "${jndi:x}",
              "\u202e", "\x00", "enable openai", "disable openai", "default flowgpt")
_OWN_CALLBACKS = ("m:set:openai:-5", "stop", "m:provider:nonexistent", "m:back", "m:", "m",
                  "m:set::0", "m:set:openai:0:extra", "m:provider:openai", "m:set:openai:1",
                  "m:set:flowgpt:0", "m:set:openai:99999999999999999999", "m:set:openai:1e3",
                  "m:provider:" + "x" * 60, "stop ", "STOP", "m:set:%00:1", "m:provider:")


class CommandFuzzer:
    """Seeded builder of command messages (text and their ``bot_command`` entity)."""

    def __init__(self, rng: random.Random, text: TextFuzzer, bot_username: str) -> None:
        self.rng = rng
        self._text = text
        self._username = bot_username

    def command(self) -> tuple[str, list[dict[str, Any]]]:
        """A command message's text and entities: ours or others', addressed anyhow."""
        roll = self.rng.random()
        if roll < 0.25:
            text = self.rng.choice(SPECIAL).replace("test_llm_bot", self._username)
        elif roll < 0.27:
            text = "/system " + self._text.text(4000) * 5  # 20,000 characters and more
        else:
            name = self.rng.choice(OUR_COMMANDS if self.rng.random() < 0.8 else OTHER_COMMANDS)
            text = "/" + name + self._mention() + self._argument()
        head = text.split(maxsplit=1)[0] if text.strip() else text
        entities = [{"type": "bot_command", "offset": 0, "length": utf16_units(head)}] \
            if len(head) > 1 and self.rng.random() < 0.95 else []
        return text, entities

    def callback_data(self) -> str:
        """Callback data: empty, 64 bytes of junk, our prefixes with garbage, or odd text."""
        roll = self.rng.random()
        if roll < 0.1:
            return ""
        if roll < 0.3:
            return self._junk(64)
        if roll < 0.85:
            return self.rng.choice(_OWN_CALLBACKS)
        return self._text.short(20)

    def _mention(self) -> str:
        roll = self.rng.random()
        if roll < 0.6:
            return ""
        if roll < 0.8:
            return "@" + self._username
        if roll < 0.85:
            return "@" + self._username.upper()
        return "@" + self.rng.choice(("OtherBot", "", "test", "a" * 40))

    def _argument(self) -> str:
        roll = self.rng.random()
        if roll < 0.4:
            return ""
        if roll < 0.8:
            return " " + self.rng.choice(_ARGUMENTS)
        return self.rng.choice((" ", "\n", "  ")) + self._text.text(self.rng.randint(1, 300))

    def _junk(self, size: int) -> str:
        """Random characters whose UTF-8 encoding takes exactly up to ``size`` bytes."""
        chars: list[str] = []
        used = 0
        while True:
            char = chr(self.rng.choice((self.rng.randint(0, 0x7F), self.rng.randint(0x80, 0x7FF),
                                        self.rng.randint(0x800, 0xD7FF))))
            cost = len(char.encode())
            if used + cost > size:
                return "".join(chars)
            chars.append(char)
            used += cost
