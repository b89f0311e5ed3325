"""The asyncio client: a small pool of connections, one method per RPC."""

from __future__ import annotations

import asyncio
import random
import ssl as _ssl
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional, Sequence, Union, cast

from . import _frames as F
from ._connection import Connection, GoAwayInfo, NotProcessed, status_error
from ._methods import BY_ID, BY_NAME, MethodInfo
from ._proto import engram_pb2 as pb
from .errors import EngramError, StatusCode
from .messages import PlainTrait, build_request

__all__ = ["Client", "ClientStats", "parse_address"]

__version__ = "0.1.0"

IdentifierLike = Union["pb.Identifier", Mapping[str, Any]]
TraitsLike = Mapping[str, Union["pb.TraitGroup", Mapping[str, PlainTrait]]]

_M = BY_NAME


@dataclass
class ClientStats:
    """Counters over the client's life, for logs and tests."""

    connects: int = 0
    connect_failures: int = 0
    connections_lost: int = 0
    goaways: list[GoAwayInfo] = field(default_factory=list)
    redirected: int = 0
    """Requests the server did not process (after a GOAWAY) that were sent again elsewhere."""


def parse_address(address: str) -> tuple[str, int]:
    """``"host:port"``, ``"[v6]:port"``, ``"host"`` (port 7411) -> (host, port)."""
    if address.startswith("["):
        host, sep, rest = address[1:].partition("]")
        if not sep:
            raise ValueError(f"bad address {address!r}")
        return host, int(rest[1:]) if rest.startswith(":") else F.DEFAULT_PORT
    if address.count(":") == 1:
        host, port = address.split(":")
        return host or "127.0.0.1", int(port)
    return address or "127.0.0.1", F.DEFAULT_PORT


class _Slot:
    __slots__ = ("conn", "connecting", "failures", "retry_at", "error")

    def __init__(self) -> None:
        self.conn: Optional[Connection] = None
        self.connecting: Optional[asyncio.Task[None]] = None
        self.failures = 0
        self.retry_at = 0.0
        self.error: Optional[EngramError] = None


