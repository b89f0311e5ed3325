"""The wire without a server: FRAMING.md's worked example byte for byte, the golden vectors,
the method table against the schema, frame parsing edge cases on a fake transport."""

from __future__ import annotations

import asyncio
import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import text_format

import engram_client
from engram_client import EngramError, StatusCode, pb
from engram_client import _frames as F
from engram_client._connection import Connection
from conftest import PKG, ROOT

PROTOCOL = ROOT / "Protocol"


def hexbytes(text: str) -> bytes:
    """The hex bytes of a FRAMING.md listing (text after two spaces on a line is a comment)."""
    out = bytearray()
    for line in text.strip().splitlines():
        code = re.split(r"\s{2,}", line.strip())[0]
        if not re.fullmatch(r"[0-9a-f]{2}( [0-9a-f]{2})*", code):
            continue  # a comment-only continuation line
        out += bytes.fromhex(code)
    return bytes(out)


def framing_listing(index: int) -> bytes:
    blocks = re.findall(r"```\n(.*?)```", (PROTOCOL / "FRAMING.md").read_text(), re.S)
    return hexbytes(blocks[index])


def test_worked_example_request_frame_byte_for_byte() -> None:
    expected = framing_listing(0)
    assert len(expected) == 45
    request = pb.RecallRequest(store_id="st_1", profile_id="pr_7", query="billing issue", observations_limit=3)
    frame = F.encode_frame(F.REQUEST, 40, 5, F.deadline_ms(0.25), request.SerializeToString())
    assert frame == expected


def test_worked_example_response_decodes() -> None:
    frame = framing_listing(1)
    h = F.decode_header(frame)
    assert (h.length, h.type, h.method, h.request_id, h.meta) == (64, F.RESPONSE, 40, 5, 0)
    response = pb.RecallResponse.FromString(frame[16:])
    assert response.profile_id == "pr_7" and response.query_time_us == 87
    scored = response.observations[0]
    assert scored.score == 0.75
    assert scored.observation.content == "Prefers email"
    assert scored.observation.occurred_at_us == 1767225600000000


class FakeTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closed = False

    def write(self, data: Any) -> None:
        self.written += data

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def frames(self) -> list[F.FrameHeader]:
        out, pos = [], 0
        while pos < len(self.written):
            h = F.decode_header(self.written, pos)
            out.append(h)
            pos += h.length + 4
        return out


def fake_connection() -> tuple[Connection, FakeTransport]:
    conn = Connection(asyncio.get_running_loop())
    transport = FakeTransport()
    conn.connection_made(transport)
    conn._ready = True
    return conn, transport


async def test_connection_sends_the_worked_example_frame() -> None:
    conn, transport = fake_connection()
    conn._next_id = 5
    request = pb.RecallRequest(store_id="st_1", profile_id="pr_7", query="billing issue", observations_limit=3)
    task = asyncio.ensure_future(conn.request(40, request.SerializeToString(), 0.25))
    await asyncio.sleep(0)
    assert bytes(transport.written) == framing_listing(0)
    response = framing_listing(1)
    for i in range(len(response)):  # one byte at a time: partial headers and payloads
        conn.data_received(response[i : i + 1])
    meta, body = await task
    assert meta == 0 and pb.RecallResponse.FromString(body).profile_id == "pr_7"


async def test_responses_in_one_chunk_any_order_and_late_ones_ignored() -> None:
    conn, transport = fake_connection()
    tasks = [asyncio.ensure_future(conn.request(2, pb.PingRequest(payload=bytes([i])).SerializeToString(), None)) for i in range(3)]
    await asyncio.sleep(0)
    ids = [h.request_id for h in transport.frames()]
    assert len(set(ids)) == 3 and 0 not in ids
    chunk = b"".join(
        F.encode_frame(F.RESPONSE, 2, rid, 0, pb.PingResponse(payload=bytes([k])).SerializeToString())
        for k, rid in reversed(list(enumerate(ids)))
    ) + F.encode_frame(F.RESPONSE, 2, 999, 0, b"")  # unknown id: ignored
    conn.data_received(chunk)
    results = await asyncio.gather(*tasks)
    assert [pb.PingResponse.FromString(b).payload for _, b in results] == [b"\x00", b"\x01", b"\x02"]
    assert not conn.closed


async def test_server_ping_is_answered_with_the_same_payload() -> None:
    conn, transport = fake_connection()
    conn.data_received(F.encode_frame(F.PING, 0, 0, 0, b"abc12345"))
    assert bytes(transport.written) == F.encode_frame(F.PONG, 0, 0, 0, b"abc12345")
    assert conn.pings_answered == 1


@pytest.mark.parametrize(
    "frame, code",
    [
        (F.HEADER.pack(11, F.RESPONSE, 0, 2, 1, 0), StatusCode.INTERNAL),  # length below 12
        (F.encode_frame(9, 0, 0, 0), StatusCode.INTERNAL),  # unknown type
        (F.encode_frame(F.PING, 0, 0, 0, b"123456789"), StatusCode.INTERNAL),  # PING over 8 bytes
        (F.encode_frame(F.REQUEST, 2, 1, 0), StatusCode.INTERNAL),  # a REQUEST from the server
        (F.HEADER.pack(F.DEFAULT_MAX_FRAME_BYTES, F.RESPONSE, 0, 2, 1, 0), StatusCode.RESOURCE_EXHAUSTED),
    ],
)
async def test_protocol_errors_fail_pending_calls_and_close(frame: bytes, code: StatusCode) -> None:
    conn, transport = fake_connection()
    task = asyncio.ensure_future(conn.request(2, b"", None))
    await asyncio.sleep(0)
    conn.data_received(frame)
    with pytest.raises(EngramError) as info:
        await task
    assert info.value.code == code and not info.value.from_server
    assert conn.closed and transport.closed and not conn.usable


