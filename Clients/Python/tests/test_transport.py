"""Multiplexing, the pool, deadlines, CANCEL, lost connections, reconnects, GOAWAY, PING and
limits, against a real engramd, mostly through a frame-recording proxy (tests/proxy.py)."""

from __future__ import annotations

import asyncio
import time
from typing import AsyncIterator

import pytest

import engram_client
from engram_client import EngramError, StatusCode, pb
from engram_client import _frames as F
from conftest import ADMIN_KEY, EngramServer, unique
from proxy import Frame, FrameProxy


@pytest.fixture
async def proxy(server: EngramServer) -> AsyncIterator[FrameProxy]:
    p = await FrameProxy(server.port).start()
    yield p
    await p.close()


def client_for(address: str, **kwargs: object) -> engram_client.Client:
    return engram_client.Client(address, api_key=ADMIN_KEY, **kwargs)  # type: ignore[arg-type]


async def test_many_concurrent_calls_on_one_connection(proxy: FrameProxy, server: EngramServer) -> None:
    async with client_for(proxy.address) as c:
        store = (await c.create_store(display_name=unique("mux"))).store.id
        conn = c.connections()[0]
        n = 300  # more than the server's max_in_flight (256): back-pressure, nothing dropped
        calls = [c.ping(payload=i.to_bytes(2, "big")) for i in range(n)]
        calls += [c.get_store(store_id=store) for _ in range(20)]
        calls += [c.recall(store_id=store, identifier={"type": "email", "value": "nobody@x.example"}, query="q")]
        tasks = [asyncio.ensure_future(x) for x in calls]
        await asyncio.sleep(0)
        assert conn.in_flight == len(tasks)  # all written before any answer was read
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert [r.payload for r in results[:n]] == [i.to_bytes(2, "big") for i in range(n)]
        assert all(isinstance(r, pb.GetStoreResponse) and r.store.id == store for r in results[n : n + 20])
        assert isinstance(results[-1], EngramError) and results[-1].code == StatusCode.NOT_FOUND
        assert len(proxy.connections) == 1
        requests = proxy.connections[0].requests()
        ids = [f.request_id for f in requests]
        assert len(ids) == len(set(ids)) == len(tasks) + 2  # + Hello and CreateStore
        assert conn.in_flight == 0 and c.stats.connects == 1


async def test_responses_in_any_order_are_matched_by_id(proxy: FrameProxy) -> None:
    async with client_for(proxy.address) as c:
        pc = proxy.connections[0]
        pc.hold = True
        tasks = [asyncio.ensure_future(c.ping(payload=bytes([i]) * 3)) for i in range(10)]
        await proxy.wait_for(lambda: len(pc.held) == 10)
        pc.release(order=lambda frames: list(reversed(frames)))
        results = await asyncio.gather(*tasks)
        assert [r.payload for r in results] == [bytes([i]) * 3 for i in range(10)]
        answered = [f.request_id for f in pc.to_client if f.type == F.RESPONSE][-10:]
        sent = [f.request_id for f in pc.requests(2)]
        assert answered == sent  # the server answered in order; the client saw them reversed


async def test_pool_is_used_round_robin(proxy: FrameProxy) -> None:
    async with client_for(proxy.address, connections=3) as c:
        assert len(proxy.connections) == 3 and c.stats.connects == 3
        for i in range(30):
            await c.ping(payload=str(i).encode())
        assert [len(pc.requests(2)) for pc in proxy.connections] == [10, 10, 10]
        # Concurrent calls spread too.
        await asyncio.gather(*(c.ping() for _ in range(30)))
        assert [len(pc.requests(2)) for pc in proxy.connections] == [20, 20, 20]

        # One connection lost: the others serve at once, and the pool heals in the background.
        proxy.connections[1].abort()
        await proxy.wait_for(lambda: c.stats.connections_lost == 1)
        for _ in range(4):
            await c.ping()
        await proxy.wait_for(lambda: len(proxy.connections) == 4 and c.stats.connects == 4)
        await asyncio.gather(*(c.ping(payload=b"healed") for _ in range(30)))
        marker = pb.PingRequest(payload=b"healed").SerializeToString()
        healed = [len([f for f in pc.requests(2) if f.payload == marker]) for pc in proxy.connections]
        assert healed[1] == 0 and sum(healed) == 30 and all(h > 0 for i, h in enumerate(healed) if i != 1)


async def test_timeout_is_sent_as_the_frame_deadline(proxy: FrameProxy) -> None:
    async with client_for(proxy.address, timeout=1.5) as c:
        pc = proxy.connections[0]
        await c.ping(payload=b"a", timeout=2.5)
        await c.ping(payload=b"b")  # the client's default
        async with client_for(proxy.address) as no_default:
            await no_default.ping(payload=b"c")
        metas = {f.payload: f.meta for f in pc.requests(2)}
        assert metas[pb.PingRequest(payload=b"a").SerializeToString()] == 2500
        assert 1400 <= metas[pb.PingRequest(payload=b"b").SerializeToString()] <= 1500
        other = proxy.connections[1]
        assert [f.meta for f in other.requests(2)] == [0]
        assert [f.meta for f in pc.requests(1)] == [0]  # Hello carries no deadline