class Client:
    """An Engram client over ``connections`` TCP connections, used round-robin.

    ::

        async with Client("127.0.0.1:7411", api_key="...") as c:
            store = (await c.create_store(display_name="support")).store
            r = await c.recall(store_id=store.id, profile_id="pr_7", query="billing", timeout=0.5)

    Every RPC method takes the request's fields as keyword arguments, or a prebuilt request
    message as its only positional argument, plus ``timeout`` (seconds): sent as the frame's
    deadline and enforced locally (past it the request is CANCELled, DEADLINE_EXCEEDED). It
    returns the response message, or raises :class:`EngramError`.

    Calls are multiplexed: any number may be in flight on each connection. A lost connection
    fails its in-flight calls with UNAVAILABLE (their outcome is unknown: retry writes with an
    idempotency key); the next call reconnects, with exponential backoff between failed
    attempts, waiting up to ``wait_for_ready`` seconds for a connection. After a GOAWAY the
    connection finishes what the server accepted, new calls go to a new connection, and
    requests the server did not read are sent again there (they were never processed).
    """

    def __init__(
        self,
        address: str = "127.0.0.1:7411",
        *,
        api_key: str = "",
        connections: int = 1,
        timeout: Optional[float] = None,
        connect_timeout: float = 5.0,
        wait_for_ready: float = 5.0,
        keepalive: Optional[float] = None,
        ssl: Optional[_ssl.SSLContext] = None,
        client_name: str = f"engram-python/{__version__}",
        initial_backoff: float = 0.05,
        max_backoff: float = 5.0,
        deadline_grace: float = 0.02,
    ) -> None:
        """
        :param address: ``host:port`` (``[v6]:port``; the port defaults to 7411).
        :param connections: connections in the pool, used in turn (round-robin).
        :param timeout: the default per-call timeout in seconds (None: none).
        :param connect_timeout: bounds the TCP connect plus Hello of each connection.
        :param wait_for_ready: how long a call waits for a connection when none is up.
        :param keepalive: send a PING frame every this many seconds on each connection, and
            drop a connection whose PONG does not come within the interval (None: never). The
            server closes connections idle for its ``idle_timeout_ms``; without keepalive the
            next call simply reconnects.
        :param initial_backoff, max_backoff: the wait between failed connection attempts
            doubles from ``initial_backoff`` up to ``max_backoff`` (with 20% jitter).
        :param deadline_grace: the local wait of a call with a timeout is ``timeout +
            deadline_grace``, so that the server's DEADLINE_EXCEEDED (nothing was applied) can
            arrive before the local one (outcome unknown). ``EngramError.from_server`` tells
            them apart.
        """
        if connections < 1:
            raise ValueError("connections must be at least 1")
        self.address = address
        self._host, self._port = parse_address(address)
        self._api_key = api_key
        self._timeout = timeout
        self._connect_timeout = connect_timeout
        self.wait_for_ready = wait_for_ready
        self._keepalive = keepalive
        self._ssl = ssl
        self._client_name = client_name
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        self._deadline_grace = deadline_grace
        self._slots = [_Slot() for _ in range(connections)]
        self._rr = 0
        self._live: set[Connection] = set()
        self._retired_pings = 0
        self._retired_cancels = 0
        self._closed = False
        self.stats = ClientStats()

    # ---- lifecycle ---------------------------------------------------------------------

    async def __aenter__(self) -> "Client":
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def connect(self) -> None:
        """Opens every connection of the pool now; raises the first failure (and closes the
        others). Optional: calls connect lazily."""
        if self._closed:
            raise EngramError(StatusCode.UNAVAILABLE, "the client is closed")
        results = await asyncio.gather(*(self._open() for _ in self._slots), return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        conns = [r for r in results if isinstance(r, Connection)]
        if errors:
            for c in conns:
                c.close()
            raise errors[0]
        for slot, conn in zip(self._slots, conns):
            if slot.conn is not None:
                slot.conn.close()
            slot.conn = conn

    async def close(self) -> None:
        """Closes every connection; calls still in flight fail with UNAVAILABLE."""
        self._closed = True
        for slot in self._slots:
            if slot.connecting is not None and not slot.connecting.done():
                slot.connecting.cancel()
        for conn in list(self._live):
            conn.close()
        await asyncio.sleep(0)

    @property
    def closed(self) -> bool:
        return self._closed

    def _connection_event(self, event: str, conn: Connection) -> None:
        if event == "goaway" and conn.goaway is not None:
            self.stats.goaways.append(conn.goaway)
        elif event == "closed":
            if conn in self._live:
                self._live.discard(conn)
                self._retired_pings += conn.pings_answered
                self._retired_cancels += conn.cancels_sent
                if not self._closed and conn.close_reason != "closed by the client":
                    self.stats.connections_lost += 1

    async def _open(self) -> Connection:
        try:
            conn = await Connection.open(
                self._host,
                self._port,
                api_key=self._api_key,
                client_name=self._client_name,
                timeout=self._connect_timeout,
                ssl=self._ssl,
                keepalive=self._keepalive,
                on_event=self._connection_event,
            )
        except EngramError:
            self.stats.connect_failures += 1
            raise
        if self._closed:
            conn.close()
            raise EngramError(StatusCode.UNAVAILABLE, "the client is closed")
        self._live.add(conn)
        self.stats.connects += 1
        return conn

    async def _connect_slot(self, slot: _Slot) -> None:
        """One connection attempt for a slot, after its backoff; records the outcome."""
        loop = asyncio.get_running_loop()
        delay = slot.retry_at - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            conn = await self._open()
        except Exception as error:
            if not isinstance(error, EngramError):
                error = EngramError(StatusCode.UNAVAILABLE, f"connect to {self.address}: {type(error).__name__}: {error}")
            slot.failures += 1
            backoff = min(self._max_backoff, self._initial_backoff * (2 ** (slot.failures - 1)))
            slot.retry_at = loop.time() + backoff * random.uniform(0.8, 1.2)
            slot.error = error
            return
        slot.conn = conn
        slot.failures = 0
        slot.retry_at = 0.0
        slot.error = None

    def _pick(self) -> Optional[Connection]:
        """The next usable connection in turn, or None. A slot found down (lost, or after a
        GOAWAY) starts reconnecting in the background, after its backoff, so that the pool
        heals while the other connections serve."""
        slots = self._slots
        n = len(slots)
        start = self._rr
        for k in range(n):
            slot = slots[(start + k) % n]
            conn = slot.conn
            if conn is not None and conn.usable:
                self._rr = (start + k + 1) % n
                return conn
            if n > 1 and not self._closed and (slot.connecting is None or slot.connecting.done()):
                slot.connecting = asyncio.get_running_loop().create_task(self._connect_slot(slot))
        return None

    async def _wait_connection(self, deadline_at: Optional[float]) -> Connection:
        loop = asyncio.get_running_loop()
        slot = self._slots[self._rr % len(self._slots)]
        self._rr = (self._rr + 1) % len(self._slots)
        end = loop.time() + self.wait_for_ready
        by_deadline = deadline_at is not None and deadline_at < end
        if deadline_at is not None:
            end = min(end, deadline_at)
        while True:
            if self._closed:
                raise EngramError(StatusCode.UNAVAILABLE, "the client is closed")
            task = slot.connecting
            if task is None or task.done():
                task = slot.connecting = loop.create_task(self._connect_slot(slot))
            remaining = end - loop.time()
            if remaining > 0:
                await asyncio.wait({task}, timeout=remaining)
            conn = self._pick()
            if conn is not None:
                return conn
            error = slot.error
            if task.done() and error is not None and error.from_server:
                # The server refused (e.g. UNAUTHENTICATED): waiting will not change that.
                raise EngramError(error.code, error.message, error.field_violations, from_server=True)
            if loop.time() >= end:
                why = f": {error.code.name}: {error.message}" if error is not None else ""
                if by_deadline:
                    raise EngramError(StatusCode.DEADLINE_EXCEEDED, f"no connection to {self.address} before the call's timeout{why}")
                raise EngramError(
                    StatusCode.UNAVAILABLE, f"no connection to {self.address} within {self.wait_for_ready:g} s{why}"
                )

    # ---- calls -------------------------------------------------------------------------

    @property
    def hello(self) -> Optional[pb.HelloResponse]:
        """The HelloResponse of a live connection: server version, limits, the key's role."""
        for slot in self._slots:
            if slot.conn is not None and slot.conn.hello is not None:
                return slot.conn.hello
        return None

    @property
    def pings_answered(self) -> int:
        """PING frames from the server answered with PONG."""
        return self._retired_pings + sum(c.pings_answered for c in self._live)

    @property
    def cancels_sent(self) -> int:
        """CANCEL frames sent (for a local timeout or a cancelled call)."""
        return self._retired_cancels + sum(c.cancels_sent for c in self._live)

    def connections(self) -> list[Connection]:
        """The pool's current connections (for inspection)."""
        return [s.conn for s in self._slots if s.conn is not None]

    async def ping_frame(self, timeout: Optional[float] = 5.0) -> float:
        """A transport-level PING/PONG round trip (not the Ping RPC), in seconds."""
        conn = self._pick() or await self._wait_connection(None)
        return await conn.ping_frame(timeout)

    async def call(
        self,
        method: Union[int, str],
        request: Any,
        response_type: Any = None,
        *,
        timeout: Optional[float] = None,
    ) -> Any:
        """Calls a method by id or name with a request message; returns the response message.

        For a method id this client does not know, pass ``response_type`` (the class).
        """
        info: Optional[MethodInfo] = BY_NAME.get(method) if isinstance(method, str) else BY_ID.get(method)
        if info is None:
            if isinstance(method, str) or response_type is None:
                raise ValueError(f"unknown method {method!r}: pass its id and response_type")
            method_id = method
        else:
            method_id = info.id
            if method_id == 1:
                raise ValueError("Hello is sent by the client when it connects")
            if not isinstance(request, info.request):
                raise TypeError(f"{info.name} takes {info.request.DESCRIPTOR.full_name}, not {type(request).__name__}")
            response_type = response_type or info.response
        return await self._call(method_id, request.SerializeToString(), response_type, timeout)

    async def _call(self, method_id: int, payload: bytes, response_type: Any, timeout: Optional[float]) -> Any:
        if timeout is None:
            timeout = self._timeout
        loop = asyncio.get_running_loop()
        deadline_at = None if timeout is None else loop.time() + timeout
        redirects = 0
        while True:
            conn = self._pick()
            if conn is None:
                conn = await self._wait_connection(deadline_at)
            remaining = None
            if deadline_at is not None:
                remaining = deadline_at - loop.time()
                if remaining <= 0:
                    raise EngramError(StatusCode.DEADLINE_EXCEEDED, f"timeout of {timeout:g} s passed before the request was sent")
            try:
                meta, body = await conn.request(
                    method_id, payload, remaining, grace=self._deadline_grace, label=f"{timeout:g} s" if timeout is not None else None
                )
            except NotProcessed as error:
                # Never read by the server: safe to send on another connection.
                redirects += 1
                if redirects > 3 or self._closed:
                    raise EngramError(error.code, error.message) from None
                self.stats.redirected += 1
                continue
            if meta == 0:
                try:
                    return response_type.FromString(body)
                except Exception as error:
                    raise EngramError(
                        StatusCode.INTERNAL, f"could not decode the {len(body)}-byte {response_type.DESCRIPTOR.name}: {error}"
                    ) from None
            raise status_error(meta, body)

    async def _invoke(self, info: MethodInfo, request: Any, timeout: Optional[float], fields: dict[str, Any]) -> Any:
        given = {k: v for k, v in fields.items() if v is not None}
        message = build_request(info.request, request, given)
        return await self._call(info.id, message.SerializeToString(), info.response, timeout)

    # ---- the RPCs (FRAMING.md's method table) ------------------------------------------------

    async def ping(
        self,
        request: Optional[pb.PingRequest] = None,
        /,
        *,
        payload: Optional[bytes] = None,
        client_time_us: Optional[int] = None,
        timeout: Optional[float] = None,
    ) -> pb.PingResponse:
        """Method 2: an application-level round trip; echoes ``payload`` and ``client_time_us``."""
        return cast(pb.PingResponse, await self._invoke(_M["Ping"], request, timeout, dict(payload=payload, client_time_us=client_time_us)))

    async def server_info(self, request: Optional[pb.ServerInfoRequest] = None, /, *, timeout: Optional[float] = None) -> pb.ServerInfoResponse:
        """Method 3: version and uptime; counts for admin keys only."""
        return cast(pb.ServerInfoResponse, await self._invoke(_M["ServerInfo"], request, timeout, {}))

    async def snapshot(self, request: Optional[pb.SnapshotRequest] = None, /, *, timeout: Optional[float] = None) -> pb.SnapshotResponse:
        """Method 4 (admin): write a snapshot now; returns when it is on disk."""
        return cast(pb.SnapshotResponse, await self._invoke(_M["Snapshot"], request, timeout, {}))

    async def create_store(
        self,
        request: Optional[pb.CreateStoreRequest] = None,
        /,
        *,
        display_name: Optional[str] = None,
        description: Optional[str] = None,
        conversation_settings: Optional[Union[pb.ConversationSettings, Mapping[str, Any]]] = None,
        timeout: Optional[float] = None,
    ) -> pb.CreateStoreResponse:
        """Method 10 (admin)."""
        return cast(pb.CreateStoreResponse, await self._invoke(
            _M["CreateStore"], request, timeout,
            dict(display_name=display_name, description=description, conversation_settings=conversation_settings),
        ))

    async def get_store(
        self, request: Optional[pb.GetStoreRequest] = None, /, *, store_id: Optional[str] = None, timeout: Optional[float] = None
    ) -> pb.GetStoreResponse:
        """Method 11."""
        return cast(pb.GetStoreResponse, await self._invoke(_M["GetStore"], request, timeout, dict(store_id=store_id)))

    async def list_stores(
        self,
        request: Optional[pb.ListStoresRequest] = None,
        /,
        *,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.ListStoresResponse:
        """Method 12: a store-scoped key sees only its stores."""
        return cast(pb.ListStoresResponse, await self._invoke(_M["ListStores"], request, timeout, dict(page_size=page_size, page_token=page_token)))

    async def update_store(
        self,
        request: Optional[pb.UpdateStoreRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        display_name: Optional[str] = None,
        description: Optional[str] = None,
        conversation_settings: Optional[Union[pb.ConversationSettings, Mapping[str, Any]]] = None,
        timeout: Optional[float] = None,
    ) -> pb.UpdateStoreResponse:
        """Method 13 (admin). Fields left None are not changed."""
        return cast(pb.UpdateStoreResponse, await self._invoke(
            _M["UpdateStore"], request, timeout,
            dict(store_id=store_id, display_name=display_name, description=description,
                 conversation_settings=conversation_settings),
        ))

    async def delete_store(
        self, request: Optional[pb.DeleteStoreRequest] = None, /, *, store_id: Optional[str] = None, timeout: Optional[float] = None
    ) -> pb.DeleteStoreResponse:
        """Method 14 (admin): erases everything in the store."""
        return cast(pb.DeleteStoreResponse, await self._invoke(_M["DeleteStore"], request, timeout, dict(store_id=store_id)))

    async def get_identity_settings(
        self,
        request: Optional[pb.GetIdentitySettingsRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.GetIdentitySettingsResponse:
        """Method 15."""
        return cast(pb.GetIdentitySettingsResponse, await self._invoke(_M["GetIdentitySettings"], request, timeout, dict(store_id=store_id)))

    async def put_identity_settings(
        self,
        request: Optional[pb.PutIdentitySettingsRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        settings: Union[pb.IdentitySettings, Mapping[str, Any], None] = None,
        timeout: Optional[float] = None,
    ) -> pb.PutIdentitySettingsResponse:
        """Method 16 (admin): replaces the store's settings."""
        return cast(pb.PutIdentitySettingsResponse, await self._invoke(_M["PutIdentitySettings"], request, timeout, dict(store_id=store_id, settings=settings)))

    async def resolve_identity(
        self,
        request: Optional[pb.ResolveIdentityRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        identifiers: Optional[Iterable[IdentifierLike]] = None,
        traits: Optional[TraitsLike] = None,
        profile_id: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.ResolveIdentityResponse:
        """Method 20: create, match or merge profiles by identifiers, applying traits.

        With ``profile_id`` the identifiers go to that profile (merging any profile that holds
        one of them as a unique identifier) instead of the one they match."""
        return cast(pb.ResolveIdentityResponse, await self._invoke(
            _M["ResolveIdentity"], request, timeout,
            dict(store_id=store_id, identifiers=identifiers, traits=traits, profile_id=profile_id),
        ))

    async def lookup_profiles(
        self,
        request: Optional[pb.LookupProfilesRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        identifier: Optional[IdentifierLike] = None,
        timeout: Optional[float] = None,
    ) -> pb.LookupProfilesResponse:
        """Method 21."""
        return cast(pb.LookupProfilesResponse, await self._invoke(_M["LookupProfiles"], request, timeout, dict(store_id=store_id, identifier=identifier)))

    async def get_profile(
        self,
        request: Optional[pb.GetProfileRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        profile_id: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.GetProfileResponse:
        """Method 22: a merged-away id is served by the canonical profile."""
        return cast(pb.GetProfileResponse, await self._invoke(_M["GetProfile"], request, timeout, dict(store_id=store_id, profile_id=profile_id)))

    async def update_traits(
        self,
        request: Optional[pb.UpdateTraitsRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        profile_id: Optional[str] = None,
        traits: Optional[TraitsLike] = None,
        timeout: Optional[float] = None,
    ) -> pb.UpdateTraitsResponse:
        """Method 23: a patch; a trait given as None is removed."""
        return cast(pb.UpdateTraitsResponse, await self._invoke(
            _M["UpdateTraits"], request, timeout, dict(store_id=store_id, profile_id=profile_id, traits=traits)
        ))

    async def delete_profile(
        self,
        request: Optional[pb.DeleteProfileRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        profile_id: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.DeleteProfileResponse:
        """Method 24: permanent and complete."""
        return cast(pb.DeleteProfileResponse, await self._invoke(_M["DeleteProfile"], request, timeout, dict(store_id=store_id, profile_id=profile_id)))

    async def observe(
        self,
        request: Optional[pb.ObserveRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        profile_id: Optional[str] = None,
        observations: Optional[Iterable[Union[pb.NewObservation, Mapping[str, Any]]]] = None,
        summaries: Optional[Iterable[Union[pb.NewSummary, Mapping[str, Any]]]] = None,
        communications: Optional[Iterable[Union[pb.Communication, Mapping[str, Any]]]] = None,
        timeout: Optional[float] = None,
    ) -> pb.ObserveResponse:
        """Method 30: observations, summaries and communications, at most 100 items."""
        return cast(pb.ObserveResponse, await self._invoke(
            _M["Observe"],
            request,
            timeout,
            dict(
                store_id=store_id,
                profile_id=profile_id,
                observations=observations,
                summaries=summaries,
                communications=communications,
            ),
        ))

    async def list_observations(
        self,
        request: Optional[pb.ListObservationsRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        profile_id: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
        source: Optional[str] = None,
        conversation_id: Optional[str] = None,
        created_after_us: Optional[int] = None,
        created_before_us: Optional[int] = None,
        occurred_after_us: Optional[int] = None,
        occurred_before_us: Optional[int] = None,
        status: Optional[Union[int, str]] = None,
        timeout: Optional[float] = None,
    ) -> pb.ListObservationsResponse:
        """Method 31: newest first, paged."""
        return cast(pb.ListObservationsResponse, await self._invoke(
            _M["ListObservations"],
            request,
            timeout,
            dict(
                store_id=store_id,
                profile_id=profile_id,
                page_size=page_size,
                page_token=page_token,
                source=source,
                conversation_id=conversation_id,
                created_after_us=created_after_us,
                created_before_us=created_before_us,
                occurred_after_us=occurred_after_us,
                occurred_before_us=occurred_before_us,
                status=status,
            ),
        ))

    async def list_profiles(
        self,
        request: Optional[pb.ListProfilesRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.ListProfilesResponse:
        """Method 25: a store's profiles by id, paged."""
        return cast(pb.ListProfilesResponse, await self._invoke(
            _M["ListProfiles"],
            request,
            timeout,
            dict(store_id=store_id, page_size=page_size, page_token=page_token),
        ))

    async def list_summaries(
        self,
        request: Optional[pb.ListSummariesRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        profile_id: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
        conversation_id: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.ListSummariesResponse:
        """Method 34: a profile's summaries, the most recent conversation first, paged."""
        return cast(pb.ListSummariesResponse, await self._invoke(
            _M["ListSummaries"],
            request,
            timeout,
            dict(
                store_id=store_id,
                profile_id=profile_id,
                page_size=page_size,
                page_token=page_token,
                conversation_id=conversation_id,
            ),
        ))

    async def append_communications(
        self,
        request: Optional[pb.AppendCommunicationsRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        conversation_id: Optional[str] = None,
        profile_id: Optional[str] = None,
        communications: Optional[Sequence[pb.Communication]] = None,
        close: Optional[bool] = None,
        timeout: Optional[float] = None,
    ) -> pb.AppendCommunicationsResponse:
        """Method 35: messages into a conversation; the profile given, known, or resolved from the customer's address."""
        return cast(pb.AppendCommunicationsResponse, await self._invoke(
            _M["AppendCommunications"],
            request,
            timeout,
            dict(
                store_id=store_id,
                conversation_id=conversation_id,
                profile_id=profile_id,
                communications=communications,
                close=close,
            ),
        ))

    async def close_conversation(
        self,
        request: Optional[pb.CloseConversationRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        conversation_id: Optional[str] = None,
        profile_id: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.CloseConversationResponse:
        """Method 36: closes a conversation, which queues its extraction."""
        return cast(pb.CloseConversationResponse, await self._invoke(
            _M["CloseConversation"],
            request,
            timeout,
            dict(store_id=store_id, conversation_id=conversation_id, profile_id=profile_id),
        ))

    async def get_conversation(
        self,
        request: Optional[pb.GetConversationRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        conversation_id: Optional[str] = None,
        profile_id: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.GetConversationResponse:
        """Method 37: a conversation, its state and what its extraction produced."""
        return cast(pb.GetConversationResponse, await self._invoke(
            _M["GetConversation"],
            request,
            timeout,
            dict(store_id=store_id, conversation_id=conversation_id, profile_id=profile_id),
        ))

    async def list_conversations(
        self,
        request: Optional[pb.ListConversationsRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        profile_id: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
        state: Optional[int] = None,
        last_message_after_us: Optional[int] = None,
        last_message_before_us: Optional[int] = None,
        timeout: Optional[float] = None,
    ) -> pb.ListConversationsResponse:
        """Method 38: a profile's or the store's conversations, the latest message first, paged."""
        return cast(pb.ListConversationsResponse, await self._invoke(
            _M["ListConversations"],
            request,
            timeout,
            dict(
                store_id=store_id,
                profile_id=profile_id,
                page_size=page_size,
                page_token=page_token,
                state=state,
                last_message_after_us=last_message_after_us,
                last_message_before_us=last_message_before_us,
            ),
        ))

    async def list_communications(
        self,
        request: Optional[pb.ListCommunicationsRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        profile_id: Optional[str] = None,
        conversation_id: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
        created_after_us: Optional[int] = None,
        created_before_us: Optional[int] = None,
        timeout: Optional[float] = None,
    ) -> pb.ListCommunicationsResponse:
        """Method 39: a profile's or a conversation's messages, newest first, paged."""
        return cast(pb.ListCommunicationsResponse, await self._invoke(
            _M["ListCommunications"],
            request,
            timeout,
            dict(
                store_id=store_id,
                profile_id=profile_id,
                conversation_id=conversation_id,
                page_size=page_size,
                page_token=page_token,
                created_after_us=created_after_us,
                created_before_us=created_before_us,
            ),
        ))

    async def list_observation_revisions(
        self,
        request: Optional[pb.ListObservationRevisionsRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        profile_id: Optional[str] = None,
        observation_id: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.ListObservationRevisionsResponse:
        """Method 32: newest first."""
        return cast(pb.ListObservationRevisionsResponse, await self._invoke(
            _M["ListObservationRevisions"],
            request,
            timeout,
            dict(store_id=store_id, profile_id=profile_id, observation_id=observation_id),
        ))

    async def delete_observation(
        self,
        request: Optional[pb.DeleteObservationRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        profile_id: Optional[str] = None,
        observation_id: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.DeleteObservationResponse:
        """Method 33."""
        return cast(pb.DeleteObservationResponse, await self._invoke(
            _M["DeleteObservation"],
            request,
            timeout,
            dict(store_id=store_id, profile_id=profile_id, observation_id=observation_id),
        ))

    async def recall(
        self,
        request: Optional[pb.RecallRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        profile_id: Optional[str] = None,
        identifier: Optional[IdentifierLike] = None,
        query: Optional[str] = None,
        conversation_id: Optional[str] = None,
        begin_us: Optional[int] = None,
        end_us: Optional[int] = None,
        observations_limit: Optional[int] = None,
        summaries_limit: Optional[int] = None,
        communications_limit: Optional[int] = None,
        relevance_threshold: Optional[float] = None,
        sources: Optional[Sequence[str]] = None,
        include_superseded: Optional[bool] = None,
        explain: Optional[bool] = None,
        query_embedding: Optional[Sequence[float]] = None,
        rank_communications: Optional[bool] = None,
        knowledge_base_ids: Optional[Sequence[str]] = None,
        knowledge_limit: Optional[int] = None,
        timeout: Optional[float] = None,
    ) -> pb.RecallResponse:
        """Method 40: what the memory holds about a profile, ranked for ``query``."""
        return cast(pb.RecallResponse, await self._invoke(
            _M["Recall"],
            request,
            timeout,
            dict(
                store_id=store_id,
                profile_id=profile_id,
                identifier=identifier,
                query=query,
                conversation_id=conversation_id,
                begin_us=begin_us,
                end_us=end_us,
                observations_limit=observations_limit,
                summaries_limit=summaries_limit,
                communications_limit=communications_limit,
                relevance_threshold=relevance_threshold,
                sources=sources,
                include_superseded=include_superseded,
                explain=explain,
                query_embedding=query_embedding,
                rank_communications=rank_communications,
                knowledge_base_ids=knowledge_base_ids,
                knowledge_limit=knowledge_limit,
            ),
        ))

    async def create_knowledge_base(
        self,
        request: Optional[pb.CreateKnowledgeBaseRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        display_name: Optional[str] = None,
        description: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.CreateKnowledgeBaseResponse:
        """Method 50: a knowledge base in a store."""
        return cast(pb.CreateKnowledgeBaseResponse, await self._invoke(
            _M["CreateKnowledgeBase"], request, timeout, dict(store_id=store_id, display_name=display_name, description=description),
        ))

    async def get_knowledge_base(
        self,
        request: Optional[pb.GetKnowledgeBaseRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        knowledge_base_id: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.GetKnowledgeBaseResponse:
        """Method 51."""
        return cast(pb.GetKnowledgeBaseResponse, await self._invoke(
            _M["GetKnowledgeBase"], request, timeout, dict(store_id=store_id, knowledge_base_id=knowledge_base_id),
        ))

    async def list_knowledge_bases(
        self,
        request: Optional[pb.ListKnowledgeBasesRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.ListKnowledgeBasesResponse:
        """Method 52: a store's knowledge bases, by id, paged."""
        return cast(pb.ListKnowledgeBasesResponse, await self._invoke(
            _M["ListKnowledgeBases"], request, timeout, dict(store_id=store_id, page_size=page_size, page_token=page_token),
        ))

    async def update_knowledge_base(
        self,
        request: Optional[pb.UpdateKnowledgeBaseRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        knowledge_base_id: Optional[str] = None,
        display_name: Optional[str] = None,
        description: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.UpdateKnowledgeBaseResponse:
        """Method 53: fields left None are not changed."""
        return cast(pb.UpdateKnowledgeBaseResponse, await self._invoke(
            _M["UpdateKnowledgeBase"], request, timeout, dict(store_id=store_id, knowledge_base_id=knowledge_base_id, display_name=display_name, description=description),
        ))

    async def delete_knowledge_base(
        self,
        request: Optional[pb.DeleteKnowledgeBaseRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        knowledge_base_id: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.DeleteKnowledgeBaseResponse:
        """Method 54: erases the base with its documents and chunks."""
        return cast(pb.DeleteKnowledgeBaseResponse, await self._invoke(
            _M["DeleteKnowledgeBase"], request, timeout, dict(store_id=store_id, knowledge_base_id=knowledge_base_id),
        ))

    async def add_knowledge(
        self,
        request: Optional[pb.AddKnowledgeRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        knowledge_base_id: Optional[str] = None,
        name: Optional[str] = None,
        description: Optional[str] = None,
        metadata: Optional[Iterable[Union[pb.MetadataEntry, Mapping[str, Any]]]] = None,
        source_type: Optional[Union[int, str]] = None,
        source: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.AddKnowledgeResponse:
        """Method 55: cuts ``source`` into chunks and embeds them; answers once it is READY."""
        return cast(pb.AddKnowledgeResponse, await self._invoke(
            _M["AddKnowledge"], request, timeout, dict(store_id=store_id, knowledge_base_id=knowledge_base_id, name=name, description=description, metadata=metadata, source_type=source_type, source=source),
        ))

    async def get_knowledge(
        self,
        request: Optional[pb.GetKnowledgeRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        knowledge_base_id: Optional[str] = None,
        knowledge_id: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.GetKnowledgeResponse:
        """Method 56: PROCESSING with progress while it is being added."""
        return cast(pb.GetKnowledgeResponse, await self._invoke(
            _M["GetKnowledge"], request, timeout, dict(store_id=store_id, knowledge_base_id=knowledge_base_id, knowledge_id=knowledge_id),
        ))

    async def list_knowledge(
        self,
        request: Optional[pb.ListKnowledgeRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        knowledge_base_id: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.ListKnowledgeResponse:
        """Method 57."""
        return cast(pb.ListKnowledgeResponse, await self._invoke(
            _M["ListKnowledge"], request, timeout, dict(store_id=store_id, knowledge_base_id=knowledge_base_id, page_size=page_size, page_token=page_token),
        ))

    async def update_knowledge(
        self,
        request: Optional[pb.UpdateKnowledgeRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        knowledge_base_id: Optional[str] = None,
        knowledge_id: Optional[str] = None,
        name: Optional[str] = None,
        description: Optional[str] = None,
        metadata: Optional[Iterable[Union[pb.MetadataEntry, Mapping[str, Any]]]] = None,
        clear_metadata: Optional[bool] = None,
        source_type: Optional[Union[int, str]] = None,
        source: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.UpdateKnowledgeResponse:
        """Method 58: a new ``source`` is cut and embedded again."""
        return cast(pb.UpdateKnowledgeResponse, await self._invoke(
            _M["UpdateKnowledge"], request, timeout, dict(store_id=store_id, knowledge_base_id=knowledge_base_id, knowledge_id=knowledge_id, name=name, description=description, metadata=metadata, clear_metadata=clear_metadata, source_type=source_type, source=source),
        ))

    async def delete_knowledge(
        self,
        request: Optional[pb.DeleteKnowledgeRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        knowledge_base_id: Optional[str] = None,
        knowledge_id: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.DeleteKnowledgeResponse:
        """Method 59."""
        return cast(pb.DeleteKnowledgeResponse, await self._invoke(
            _M["DeleteKnowledge"], request, timeout, dict(store_id=store_id, knowledge_base_id=knowledge_base_id, knowledge_id=knowledge_id),
        ))

    async def list_chunks(
        self,
        request: Optional[pb.ListChunksRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        knowledge_base_id: Optional[str] = None,
        knowledge_id: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> pb.ListChunksResponse:
        """Method 60: a document's chunks in order, paged."""
        return cast(pb.ListChunksResponse, await self._invoke(
            _M["ListChunks"], request, timeout, dict(store_id=store_id, knowledge_base_id=knowledge_base_id, knowledge_id=knowledge_id, page_size=page_size, page_token=page_token),
        ))

    async def search_knowledge(
        self,
        request: Optional[pb.SearchKnowledgeRequest] = None,
        /,
        *,
        store_id: Optional[str] = None,
        query: Optional[str] = None,
        top: Optional[int] = None,
        knowledge_base_ids: Optional[Sequence[str]] = None,
        knowledge_ids: Optional[Sequence[str]] = None,
        metadata: Optional[Iterable[Union[pb.MetadataEntry, Mapping[str, Any]]]] = None,
        explain: Optional[bool] = None,
        timeout: Optional[float] = None,
    ) -> pb.SearchKnowledgeResponse:
        """Method 61: the chunks that best answer ``query``, best first."""
        return cast(pb.SearchKnowledgeResponse, await self._invoke(
            _M["SearchKnowledge"], request, timeout, dict(store_id=store_id, query=query, top=top, knowledge_base_ids=knowledge_base_ids, knowledge_ids=knowledge_ids, metadata=metadata, explain=explain),
        ))
