"""Telegram renderers for streamed answers: drafts and progressive edits."""
