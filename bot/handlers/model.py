"""/model and its inline keyboard: providers, then that provider's models, page by page."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, User

from bot.handlers.addressing import chat_key, language
from bot.handlers.deps import Deps
from bot.handlers.model_keyboards import (
    MODELS_PER_PAGE,
    ModelPick,
    models_keyboard,
    page_of,
    providers_keyboard,
)
from bot.handlers.replies import shown, unknown_choice_text
from bot.services.providers import NoProviderEnabled
from bot.texts import t
from providers.registry import Choice, ChoiceError


async def on_model(message: Message, command: CommandObject, deps: Deps, bot: Bot) -> None:
    """Show the current model with a keyboard, or switch to the one named."""
    lang = language(message)
    key = chat_key(message)
    spec = (command.args or "").strip()
    if not spec:
        try:
            view = await deps.chat_settings.view(key)
        except NoProviderEnabled:
            await message.reply(t("no_providers", lang))
            return
        await message.reply(t("model_current", lang, choice=shown(view.choice)),
                            reply_markup=providers_keyboard(deps.control.enabled,
                                                            view.choice.provider, 0, lang))
        return
    if not await deps.admins.may_configure(bot, message.chat, message.from_user,
                                           message.sender_chat):
        await message.reply(t("not_admin", lang))
        return
    try:
        choice = deps.control.resolve(spec)
    except ChoiceError as exc:
        await message.reply(unknown_choice_text(deps.control, exc, lang))
        return
    await deps.chat_settings.set_model(key, choice, chat_type=message.chat.type)
    await message.reply(t("model_set", lang, choice=shown(choice)))


async def on_model_button(query: CallbackQuery, callback_data: ModelPick, deps: Deps,
                          bot: Bot) -> None:
    """Browse providers and models; choosing one follows the same rule as /model NAME.

    The query is always answered: with an alert when the user may not choose.
    """
    message = query.message
    alert = None
    if isinstance(message, Message):  # else too old to edit: only the spinner to stop
        lang = language(query)
        alert = await _pick(message, query.from_user, callback_data, deps, bot, lang)
    await query.answer(alert, show_alert=alert is not None)


async def _pick(message: Message, user: User, pick: ModelPick, deps: Deps, bot: Bot,
                lang: str) -> str | None:
    """Act on one button; the text of an alert for the user, or None."""
    if pick.action in ("provider", "set") and deps.control.is_enabled(pick.provider):
        provider = deps.control.registry.get(pick.provider)
        models = provider.models or (provider.default_model,)
        if pick.action == "provider":
            page = page_of(len(models), MODELS_PER_PAGE, pick.page)
            text = (t("model_any", lang, provider=provider.name) if not provider.models
                    else t("model_pick", lang, provider=provider.name) if page.count == 1
                    else t("model_pick_page", lang, provider=provider.name,
                           page=page.number + 1, pages=page.count))
            await _show(message, text, models_keyboard(provider.name, models, page, lang))
            return None
        if not await deps.admins.may_configure(bot, message.chat, user):
            return t("not_admin", lang)
        if 0 <= pick.index < len(models) and models[pick.index]:
            choice = Choice(provider.name, models[pick.index])
            await deps.chat_settings.set_model(chat_key(message), choice,
                                               chat_type=message.chat.type)
            await _show(message, t("model_set", lang, choice=shown(choice)))
            return None
    # "back", or a provider or model that is gone: the providers again.
    try:
        view = await deps.chat_settings.view(chat_key(message))
    except NoProviderEnabled:
        await _show(message, t("no_providers", lang))
        return None
    await _show(message, t("model_current", lang, choice=shown(view.choice)),
                providers_keyboard(deps.control.enabled, view.choice.provider,
                                   pick.page if pick.action == "back" else 0, lang))
    return None


async def _show(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the keyboard's message; showing what it shows already (a double tap) is fine."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as exc:
        if "message is not modified" not in exc.message.lower():
            raise


def create_router() -> Router:
    """A fresh router with this module's handlers."""
    router = Router(name="model")
    router.message.register(on_model, Command("model"))
    router.callback_query.register(on_model_button, ModelPick.filter())
    return router
