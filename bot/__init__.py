"""The Telegram bot: chats with history, per-chat models and prompts, streamed answers."""