async def test_goaway_fails_only_requests_the_server_did_not_read() -> None:
    conn, transport = fake_connection()
    tasks = [asyncio.ensure_future(conn.request(2, b"", None)) for _ in range(3)]
    await asyncio.sleep(0)
    ids = [h.request_id for h in transport.frames()]
    goaway = pb.GoAway(last_request_id=ids[0], code=StatusCode.UNAVAILABLE, reason="draining")
    conn.data_received(F.encode_frame(F.GOAWAY, 0, 0, 0, goaway.SerializeToString()))
    assert not conn.usable and not conn.closed  # the first request is still owed an answer
    for t in tasks[1:]:
        with pytest.raises(EngramError) as info:
            await t
        assert info.value.code == StatusCode.UNAVAILABLE and "not processed" in info.value.message
    conn.data_received(F.encode_frame(F.RESPONSE, 2, ids[0], 0, b""))
    assert await tasks[0] == (0, b"")
    assert conn.closed  # everything owed arrived: closed from our side


def test_id_order_wraps() -> None:
    assert F.id_at_or_before(5, 5) and F.id_at_or_before(4, 5) and not F.id_at_or_before(6, 5)
    assert F.id_at_or_before(0xFFFFFFFF, 2)  # sent before the wrap
    assert not F.id_at_or_before(1, 0)


def test_deadline_ms() -> None:
    assert F.deadline_ms(None) == 0
    assert F.deadline_ms(0.25) == 250
    assert F.deadline_ms(0.0001) == 1
    assert F.deadline_ms(0.0015) == 2
    assert F.deadline_ms(1e9) == F.MAX_U32


def test_golden_vectors_decode_and_reencode_byte_for_byte() -> None:
    bins = sorted((PROTOCOL / "vectors").glob("*.bin"))
    assert len(bins) >= 50
    for path in bins:
        cls = getattr(pb, path.stem)
        data = path.read_bytes()
        message = cls.FromString(data)
        assert message.SerializeToString() == data, path.name
        text = (path.with_suffix(".txtpb")).read_text()
        assert text_format.Parse(text, cls()) == message, path.name


def test_method_table_matches_the_schema_and_framing_md() -> None:
    proto = (PROTOCOL / "engram.proto").read_text()
    from_proto = {int(i): n for i, n in re.findall(r"// Method (\d+)\..*?\n(?:\s*//.*\n)*\s*rpc (\w+)\(", proto)}
    framing = (PROTOCOL / "FRAMING.md").read_text()
    from_framing = {int(i): n for i, n in re.findall(r"^\| (\d+) \| (\w+) \| \w+Request → \w+Response", framing, re.M)}
    ours = {m.id: m.name for m in engram_client.METHODS}
    assert len(ours) == 40
    assert ours == from_proto == from_framing
    service = pb.DESCRIPTOR.services_by_name["Memory"]
    assert {m.name for m in service.methods} == set(ours.values())
    for m in engram_client.METHODS:
        rpc = service.methods_by_name[m.name]
        assert rpc.input_type is m.request.DESCRIPTOR and rpc.output_type is m.response.DESCRIPTOR


def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def test_every_rpc_has_a_method_taking_its_request_fields() -> None:
    for m in engram_client.METHODS:
        if m.name == "Hello":
            assert not callable(getattr(engram_client.Client, "hello"))  # a property: Hello is sent on connect
            continue
        method = getattr(engram_client.Client, snake(m.name))
        params = inspect.signature(method).parameters
        keywords = {n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
        assert keywords == {f.name for f in m.request.DESCRIPTOR.fields} | {"timeout"}, m.name
        assert list(params)[1] == "request" and params["request"].kind is inspect.Parameter.POSITIONAL_ONLY


def test_status_codes_and_error_text() -> None:
    e = EngramError(5, "no store", [("store_id", "no store")], from_server=True)
    assert e.code == StatusCode.NOT_FOUND and e.code_name == "NOT_FOUND" and e.code == 5
    assert str(e) == "NOT_FOUND: no store [store_id: no store]"
    assert StatusCode(42).name == "CODE_42" and int(StatusCode(42)) == 42


def test_import_without_generated_code_says_how_to_generate(tmp_path: Path) -> None:
    copy = tmp_path / "pkg"
    shutil.copytree(PKG / "engram_client", copy / "engram_client", ignore=shutil.ignore_patterns("engram_pb2.py*", "__pycache__"))
    result = subprocess.run([sys.executable, "-c", "import engram_client"], cwd=copy, capture_output=True, text=True)
    assert result.returncode != 0
    assert "ImportError" in result.stderr and "generate.py" in result.stderr and "protoc" in result.stderr


def test_generator_checks_versions() -> None:
    result = subprocess.run([sys.executable, str(PKG / "generate.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "protoc release" in result.stdout
