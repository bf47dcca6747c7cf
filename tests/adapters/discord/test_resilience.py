"""Rate limits, reconnects, a dying client and restarts: the bot keeps working or says why."""

from __future__ import annotations

import asyncio

import pytest

from paperboy.core.replies import Notice
from tests.adapters.discord.conftest import World
from tests.simulators.discord.simulator import ClientTaskEnded

QUERY = "parameter efficient fine-tuning"


async def test_a_rate_limited_post_is_retried_and_arrives_once(world: World) -> None:
    channel = world.channel_id("general")
    path = f"/channels/{channel}/messages"
    world.sim.rate_limit("POST", path, retry_after=0.05)
    message_id = await world.poster.post(world.channel_ref("general"), Notice("Today's papers"))
    assert [r.status for r in world.sim.requests_to("POST", path)] == [429, 200]
    assert [(m.id, m.content) for m in world.sim.messages(channel)] == [
        (int(message_id), "Today's papers")
    ]
    assert world.sim.pending_faults() == []


async def test_an_op_7_reconnect_resumes_and_the_bot_keeps_working(world: World) -> None:
    session = world.sim.identifies[-1].session_id
    resume = await world.sim.reconnect()
    assert resume.session_id == session
    assert len(world.sim.identifies) == 1
    reply = await world.answer(await world.command("search", query=QUERY))
    assert len(reply.embeds) == 5


async def test_a_malformed_dispatch_ends_the_client_and_wait_closed_says_so_fast(
    world: World,
) -> None:
    loop = asyncio.get_running_loop()
    await world.sim.dispatch_malformed()
    started = loop.time()
    with pytest.raises(KeyError):
        await asyncio.wait_for(world.adapter.wait_closed(), timeout=5)
    assert loop.time() - started < 1.0
    with pytest.raises(ClientTaskEnded):
        await world.sim.wait_for_message(world.channel_id("papers"), timeout=30)


async def test_more_on_an_old_message_works_after_a_restart(world: World) -> None:
    short = await world.answer(await world.command("search", query=QUERY))
    long_query = " ".join([QUERY, "of large language models"] * 3)
    long = await world.answer(await world.command("search", query=long_query))
    assert short.message is not None
    assert long.message is not None
    first_client = world.adapter.client
    await world.restart_adapter()
    assert world.adapter.client is not first_client
    for old in (short.message, long.message):
        more = old.custom_ids()[-1]
        page = await world.answer(await world.sim.click_button(old.id, more))
        assert page.content is not None
        assert "(6–10)" in page.content
        assert len(page.embeds) == 5
    assert world.sim.violations == []


async def test_a_button_press_that_fails_gets_a_private_apology_not_a_traceback(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    long_query = " ".join([QUERY, "of large language models"] * 3)
    listed = await world.answer(await world.command("search", query=long_query))
    assert listed.message is not None
    async with world.core.store.db.transaction() as conn:
        await conn.exec_driver_sql("DROP TABLE page_refs")  # the stored page cannot be read back
    more = listed.message.custom_ids()[-1]
    answer = await world.answer(await world.sim.click_button(listed.message.id, more))
    assert answer.ephemeral
    assert answer.content == "Something went wrong on my side; it has been logged."
    assert "Traceback" not in str(answer.body)
    assert world.sim.messages(world.channel_id("papers"), ephemeral=False) == []
    assert "button page failed" in caplog.text
