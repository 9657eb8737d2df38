"""Tests of the storage layer (bot/db, migrations) on every available backend."""
