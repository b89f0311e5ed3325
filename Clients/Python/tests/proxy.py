"""A frame-aware TCP proxy for tests: it sits between the client and a real engramd, records
every frame in both directions, and can hold, reorder, drop or inject frames, or cut the
connection. It runs on the test's own event loop."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from engram_client import _frames as F


@dataclass
class Frame:
    type: int
    method: int
    request_id: int
    meta: int
    payload: bytes
    at: float = field(default_factory=time.monotonic)

    @property
    def type_name(self) -> str:
        return F.FRAME_TYPE_NAMES.get(self.type, str(self.type))

    def encode(self) -> bytes:
        return F.encode_frame(self.type, self.method, self.request_id, self.meta, self.payload)


async def read_frame(reader: asyncio.StreamReader) -> Optional[Frame]:
    try:
        head = await reader.readexactly(F.HEADER_BYTES)
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    h = F.decode_header(head)
    try:
        payload = await reader.readexactly(h.length - 12) if h.length > 12 else b""
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    return Frame(h.type, h.method, h.request_id, h.meta, payload)


class ProxyConnection:
    def __init__(self, proxy: "FrameProxy", client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.proxy = proxy
        self.client_r, self.client_w = client_r, client_w
        self.server_r: Optional[asyncio.StreamReader] = None
        self.server_w: Optional[asyncio.StreamWriter] = None
        self.to_server: list[Frame] = []  # every frame the client sent
        self.to_client: list[Frame] = []  # every frame the server sent
        self.held: list[Frame] = []
        self.hold = proxy.hold_new
        # Frames from the client for which this returns True are recorded but not forwarded.
        self.drop_to_server: Optional[Callable[[Frame], bool]] = None
        self.closed = False
        self.tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self.server_r, self.server_w = await asyncio.open_connection("127.0.0.1", self.proxy.upstream_port)
        self.tasks = [
            asyncio.ensure_future(self._pump_client()),
            asyncio.ensure_future(self._pump_server()),
        ]

    async def _pump_client(self) -> None:
        while True:
            frame = await read_frame(self.client_r)
            if frame is None:
                break
            self.to_server.append(frame)
            if frame.type == F.PONG:
                continue  # answers to our injected PINGs: the server never sends any
            if self.drop_to_server is not None and self.drop_to_server(frame):
                continue
            assert self.server_w is not None
            self.server_w.write(frame.encode())
        await self._close_side(self.server_w)

    async def _pump_server(self) -> None:
        assert self.server_r is not None
        while True:
            frame = await read_frame(self.server_r)
            if frame is None:
                break
            self.to_client.append(frame)
            if self.hold:
                self.held.append(frame)
            else:
                self.client_w.write(frame.encode())
        # The server closed: forward the end only once held frames were released.
        while self.hold and not self.closed:
            await asyncio.sleep(0.005)
        await self._close_side(self.client_w)

    async def _close_side(self, writer: Optional[asyncio.StreamWriter]) -> None:
        if writer is None:
            return
        try:
            writer.close()
        except Exception:
            pass

    def release(self, order: Optional[Callable[[list[Frame]], list[Frame]]] = None) -> None:
        """Forwards the held frames (reordered by ``order``) and stops holding."""
        frames = order(self.held) if order else self.held
        self.held = []
        for frame in frames:
            self.client_w.write(frame.encode())
        self.hold = False

    def inject_to_client(self, frame: Frame) -> None:
        self.client_w.write(frame.encode())

    def requests(self, method: Optional[int] = None) -> list[Frame]:
        return [f for f in self.to_server if f.type == F.REQUEST and (method is None or f.method == method)]

    def abort(self) -> None:
        """Cuts both sides at once (a reset, as a crash or a network failure would)."""
        self.closed = True
        for w in (self.client_w, self.server_w):
            if w is not None:
                transport = w.transport
                transport.abort()
        for t in self.tasks:
            t.cancel()


class FrameProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.connections: list[ProxyConnection] = []
        self.hold_new = False
        self._server: Optional[asyncio.base_events.Server] = None
        self.port = 0

    async def start(self) -> "FrameProxy":
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def _accept(self, r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        conn = ProxyConnection(self, r, w)
        self.connections.append(conn)
        try:
            await conn.start()
        except OSError:
            conn.abort()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        end = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > end:
                raise AssertionError("timed out waiting for a condition on the proxy")
            await asyncio.sleep(0.002)

    async def close(self) -> None:
        for c in self.connections:
            c.abort()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
