"""/providers: the bot admins' view and control of providers."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.handlers.addressing import author_id, language
from bot.handlers.deps import Deps
from bot.handlers.replies import choice_problem, shown, status_lines
from bot.services.providers import NoProviderEnabled
from bot.texts import t
from providers.registry import ChoiceError


async def on_providers(message: Message, command: CommandObject, deps: Deps) -> None:
    """List, check, enable, disable, or choose the default provider."""
    lang = language(message)
    if not deps.access.is_admin(author_id(message)):
        await message.reply(t("bot_admins_only", lang))
        return
    verb, _, name = (command.args or "").strip().partition(" ")
    verb, name = verb.lower(), name.strip()
    try:
        if verb in ("enable", "disable") and name:
            await deps.control.set_enabled(name.lower(), verb == "enable")
            await message.reply(t("providers_changed", lang, what=f"{verb} {name.lower()}"))
        elif verb == "default" and name:
            choice = deps.control.resolve(name)
            await deps.control.set_default(choice)
            await message.reply(t("providers_changed", lang, what=f"default {shown(choice)}"))
        elif verb == "check":
            await deps.control.check()
        elif verb:
            await message.reply(t("providers_usage", lang))
            return
    except ChoiceError as exc:
        await message.reply(choice_problem(exc, lang))
        return
    except NoProviderEnabled:
        await message.reply(t("providers_last_enabled", lang))
        return
    if verb in ("", "check"):
        try:
            default = str(deps.control.default_choice())
        except NoProviderEnabled:
            default = "-"
        # Upstream error texts may name hosts or echo requests: bot admins see them in private.
        details = deps.redact if message.chat.type == "private" else None
        await message.reply(status_lines(await deps.control.statuses(), default, lang,
                                         details=details))


def create_router() -> Router:
    """A fresh router with this module's handlers."""
    router = Router(name="providers")
    router.message.register(on_providers, Command("providers"))
    return router