async def test_local_timeout_cancels_and_keeps_the_connection(proxy: FrameProxy, server: EngramServer) -> None:
    async with client_for(proxy.address) as c:
        store = (await c.create_store(display_name=unique("late"))).store.id
        pc = proxy.connections[0]
        pc.hold = True  # the server answers; the answer is held back
        start = time.monotonic()
        with pytest.raises(EngramError) as info:
            await c.get_store(store_id=store, timeout=0.2)
        elapsed = time.monotonic() - start
        assert info.value.code == StatusCode.DEADLINE_EXCEEDED and not info.value.from_server
        assert 0.2 <= elapsed < 1.5
        request = pc.requests(11)[-1]
        assert request.meta == 200
        await proxy.wait_for(lambda: any(f.type == F.CANCEL for f in pc.to_server))
        cancel = next(f for f in pc.to_server if f.type == F.CANCEL)
        assert cancel.request_id == request.request_id and cancel.payload == b"" and cancel.method == 0
        pc.release()  # the late answer arrives and is dropped
        assert (await c.get_store(store_id=store, timeout=5)).store.id == store
        assert c.stats.connects == 1 and c.connections()[0].usable and c.cancels_sent == 1


async def test_tiny_timeout_on_snapshot_fails_cleanly(proxy: FrameProxy) -> None:
    # No grace: the local wait ends at the timeout itself (engramd answers a Snapshot when it is
    # written, deadline or not, so its own DEADLINE_EXCEEDED cannot be relied on here).
    async with client_for(proxy.address, deadline_grace=0.0) as c:
        for _ in range(3):
            # A write first, so that the snapshot has work to do (else it answers at once).
            await c.create_store(display_name=unique("tiny"))
            with pytest.raises(EngramError) as info:
                await c.snapshot(timeout=0.001)
            assert info.value.code == StatusCode.DEADLINE_EXCEEDED
        pc = proxy.connections[0]
        assert [f.meta for f in pc.requests(4)] == [1, 1, 1]
        assert (await c.ping(payload=b"after")).payload == b"after"
        assert c.stats.connects == 1


async def test_cancelling_a_call_sends_cancel(proxy: FrameProxy) -> None:
    async with client_for(proxy.address) as c:
        store = (await c.create_store(display_name=unique("cancel"))).store.id
        pc = proxy.connections[0]
        pc.hold = True
        task = asyncio.ensure_future(c.get_store(store_id=store))
        await proxy.wait_for(lambda: len(pc.requests(11)) == 1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await proxy.wait_for(lambda: any(f.type == F.CANCEL for f in pc.to_server))
        cancels = [f for f in pc.to_server if f.type == F.CANCEL]
        assert [f.request_id for f in cancels] == [pc.requests(11)[0].request_id]
        pc.release()
        assert (await c.get_store(store_id=store)).store.id == store
        assert c.connections()[0].in_flight == 0 and c.stats.connects == 1


async def test_in_flight_calls_fail_unavailable_when_the_connection_drops(proxy: FrameProxy) -> None:
    async with client_for(proxy.address) as c:
        pc = proxy.connections[0]
        pc.hold = True
        tasks = [asyncio.ensure_future(c.ping(payload=b"lost")) for _ in range(3)]
        await proxy.wait_for(lambda: len(pc.held) == 3)
        pc.abort()
        for t in tasks:
            with pytest.raises(EngramError) as info:
                await t
            assert info.value.code == StatusCode.UNAVAILABLE and not info.value.from_server
        # The next call reconnects.
        assert (await c.ping(payload=b"back")).payload == b"back"
        assert len(proxy.connections) == 2 and c.stats.connects == 2 and c.stats.connections_lost == 1


async def test_reconnect_after_the_server_restarts(make_server: object) -> None:
    srv: EngramServer = make_server()  # type: ignore[operator]
    async with client_for(srv.address, wait_for_ready=0.3, initial_backoff=0.02) as c:
        store = (await c.create_store(display_name=unique("restart"))).store.id
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, srv.stop)  # SIGTERM: a graceful drain with GOAWAY
        await asyncio.sleep(0.05)
        assert [g.code for g in c.stats.goaways] == [StatusCode.UNAVAILABLE]
        with pytest.raises(EngramError) as info:  # down: fails after wait_for_ready
            await c.get_store(store_id=store)
        assert info.value.code == StatusCode.UNAVAILABLE and "no connection" in info.value.message

        await loop.run_in_executor(None, srv.start, srv.port)
        c.wait_for_ready = 5.0  # long enough for the backoff the failed attempts built up
        assert (await c.get_store(store_id=store)).store.id == store  # the data survived too
        assert c.stats.connects == 2

        # A call made while the server is down waits (with backoff) for it to come back.
        await loop.run_in_executor(None, srv.stop)
        c.wait_for_ready = 20.0
        pending = asyncio.ensure_future(c.get_store(store_id=store))
        await asyncio.sleep(0.5)
        assert not pending.done()
        await loop.run_in_executor(None, srv.start, srv.port)
        assert (await asyncio.wait_for(pending, 20)).store.id == store
        assert c.stats.connects == 3 and c.stats.connect_failures >= 2


