"""Frames reach a sender's sockets on this process, and through the real Redis (127.0.0.1:6379)
those on another replica: two relays stand for two Rasa replicas."""
from __future__ import annotations

import asyncio
import uuid

from bot.channels.webchat.socket import Relay, Sockets
from tests.unit.limits_fixtures import REDIS_URL, redis_client


class Socket:
    def __init__(self, fails: bool = False) -> None:
        self.sent: list[str] = []
        self.fails = fails

    async def send(self, message: str) -> None:
        if self.fails:
            raise ConnectionResetError("closing")
        self.sent.append(message)


def test_a_frame_goes_to_every_socket_of_the_sender_and_a_closing_one_is_skipped() -> None:
    sockets, tab1, tab2, broken, other = Sockets(), Socket(), Socket(), Socket(fails=True), Socket()
    for sender, socket in (("a", tab1), ("a", tab2), ("a", broken), ("b", other)):
        sockets.add(sender, socket)
    assert asyncio.run(Relay(sockets).deliver("a", "frame")) is None
    assert (tab1.sent, tab2.sent, other.sent) == (["frame"], ["frame"], [])
    sockets.discard("a", tab1)
    sockets.discard("a", tab1)  # twice is harmless
    assert sockets.count("a") == 2 and sockets.count("nobody") == 0


def test_without_sockets_a_frame_is_dropped_quietly() -> None:
    assert asyncio.run(Relay(Sockets()).deliver("nobody", "frame")) is None


def test_a_frame_published_on_one_replica_reaches_the_socket_held_by_another() -> None:
    redis_client().close()  # skips when Redis is down (fails with REQUIRE_REDIS=1)
    channel = f"test-webchat:{uuid.uuid4().hex}"

    async def run() -> tuple[list[str], list[str], list[str]]:
        here_sockets, there_sockets = Sockets(), Sockets()
        here, there = Relay(here_sockets, REDIS_URL, channel), Relay(there_sockets, REDIS_URL, channel)
        page, same_process, bystander = Socket(), Socket(), Socket()
        there_sockets.add("webchat-1", page)
        here_sockets.add("webchat-1", same_process)
        there_sockets.add("webchat-2", bystander)
        await here.start()
        await there.start()
        try:
            await here.deliver("webchat-1", '{"type":"bot","messages":[{"text":"工单已派单"}]}')
            for _ in range(200):
                if page.sent:
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)  # time for a (wrong) echo back to this process
        finally:
            await here.stop()
            await there.stop()
        return page.sent, same_process.sent, bystander.sent

    page, same_process, bystander = asyncio.run(run())
    frame = '{"type":"bot","messages":[{"text":"工单已派单"}]}'
    assert page == [frame]  # on the other replica, via Redis
    assert same_process == [frame]  # directly, and not a second time from Redis
    assert bystander == []


def test_when_redis_is_gone_frames_still_reach_this_replicas_sockets() -> None:
    async def run() -> list[str]:
        sockets, page = Sockets(), Socket()
        sockets.add("webchat-1", page)
        relay = Relay(sockets, "redis://127.0.0.1:1/0")  # nothing listens there
        await relay.start()
        try:
            await relay.deliver("webchat-1", "frame")
        finally:
            await relay.stop()
        return page.sent

    assert asyncio.run(run()) == ["frame"]
