"""Use cases of the bot, free of aiogram: chats, answers, settings, providers, access."""
