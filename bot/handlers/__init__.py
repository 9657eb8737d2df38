"""Thin aiogram handlers: they parse updates, call services, and reply."""

from aiogram import Router

from bot.handlers import (
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
    """A fresh set of routers (a router joins one dispatcher only); commands before text."""
    return [module.create_router() for module in
            (errors, commands, model, system, providers_admin, usage, media, chat)]
