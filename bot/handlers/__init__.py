"""Thin aiogram handlers: they parse updates, call services, and reply."""

from aiogram import Router

from bot.handlers import (
    buttons,
    chat,
    commands,
    errors,
    media,
    model,
    providers_admin,
    system,
    usage,
)


def routers() -> list[Router]:
    """A fresh set of routers (a router joins one dispatcher only); commands before text.

    ``buttons`` comes last: it answers the callback queries no other router took.
    """
    return [module.create_router() for module in
            (errors, commands, model, system, providers_admin, usage, media, chat, buttons)]
