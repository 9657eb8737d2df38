"""Alembic environment and numbered revisions of the bot's database schema."""
