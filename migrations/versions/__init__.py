"""Numbered schema revisions ("0001", "0002", ...); Alembic ignores this file."""
