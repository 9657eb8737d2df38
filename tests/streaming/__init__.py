"""Tests of the Telegram renderers (bot.streaming) against the fake Bot API."""
