"""One TCP connection: framing, Hello, multiplexed requests, CANCEL, PING/PONG and GOAWAY.

An ``asyncio.Protocol``: frames are cut from the byte stream in ``data_received`` and each
RESPONSE completes the future of the request with its id, in whatever order they come.
"""

from __future__ import annotations

import asyncio
import ssl as _ssl
from dataclasses import dataclass
from typing import Callable, Optional, cast

from . import _frames as F
from ._proto import engram_pb2 as pb
from .errors import EngramError, StatusCode

__all__ = ["Connection", "GoAwayInfo", "NotProcessed"]

# Frames at least this big are written as header + payload, without joining them first.
_JOIN_LIMIT = 64 * 1024


class NotProcessed(EngramError):
    """The server did not process the request (it was sent after a GOAWAY's
    ``last_request_id``, or on a connection already going away): safe to send elsewhere."""


@dataclass(frozen=True)
class GoAwayInfo:
    last_request_id: int
    code: StatusCode
    reason: str


class Connection(asyncio.Protocol):
    """Use :meth:`open`; then :meth:`request` from any number of tasks at once."""

    def __init__(self, loop: asyncio.AbstractEventLoop, *, on_event: Optional[Callable[[str, "Connection"], None]] = None) -> None:
        self._loop = loop
        self._on_event = on_event
        self._transport: Optional[asyncio.Transport] = None
        self._buf = bytearray()
        self._pending: dict[int, asyncio.Future[tuple[int, bytes]]] = {}
        self._next_id = 1
        self._paused = False
        self._drain_waiters: list[asyncio.Future[None]] = []
        self._pings: dict[bytes, asyncio.Future[None]] = {}
        self._ping_counter = 0
        self._keepalive: Optional[asyncio.Task[None]] = None
        self._ready = False  # Hello accepted
        self.closed = False
        self.close_reason = ""
        self.goaway: Optional[GoAwayInfo] = None
        self.hello: Optional[pb.HelloResponse] = None
        self.max_frame_bytes = F.DEFAULT_MAX_FRAME_BYTES
        self.pings_answered = 0
        self.cancels_sent = 0
        self.requests_sent = 0

    # ---- opening -----------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        *,
        api_key: str,
        client_name: str,
        timeout: Optional[float],
        ssl: Optional[_ssl.SSLContext] = None,
        keepalive: Optional[float] = None,
        on_event: Optional[Callable[[str, "Connection"], None]] = None,
    ) -> "Connection":
        """Connects and says Hello. Raises EngramError: UNAVAILABLE when the server cannot be
        reached, DEADLINE_EXCEEDED past ``timeout``, or the server's refusal
        (UNAUTHENTICATED, FAILED_PRECONDITION, a GOAWAY's code)."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        try:
            _, conn = await asyncio.wait_for(
                loop.create_connection(lambda: cls(loop, on_event=on_event), host, port, ssl=ssl), timeout
            )
        except asyncio.TimeoutError:
            raise EngramError(StatusCode.DEADLINE_EXCEEDED, f"connect to {host}:{port} timed out after {timeout} s") from None
        except OSError as error:
            raise EngramError(StatusCode.UNAVAILABLE, f"connect to {host}:{port}: {error.strerror or error}") from None
        left = None if timeout is None else max(timeout - (loop.time() - start), 0.001)
        hello = pb.HelloRequest(protocol_version=F.PROTOCOL_VERSION, api_key=api_key, client_name=client_name)
        try:
            meta, body = await conn.request(1, hello.SerializeToString(), left, deadline=False)
        except NotProcessed as error:
            conn.abort()
            code = conn.goaway.code if conn.goaway else StatusCode.UNAVAILABLE
            raise EngramError(code, f"Hello to {host}:{port} refused: {error.message}") from None
        except BaseException:  # a timeout, a lost connection, cancellation
            conn.abort()
            raise
        if meta != 0:
            conn.abort()
            raise status_error(meta, body)
        try:
            response = pb.HelloResponse.FromString(body)
        except Exception as error:
            conn.abort()
            raise EngramError(StatusCode.INTERNAL, f"undecodable HelloResponse: {error}") from None
        if response.protocol_version != F.PROTOCOL_VERSION:
            conn.abort()
            raise EngramError(
                StatusCode.FAILED_PRECONDITION,
                f"the server speaks protocol version {response.protocol_version}; this client speaks {F.PROTOCOL_VERSION}",
            )
        conn.hello = response
        if response.max_frame_bytes > F.HEADER_BYTES:  # 0 (absent) keeps the default
            conn.max_frame_bytes = response.max_frame_bytes
        conn._ready = True
        if keepalive:
            conn._keepalive = loop.create_task(conn._keepalive_loop(keepalive))
        return conn

    # ---- state -------------------------------------------------------------------------

    @property
    def usable(self) -> bool:
        """Open, Hello accepted, and no GOAWAY: new requests may go here."""
        return self._ready and not self.closed and self.goaway is None

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    def close(self) -> None:
        """Closes gracefully (buffered writes are sent); pending requests fail UNAVAILABLE."""
        self._close_with("closed by the client")

    def _close_with(self, reason: str) -> None:
        if self._transport is not None and not self.closed:
            self._set_closed(reason)
            self._transport.close()

    def abort(self) -> None:
        if self._transport is not None and not self.closed:
            self._set_closed("closed by the client")
            self._transport.abort()

    def _set_closed(self, reason: str) -> None:
        if not self.close_reason:
            self.close_reason = reason
        if self.closed:
            return
        self.closed = True
        if self._keepalive is not None and self._keepalive is not asyncio.current_task():
            self._keepalive.cancel()
        message = self._with_goaway(f"connection lost: {self.close_reason}")
        pending, self._pending = self._pending, {}
        for request_id, fut in pending.items():
            if not fut.done():
                if self.goaway and not F.id_at_or_before(request_id, self.goaway.last_request_id):
                    fut.set_exception(NotProcessed(StatusCode.UNAVAILABLE, message))
                else:
                    fut.set_exception(EngramError(StatusCode.UNAVAILABLE, message))
        for waiter in self._drain_waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._drain_waiters.clear()
        for ping in self._pings.values():
            if not ping.done():
                ping.set_exception(EngramError(StatusCode.UNAVAILABLE, message))
        self._pings.clear()
        if self._on_event is not None:
            self._on_event("closed", self)

    def _with_goaway(self, text: str) -> str:
        if self.goaway is None:
            return text
        return f"{text} (after GOAWAY {self.goaway.code.name}: {self.goaway.reason})"

    # ---- asyncio.Protocol --------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # Not an isinstance check: uvloop's transports are not asyncio.Transport subclasses.
        self._transport = cast(asyncio.Transport, transport)

    def connection_lost(self, exc: Optional[Exception]) -> None:
        if exc is not None:
            self._set_closed(str(exc) or type(exc).__name__)
        else:
            self._set_closed("the server closed the connection")

    def pause_writing(self) -> None:
        self._paused = True

    def resume_writing(self) -> None:
        self._paused = False
        for waiter in self._drain_waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._drain_waiters.clear()

    def eof_received(self) -> Optional[bool]:
        return False  # close our side too

    def data_received(self, data: bytes) -> None:
        buf = self._buf
        if buf:
            buf += data
            view: bytes | bytearray = buf
        else:
            view = data
        pos = 0
        end = len(view)
        unpack = F.HEADER.unpack_from
        limit = self.max_frame_bytes
        while end - pos >= 4:
            length = int.from_bytes(view[pos : pos + 4], "big")
            if length < 12:
                self._protocol_error(StatusCode.INTERNAL, f"protocol error: frame length {length} is below 12")
                return
            if length + 4 > limit:
                self._protocol_error(
                    StatusCode.RESOURCE_EXHAUSTED,
                    f"incoming frame of {length + 4} bytes exceeds max_frame_bytes {limit}; refused from its header",
                )
                return
            if end - pos < length + 4:
                break
            _, type_, _, method, request_id, meta = unpack(view, pos)
            payload = bytes(view[pos + 16 : pos + 4 + length])
            pos += length + 4
            if type_ == F.RESPONSE:
                fut = self._pending.pop(request_id, None)
                if fut is not None and not fut.done():  # else a late answer to a cancelled request
                    fut.set_result((meta, payload))
                if self.goaway is not None and not self._pending:
                    self._close_with("every request accepted before GOAWAY was answered")
                    return
            else:
                self._control(type_, payload)
            if self.closed:
                return
        if pos == end:
            if buf:
                buf.clear()
        elif buf:
            del buf[:pos]
        else:
            buf += view[pos:]

    def _control(self, type_: int, payload: bytes) -> None:
        if type_ == F.PING:
            if len(payload) > F.MAX_PING_PAYLOAD:
                self._protocol_error(StatusCode.INTERNAL, f"protocol error: PING with {len(payload)} payload bytes (at most 8)")
                return
            self._write(F.encode_frame(F.PONG, 0, 0, 0, payload))
            self.pings_answered += 1
        elif type_ == F.PONG:
            waiter = self._pings.pop(payload, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        elif type_ == F.GOAWAY:
            self._handle_goaway(payload)
        else:
            name = F.FRAME_TYPE_NAMES.get(type_, f"unknown type {type_}")
            self._protocol_error(StatusCode.INTERNAL, f"protocol error: the server sent a {name} frame")

    def _handle_goaway(self, payload: bytes) -> None:
        try:
            message = pb.GoAway.FromString(payload)
            info = GoAwayInfo(message.last_request_id, StatusCode(message.code), message.reason)
        except Exception:  # an undecodable GoAway still means the server is leaving
            info = GoAwayInfo(0, StatusCode.UNKNOWN, "(undecodable GoAway payload)")
        self.goaway = info
        # Requests sent after last_request_id were not read: they will never be processed.
        text = f"not processed: the server sent GOAWAY {info.code.name}: {info.reason}"
        for request_id in [r for r in self._pending if not F.id_at_or_before(r, info.last_request_id)]:
            fut = self._pending.pop(request_id)
            if not fut.done():
                fut.set_exception(NotProcessed(StatusCode.UNAVAILABLE, text))
        if self._on_event is not None:
            self._on_event("goaway", self)
        if not self._pending and self._ready:
            self._close_with("nothing in flight after GOAWAY")

    def _protocol_error(self, code: StatusCode, message: str) -> None:
        pending, self._pending = self._pending, {}
        for fut in pending.values():
            if not fut.done():
                fut.set_exception(EngramError(code, self._with_goaway(message)))
        self._set_closed(message)
        if self._transport is not None:
            self._transport.abort()

    # ---- writing -----------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        if self._transport is not None and not self.closed:
            self._transport.write(data)

    async def _drain(self) -> None:
        while self._paused and not self.closed:
            waiter: asyncio.Future[None] = self._loop.create_future()
            self._drain_waiters.append(waiter)
            await waiter

    def _allocate_id(self) -> int:
        request_id = self._next_id
        while request_id in self._pending or request_id == 0:
            request_id = request_id + 1 if request_id < F.MAX_U32 else 1
        self._next_id = request_id + 1 if request_id < F.MAX_U32 else 1
        return request_id

    def _send_cancel(self, request_id: int) -> None:
        if not self.closed:
            self._write(F.HEADER.pack(12, F.CANCEL, 0, 0, request_id, 0))
            self.cancels_sent += 1

    def _expire(self, request_id: int, label: str) -> None:
        fut = self._pending.pop(request_id, None)
        if fut is not None and not fut.done():
            self._send_cancel(request_id)
            fut.set_exception(
                EngramError(
                    StatusCode.DEADLINE_EXCEEDED,
                    f"no response within {label} (request {request_id} cancelled; its outcome is unknown)",
                )
            )

    async def request(
        self,
        method: int,
        payload: bytes,
        timeout: Optional[float],
        *,
        deadline: bool = True,
        grace: float = 0.0,
        label: Optional[str] = None,
    ) -> tuple[int, bytes]:
        """Sends a REQUEST and waits for its RESPONSE: ``(status, payload)``.

        ``timeout`` (seconds) goes into the frame's deadline (unless ``deadline`` is false) and
        bounds the wait here, plus ``grace`` so that the server's own DEADLINE_EXCEEDED (which
        means nothing was applied) can arrive first; past it the request is CANCELled and
        DEADLINE_EXCEEDED raised. Cancelling the awaiting task CANCELs the request too. The
        connection stays usable either way.
        """
        if self.closed or self.goaway is not None:
            raise NotProcessed(StatusCode.UNAVAILABLE, self._with_goaway(f"connection not usable: {self.close_reason or 'going away'}"))
        size = F.HEADER_BYTES + len(payload)
        if size > self.max_frame_bytes:
            raise EngramError(
                StatusCode.RESOURCE_EXHAUSTED,
                f"request frame of {size} bytes exceeds the server's max_frame_bytes {self.max_frame_bytes}; not sent",
            )
        request_id = self._allocate_id()
        fut: asyncio.Future[tuple[int, bytes]] = self._loop.create_future()
        self._pending[request_id] = fut
        header = F.HEADER.pack(12 + len(payload), F.REQUEST, 0, method, request_id, F.deadline_ms(timeout) if deadline else 0)
        transport = cast(asyncio.Transport, self._transport)
        if len(payload) < _JOIN_LIMIT:
            transport.write(header + payload)
        else:
            transport.write(header)
            transport.write(payload)
        self.requests_sent += 1
        timer = None
        if timeout is not None:
            timer = self._loop.call_later(timeout + grace, self._expire, request_id, label or f"{timeout:g} s")
        try:
            if self._paused:
                await self._drain()
            return await fut
        except asyncio.CancelledError:
            if self._pending.pop(request_id, None) is not None:
                self._send_cancel(request_id)
            raise
        finally:
            if timer is not None:
                timer.cancel()

    # ---- keepalive ---------------------------------------------------------------------

    async def ping_frame(self, timeout: Optional[float] = None) -> float:
        """Sends a PING frame and waits for its PONG; returns the round trip in seconds."""
        if self.closed:
            raise EngramError(StatusCode.UNAVAILABLE, self._with_goaway(f"connection not usable: {self.close_reason}"))
        self._ping_counter += 1
        token = self._ping_counter.to_bytes(8, "big")
        waiter: asyncio.Future[None] = self._loop.create_future()
        self._pings[token] = waiter
        start = self._loop.time()
        self._write(F.encode_frame(F.PING, 0, 0, 0, token))
        try:
            await asyncio.wait_for(waiter, timeout)
        except asyncio.TimeoutError:
            raise EngramError(StatusCode.DEADLINE_EXCEEDED, f"no PONG within {timeout} s") from None
        finally:
            self._pings.pop(token, None)
        return self._loop.time() - start

    async def _keepalive_loop(self, interval: float) -> None:
        while not self.closed:
            await asyncio.sleep(interval)
            if self.closed:
                return
            try:
                await self.ping_frame(timeout=interval)
            except EngramError as error:
                if not self.closed:
                    self._set_closed(f"keepalive failed: {error.message}")
                    if self._transport is not None:
                        self._transport.abort()
                return


def status_error(code: int, body: bytes) -> EngramError:
    """The EngramError of a failed RESPONSE (its payload is a ``Status``)."""
    try:
        status = pb.Status.FromString(body)
    except Exception:
        return EngramError(code, f"(undecodable Status payload of {len(body)} bytes)", from_server=True)
    return EngramError(
        code,
        status.message,
        [(v.field, v.description) for v in status.field_violations],
        from_server=True,
        retry_after=status.retry_after_ms / 1000 if status.retry_after_ms else None,
    )
