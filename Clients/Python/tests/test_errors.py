"""Error paths: the server's statuses, field violations, and the client's own refusals."""

from __future__ import annotations

import pytest

import engram_client
from engram_client import EngramError, StatusCode, pb, now_us
from conftest import ADMIN_KEY, LIMITED_KEY, EngramServer, unique


async def test_not_found(client: engram_client.Client, store: str) -> None:
    with pytest.raises(EngramError) as info:
        await client.get_store(store_id="st_nope")
    assert info.value.code == StatusCode.NOT_FOUND and info.value.code_name == "NOT_FOUND"
    assert info.value.from_server and "st_nope" in info.value.message
    with pytest.raises(EngramError) as info:
        await client.get_profile(store_id=store, profile_id="pr_nope")
    assert info.value.code == StatusCode.NOT_FOUND


async def test_invalid_argument_with_field_violations(client: engram_client.Client, store: str) -> None:
    profile = (await client.resolve_identity(store_id=store, identifiers=[{"type": "email", "value": "v@x.example"}])).profile.id
    with pytest.raises(EngramError) as info:
        await client.observe(
            store_id=store,
            profile_id=profile,
            observations=[
                {"content": "fine", "source": "crm", "occurred_at_us": now_us()},
                {"content": "", "source": "crm", "occurred_at_us": now_us()},
                {"content": "x" * 5000, "source": "bad source!", "occurred_at_us": now_us()},
            ],
        )
    e = info.value
    assert e.code == StatusCode.INVALID_ARGUMENT and e.from_server
    fields = dict(e.field_violations)
    assert "observations[1].content" in fields and "observations[2].content" in fields
    assert "observations[2].source" in fields and not any(f.startswith("observations[0]") for f in fields)
    assert "observations[1].content" in str(e)
    # Nothing was half-applied.
    assert len((await client.list_observations(store_id=store, profile_id=profile)).observations) == 0

    with pytest.raises(EngramError) as info:
        await client.resolve_identity(store_id=store, identifiers=[{"type": "email", "value": "not an e-mail"}])
    assert info.value.code == StatusCode.INVALID_ARGUMENT
    assert [f for f, _ in info.value.field_violations] == ["identifiers[0].value"]

    with pytest.raises(EngramError) as info:  # read access needs store_id
        await client.get_store()
    assert info.value.code == StatusCode.INVALID_ARGUMENT


async def test_already_exists(client: engram_client.Client) -> None:
    name = unique("dup")
    await client.create_store(display_name=name)
    with pytest.raises(EngramError) as info:
        await client.create_store(display_name=name)
    assert info.value.code == StatusCode.ALREADY_EXISTS


async def test_bad_api_key_is_unauthenticated(server: EngramServer) -> None:
    c = engram_client.Client(server.address, api_key="wrong-key", wait_for_ready=0.5)
    with pytest.raises(EngramError) as info:
        await c.connect()
    assert info.value.code == StatusCode.UNAUTHENTICATED and info.value.from_server
    # A lazily connecting call gets it too, at once rather than after waiting.
    with pytest.raises(EngramError) as info:
        await c.ping()
    assert info.value.code == StatusCode.UNAUTHENTICATED
    assert c.stats.connect_failures == 2 and c.stats.connects == 0
    await c.close()


async def test_a_key_over_its_rate_limit_is_told_when_to_retry(server: EngramServer) -> None:
    async with engram_client.Client(server.address, api_key=LIMITED_KEY) as c:
        await c.ping()
        await c.ping()
        with pytest.raises(EngramError) as info:
            await c.ping()
    assert info.value.code == StatusCode.RESOURCE_EXHAUSTED and info.value.from_server
    assert "py-limited" in info.value.message
    assert info.value.retry_after is not None and 30 < info.value.retry_after <= 60


async def test_unknown_method_is_unimplemented(client: engram_client.Client) -> None:
    with pytest.raises(EngramError) as info:
        await client.call(99, pb.PingRequest(), pb.PingResponse)
    assert info.value.code == StatusCode.UNIMPLEMENTED and info.value.from_server
    assert (await client.ping(payload=b"still fine")).payload == b"still fine"


async def test_second_hello_is_failed_precondition(client: engram_client.Client) -> None:
    conn = client.connections()[0]
    hello = pb.HelloRequest(protocol_version=1, api_key=ADMIN_KEY, client_name="again")
    meta, body = await conn.request(1, hello.SerializeToString(), 5)
    assert meta == StatusCode.FAILED_PRECONDITION
    assert "Hello" in pb.Status.FromString(body).message
    assert conn.usable and (await client.ping()).payload == b""


async def test_request_over_max_frame_bytes_is_not_sent(client: engram_client.Client) -> None:
    conn = client.connections()[0]
    sent = conn.requests_sent
    limit = client.hello.max_frame_bytes if client.hello else 0
    with pytest.raises(EngramError) as info:
        await client.ping(payload=b"x" * limit)
    assert info.value.code == StatusCode.RESOURCE_EXHAUSTED and not info.value.from_server
    assert "max_frame_bytes" in info.value.message
    assert conn.requests_sent == sent and conn.usable  # never written; the connection is fine
    # A request exactly at the limit is sent; the echo would be a few bytes bigger, which the
    # server refuses with its own RESOURCE_EXHAUSTED (and the connection goes on).
    at_limit = b"y" * (limit - 16 - 5)  # header, then the payload field's tag and length
    assert len(pb.PingRequest(payload=at_limit).SerializeToString()) + 16 == limit
    with pytest.raises(EngramError) as info:
        await client.ping(payload=at_limit, timeout=30)
    assert info.value.code == StatusCode.RESOURCE_EXHAUSTED and info.value.from_server
    assert conn.requests_sent == sent + 1
    big = b"z" * (limit - 1024)
    assert (await client.ping(payload=big, timeout=30)).payload == big


async def test_client_side_argument_errors(client: engram_client.Client) -> None:
    with pytest.raises(TypeError):
        await client.get_store(pb.GetStoreRequest(store_id="a"), store_id="b")
    with pytest.raises(TypeError):
        await client.get_store(pb.GetProfileRequest())
    with pytest.raises(TypeError):
        await client.call("GetStore", pb.PingRequest())
    with pytest.raises(ValueError):
        await client.call(99, pb.PingRequest())
    with pytest.raises(TypeError):
        await client.resolve_identity(store_id="s", traits={"Contact": {"bad": object()}})  # type: ignore[dict-item]


async def test_store_name_rules(client: engram_client.Client) -> None:
    with pytest.raises(EngramError) as info:
        await client.create_store(display_name="has spaces" + unique(""))
    assert info.value.code == StatusCode.INVALID_ARGUMENT
    assert info.value.field_violations and info.value.field_violations[0][0] == "display_name"
