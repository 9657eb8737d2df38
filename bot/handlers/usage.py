"""/usage: the asker's and the chat's tokens; ``/usage all`` for bot admins, in private."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.db import UsageLine
from bot.handlers.addressing import author_id, language
from bot.handlers.deps import Deps
from bot.services.usage import Period
from bot.texts import t

_SHOWN = 15  # lines per list: keeps the reply far below Telegram's limit


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
            await message.reply("\n\n".join([
                _section(t("usage_people", lang), people, lang, named),
                _section(t("usage_providers", lang), providers, lang),
                t("usage_estimated", lang)]))
        return
    sections = [_section(t("usage_you", lang), await deps.usage.of_person(user_id), lang)]
    if message.chat.type != "private":
        sections.append(_section(t("usage_chat", lang),
                                 await deps.usage.of_chat(message.chat.id), lang))
    await message.reply("\n\n".join([*sections, t("usage_estimated", lang)]))


def _section(title: str, period: Period, lang: str, names: dict[str, str] | None = None) -> str:
    lines = [f"📊 {title}"]
    for label, usage in ((t("usage_today", lang), period.today),
                         (t("usage_month", lang), period.month)):
        lines.append(f"{label}: {_total(usage)}")
        lines += [f"  • {(names or {}).get(line.key, line.key)} — {_tokens(line)}"
                  for line in usage[:_SHOWN]]
        if len(usage) > _SHOWN:
            lines.append("  " + t("usage_more", lang, count=len(usage) - _SHOWN))
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
