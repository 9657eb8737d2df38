"""Removing what a test or a benchmark left in a shared Redis database."""

from __future__ import annotations

from redis.asyncio import Redis


async def forget_keys(url: str, prefix: str) -> None:
    """Delete every key under ``prefix`` (each run uses a prefix of its own)."""
    client = Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()