async def test_graceful_goaway_completes_accepted_requests(make_server: object) -> None:
    srv: EngramServer = make_server()  # type: ignore[operator]
    px = await FrameProxy(srv.port).start()
    try:
        async with client_for(px.address) as c:
            store = (await c.create_store(display_name=unique("drain"))).store.id
            pc = px.connections[0]
            pc.hold = True
            task = asyncio.ensure_future(c.get_store(store_id=store))
            await px.wait_for(lambda: len(pc.held) == 1)
            await asyncio.get_running_loop().run_in_executor(None, srv.stop)
            await px.wait_for(lambda: any(f.type == F.GOAWAY for f in pc.held))
            pc.release()  # the answer, then GOAWAY, then the close
            assert (await task).store.id == store
            await px.wait_for(lambda: bool(c.stats.goaways))
            goaway = c.stats.goaways[0]
            assert goaway.code == StatusCode.UNAVAILABLE and goaway.last_request_id == pc.requests(11)[0].request_id
            assert not c.connections()[0].usable
    finally:
        await px.close()


async def test_goaway_redirects_requests_the_server_did_not_read(proxy: FrameProxy) -> None:
    async with client_for(proxy.address) as c:
        first = proxy.connections[0]
        unread = pb.PingRequest(payload=b"unread").SerializeToString()
        first.drop_to_server = lambda f: f.type == F.REQUEST and f.payload == unread
        task = asyncio.ensure_future(c.ping(payload=b"unread"))
        await proxy.wait_for(lambda: len(first.requests(2)) == 1)
        last_read = first.requests(1)[0].request_id  # the Hello
        goaway = pb.GoAway(last_request_id=last_read, code=StatusCode.UNAVAILABLE, reason="moving")
        first.inject_to_client(Frame(F.GOAWAY, 0, 0, 0, goaway.SerializeToString()))
        assert (await asyncio.wait_for(task, 5)).payload == b"unread"
        assert c.stats.redirected == 1 and c.stats.connects == 2
        assert len(proxy.connections) == 2 and len(proxy.connections[1].requests(2)) == 1
        assert c.stats.goaways[0].reason == "moving"
        assert (await c.ping()).payload == b""
        assert len(proxy.connections) == 2


async def test_server_ping_is_answered(proxy: FrameProxy) -> None:
    async with client_for(proxy.address) as c:
        pc = proxy.connections[0]
        pc.inject_to_client(Frame(F.PING, 0, 0, 0, b"\x01\x02\x03\x04\x05\x06\x07\x08"))
        pc.inject_to_client(Frame(F.PING, 0, 0, 0, b""))
        await proxy.wait_for(lambda: len([f for f in pc.to_server if f.type == F.PONG]) == 2)
        pongs = [f for f in pc.to_server if f.type == F.PONG]
        assert [p.payload for p in pongs] == [b"\x01\x02\x03\x04\x05\x06\x07\x08", b""]
        assert all(p.request_id == 0 and p.method == 0 and p.meta == 0 for p in pongs)
        assert c.pings_answered == 2
        assert (await c.ping()).payload == b""
        assert await c.ping_frame() >= 0  # our own PING to the real server gets its PONG


async def test_idle_timeout_goaway_and_keepalive(make_server: object) -> None:
    srv: EngramServer = make_server("--idle-timeout", "1")  # type: ignore[operator]
    async with client_for(srv.address) as idle, client_for(srv.address, keepalive=0.3) as kept:
        assert idle.hello is not None and idle.hello.idle_timeout_ms == 1000
        await asyncio.sleep(1.8)
        assert [g.code for g in idle.stats.goaways] == [StatusCode.DEADLINE_EXCEEDED]
        assert kept.stats.goaways == [] and kept.connections()[0].usable
        assert (await idle.ping(payload=b"i")).payload == b"i"  # reconnects
        assert (await kept.ping(payload=b"k")).payload == b"k"
        assert idle.stats.connects == 2 and kept.stats.connects == 1


async def test_connection_limit_and_max_frame_bytes_from_hello(make_server: object) -> None:
    srv: EngramServer = make_server("--max-connections", "1", "--max-frame-bytes", "65536")  # type: ignore[operator]
    with pytest.raises(EngramError) as info:
        async with client_for(srv.address, connections=2):
            pass
    assert info.value.code == StatusCode.RESOURCE_EXHAUSTED
    await asyncio.sleep(0.1)  # the refused client's accepted connection closes
    async with client_for(srv.address) as c:
        assert c.hello is not None and c.hello.max_frame_bytes == 65536
        conn = c.connections()[0]
        assert conn.max_frame_bytes == 65536
        sent = conn.requests_sent
        with pytest.raises(EngramError) as info:
            await c.ping(payload=b"x" * 70_000)
        assert info.value.code == StatusCode.RESOURCE_EXHAUSTED and not info.value.from_server
        assert conn.requests_sent == sent and conn.usable
        assert len((await c.ping(payload=b"y" * 60_000)).payload) == 60_000
