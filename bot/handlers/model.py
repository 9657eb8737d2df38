"""/model and its inline keyboard: providers, then that provider's models."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.handlers.addressing import chat_key, language
from bot.handlers.deps import Deps
from bot.handlers.replies import available_text
from bot.services.providers import NoProviderEnabled
from bot.texts import language_of, t
from providers.registry import Choice, ChoiceError


class ModelPick(CallbackData, prefix="m"):
    """An inline button of the /model keyboard (model by index: callback data is short)."""

    action: str  # "provider" | "set" | "back"
    provider: str = ""
    index: int = -1


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
        await message.reply(t("model_current", lang, choice=view.choice),
                            reply_markup=providers_keyboard(deps, view.choice))
        return
    if not await deps.admins.may_configure(bot, message.chat, message.from_user,
                                           message.sender_chat):
        await message.reply(t("not_admin", lang))
        return
    try:
        choice = deps.control.resolve(spec)
    except ChoiceError as exc:
        await message.reply(t("model_unknown", lang, reason=exc,
                              available=available_text(deps.control)))
        return
    await deps.chat_settings.set_model(key, choice, chat_type=message.chat.type)
    await message.reply(t("model_set", lang, choice=choice))


async def on_model_button(query: CallbackQuery, callback_data: ModelPick, deps: Deps,
                          bot: Bot) -> None:
    """Browse providers and models; choosing one follows the same rule as /model NAME."""
    message = query.message
    if not isinstance(message, Message):
        await query.answer()
        return
    lang = language_of(query.from_user.language_code)
    key = chat_key(message)
    if callback_data.action == "provider" and deps.control.is_enabled(callback_data.provider):
        provider = deps.control.registry.get(callback_data.provider)
        text = (t("model_pick", lang, provider=provider.name) if provider.models
                else t("model_any", lang, provider=provider.name))
        await message.edit_text(text, reply_markup=models_keyboard(deps, provider.name, lang))
        await query.answer()
        return
    if callback_data.action == "set" and deps.control.is_enabled(callback_data.provider):
        if not await deps.admins.may_configure(bot, message.chat, query.from_user):
            await query.answer(t("not_admin", lang), show_alert=True)
            return
        provider = deps.control.registry.get(callback_data.provider)
        models = provider.models or (provider.default_model,)
        if 0 <= callback_data.index < len(models):
            choice = Choice(provider.name, models[callback_data.index])
            await deps.chat_settings.set_model(key, choice, chat_type=message.chat.type)
            await message.edit_text(t("model_set", lang, choice=choice))
            await query.answer()
            return
    view = await deps.chat_settings.view(key)
    await message.edit_text(t("model_current", lang, choice=view.choice),
                            reply_markup=providers_keyboard(deps, view.choice))
    await query.answer()


def providers_keyboard(deps: Deps, current: Choice) -> InlineKeyboardMarkup:
    """One button per enabled provider, the current one ticked."""
    rows = [[InlineKeyboardButton(
        text=("✓ " if name == current.provider else "") + name,
        callback_data=ModelPick(action="provider", provider=name).pack())]
        for name in deps.control.enabled]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def models_keyboard(deps: Deps, provider_name: str, lang: str) -> InlineKeyboardMarkup:
    """The provider's models, two per row, and a way back."""
    provider = deps.control.registry.get(provider_name)
    models = provider.models or (provider.default_model,)
    buttons = [InlineKeyboardButton(
        text=model, callback_data=ModelPick(action="set", provider=provider_name,
                                            index=index).pack())
        for index, model in enumerate(models) if model]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    rows.append([InlineKeyboardButton(text=t("back", lang),
                                      callback_data=ModelPick(action="back").pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def create_router() -> Router:
    """A fresh router with this module's handlers."""
    router = Router(name="model")
    router.message.register(on_model, Command("model"))
    router.callback_query.register(on_model_button, ModelPick.filter())
    return router
