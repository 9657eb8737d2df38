"""Update dedup, settings announcements, workers and the liveness probe, memory and Redis."""

from __future__ import annotations

import asyncio

from tests.coordination.conftest import Factory, until


async def test_an_update_is_taken_the_first_time_only(make: Factory) -> None:
    updates = (await make()).updates
    assert await updates.first_time(9001) is True
    assert await updates.first_time(9001) is False
    assert await updates.first_time(9002) is True


async def test_an_update_cut_short_is_taken_again(make: Factory) -> None:
    updates = (await make()).updates
    assert await updates.first_time(9050) is True
    await updates.forget(9050)
    assert await updates.first_time(9050) is True
    assert await updates.first_time(9050) is False


async def test_of_concurrent_deliveries_exactly_one_is_taken(make: Factory) -> None:
    updates = (await make()).updates
    answers = await asyncio.gather(*(updates.first_time(9100) for _ in range(20)))
    assert sorted(answers) == [False] * 19 + [True]


async def test_an_announcement_runs_every_listener(make: Factory) -> None:
    settings = (await make()).settings
    heard: list[str] = []

    async def reload_providers() -> None:
        heard.append("providers")

    async def reload_default() -> None:
        heard.append("default")

    settings.listen(reload_providers)
    settings.listen(reload_default)
    await settings.announce()
    await until(lambda: len(heard) >= 2, "both listeners ran", timeout=10.0)
    await settings.announce()
    await until(lambda: len(heard) >= 4, "both listeners ran again", timeout=10.0)
    assert heard == ["providers", "default"] * 2


async def test_a_worker_knows_itself_alive_and_strangers_not(make: Factory) -> None:
    one, two = (await make()).workers, (await make()).workers
    assert one.worker_id != two.worker_id
    assert await one.alive([one.worker_id, "w-from-an-earlier-run"]) == {one.worker_id}
    assert await one.alive([]) == set()


async def test_the_store_answers_a_ping(make: Factory) -> None:
    coordination = await make()
    await coordination.ping()
