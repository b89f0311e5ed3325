"""Status codes and the exception every failed call raises."""

from __future__ import annotations

import enum
from typing import Iterable, Optional

__all__ = ["StatusCode", "EngramError"]


class StatusCode(enum.IntEnum):
    """gRPC's status codes, as carried in a RESPONSE frame's ``meta`` and in ``Status.code``.

    A code this client does not know (a newer server's) becomes a pseudo-member named
    ``CODE_<n>`` rather than an error.
    """

    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16

    @classmethod
    def _missing_(cls, value: object) -> Optional["StatusCode"]:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return None
        member = int.__new__(cls, value)
        member._name_ = f"CODE_{value}"
        member._value_ = value
        return member


class EngramError(Exception):
    """A call failed: by the server's answer (``from_server``) or on the client's side.

    Client-side failures use the same codes: a lost or refused connection is UNAVAILABLE, a
    local timeout DEADLINE_EXCEEDED, a request over the server's ``max_frame_bytes``
    RESOURCE_EXHAUSTED (it is not sent), a protocol violation by the server INTERNAL.
    """

    code: StatusCode
    message: str
    field_violations: list[tuple[str, str]]
    from_server: bool
    #: RESOURCE_EXHAUSTED from the key's rate limit: seconds to wait before retrying, else None.
    retry_after: float | None

    def __init__(
        self,
        code: int,
        message: str,
        field_violations: Iterable[tuple[str, str]] = (),
        *,
        from_server: bool = False,
        retry_after: float | None = None,
    ) -> None:
        self.code = StatusCode(code)
        self.message = message
        self.field_violations = list(field_violations)
        self.from_server = from_server
        self.retry_after = retry_after
        super().__init__(str(self))

    @property
    def code_name(self) -> str:
        """The code's name, e.g. ``"NOT_FOUND"``."""
        return self.code.name

    def __str__(self) -> str:
        text = f"{self.code.name}: {self.message}"
        if self.field_violations:
            text += " [" + "; ".join(f"{f}: {d}" for f, d in self.field_violations) + "]"
        return text

    def __repr__(self) -> str:
        return (
            f"EngramError({self.code.name}, {self.message!r}, "
            f"field_violations={self.field_violations!r}, from_server={self.from_server})"
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild,
            (int(self.code), self.message, self.field_violations, self.from_server, self.retry_after),
        )


def _rebuild(
    code: int,
    message: str,
    violations: list[tuple[str, str]],
    from_server: bool,
    retry_after: float | None = None,
) -> EngramError:
    return EngramError(code, message, violations, from_server=from_server, retry_after=retry_after)
