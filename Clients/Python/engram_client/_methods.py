"""The method table of Protocol/FRAMING.md: id, name, request and response message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ._proto import engram_pb2 as pb

__all__ = ["MethodInfo", "METHODS", "BY_ID", "BY_NAME"]


@dataclass(frozen=True)
class MethodInfo:
    id: int
    name: str
    request: Any  # a generated message class
    response: Any


def _m(id: int, name: str) -> MethodInfo:
    return MethodInfo(id, name, getattr(pb, name + "Request"), getattr(pb, name + "Response"))


METHODS: tuple[MethodInfo, ...] = (
    _m(1, "Hello"),
    _m(2, "Ping"),
    _m(3, "ServerInfo"),
    _m(4, "Snapshot"),
    _m(10, "CreateStore"),
    _m(11, "GetStore"),
    _m(12, "ListStores"),
    _m(13, "UpdateStore"),
    _m(14, "DeleteStore"),
    _m(15, "GetIdentitySettings"),
    _m(16, "PutIdentitySettings"),
    _m(20, "ResolveIdentity"),
    _m(21, "LookupProfiles"),
    _m(22, "GetProfile"),
    _m(23, "UpdateTraits"),
    _m(24, "DeleteProfile"),
    _m(25, "ListProfiles"),
    _m(30, "Observe"),
    _m(31, "ListObservations"),
    _m(32, "ListObservationRevisions"),
    _m(33, "DeleteObservation"),
    _m(34, "ListSummaries"),
    _m(35, "AppendCommunications"),
    _m(36, "CloseConversation"),
    _m(37, "GetConversation"),
    _m(38, "ListConversations"),
    _m(39, "ListCommunications"),
    _m(40, "Recall"),
    _m(50, "CreateKnowledgeBase"),
    _m(51, "GetKnowledgeBase"),
    _m(52, "ListKnowledgeBases"),
    _m(53, "UpdateKnowledgeBase"),
    _m(54, "DeleteKnowledgeBase"),
    _m(55, "AddKnowledge"),
    _m(56, "GetKnowledge"),
    _m(57, "ListKnowledge"),
    _m(58, "UpdateKnowledge"),
    _m(59, "DeleteKnowledge"),
    _m(60, "ListChunks"),
    _m(61, "SearchKnowledge"),
)

BY_ID: Mapping[int, MethodInfo] = {m.id: m for m in METHODS}
BY_NAME: Mapping[str, MethodInfo] = {m.name: m for m in METHODS}
