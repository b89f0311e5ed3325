"""The 16-byte frame header of Protocol/FRAMING.md."""

from __future__ import annotations

import struct
from typing import NamedTuple

HEADER = struct.Struct(">IBBHII")
HEADER_BYTES = 16

REQUEST = 1
RESPONSE = 2
CANCEL = 3
PING = 4
PONG = 5
GOAWAY = 6
FRAME_TYPE_NAMES = {1: "REQUEST", 2: "RESPONSE", 3: "CANCEL", 4: "PING", 5: "PONG", 6: "GOAWAY"}

PROTOCOL_VERSION = 1
DEFAULT_PORT = 7411
DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024
MAX_PING_PAYLOAD = 8
MAX_U32 = 0xFFFFFFFF


class FrameHeader(NamedTuple):
    length: int
    type: int
    flags: int
    method: int
    request_id: int
    meta: int


def encode_frame(type: int, method: int, request_id: int, meta: int, payload: bytes = b"") -> bytes:
    """A whole frame: header and payload."""
    return HEADER.pack(12 + len(payload), type, 0, method, request_id, meta) + payload


def decode_header(data: bytes | bytearray | memoryview, offset: int = 0) -> FrameHeader:
    return FrameHeader(*HEADER.unpack_from(data, offset))


def id_at_or_before(request_id: int, last: int) -> bool:
    """Whether ``request_id`` was sent no later than ``last`` (ids count up, wrapping at 2**32)."""
    return ((last - request_id) & MAX_U32) < 0x80000000


def deadline_ms(timeout: float | None) -> int:
    """A REQUEST's ``meta``: the timeout in whole milliseconds, rounded up, at least 1."""
    if timeout is None:
        return 0
    ms = int(-(-timeout * 1000 // 1))
    return min(max(ms, 1), MAX_U32)
