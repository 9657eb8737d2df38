"""/usage: the asker's and the chat's tokens; ``/usage all`` for bot admins, in private."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.db import UsageLine
from bot.handlers.addressing import author_id, language
from bot.handlers.deps import Deps
from bot.handlers.listing import fitted, room_for
from bot.services.usage import Period
from bot.texts import t

_SHOWN = 15  # lines per list at most; fewer when they would not fit one message


async def on_usage(message: Message, command: CommandObject, deps: Deps) -> None:
    """Show token usage."""
    lang = language(message)
    user_id = author_id(message)
    if (command.args or "").strip().lower() == "all":
        if not deps.access.is_admin(user_id):
            await message.reply(t("bot_admins_only", lang))
        elif message.chat.type != "private":
            await message.reply(t("usage_all_private", lang))
        else:
            people, providers, names = await deps.usage.of_everyone()
            named = {str(k): f"{v} ({k})" for k, v in names.items()}
            await message.reply(_report([Section(t("usage_people", lang), people, named),
                                         Section(t("usage_providers", lang), providers)], lang))
        return
    sections = [Section(t("usage_you", lang), await deps.usage.of_person(user_id))]
    if message.chat.type != "private":
        sections.append(Section(t("usage_chat", lang), await deps.usage.of_chat(message.chat.id)))
    await message.reply(_report(sections, lang))


@dataclass(frozen=True, slots=True)
class Section:
    """One titled part of the report: today's and this month's lines, keys shown by ``names``."""

    title: str
    period: Period
    names: dict[str, str] = field(default_factory=dict)


def _report(sections: list[Section], lang: str) -> str:
    """The sections and the note on estimates, in one message: long lists end in a count."""
    skeleton = _join([_section(s, lang, None) for s in sections], lang)
    lists = 2 * len(sections)  # today and this month, each
    budget = room_for(skeleton) // lists - 1  # each list also takes a line break
    return _join([_section(s, lang, budget) for s in sections], lang)


def _join(sections: list[str], lang: str) -> str:
    return "\n\n".join([*sections, t("usage_estimated", lang)])


def _section(section: Section, lang: str, budget: int | None) -> str:
    """The section; its lists fitted into ``budget`` UTF-16 units each (None: left out)."""
    lines = [f"📊 {section.title}"]
    for label, usage in ((t("usage_today", lang), section.period.today),
                         (t("usage_month", lang), section.period.month)):
        lines.append(f"{label}: {_total(usage)}")
        items = [f"  • {section.names.get(line.key, line.key)} — {_tokens(line)}"
                 for line in usage]
        if items and budget is not None:
            lines.append(fitted(items, budget, separator="\n", limit=_SHOWN,
                                more=lambda count: "  " + t("usage_more", lang, count=count)))
    return "\n".join(lines)


def _total(lines: list[UsageLine]) -> str:
    total = UsageLine("", sum(line.tokens for line in lines),
                      any(line.estimated for line in lines))
    return _tokens(total) if lines else "0"


def _tokens(line: UsageLine) -> str:
    return ("≈ " if line.estimated else "") + f"{line.tokens:,}".replace(",", " ")


def create_router() -> Router:
    """A fresh router with this module's handlers."""
    router = Router(name="usage")
    router.message.register(on_usage, Command("usage"))
    return router
