"""engram-client: an asyncio client for Engram's binary protocol (Protocol/FRAMING.md).

::

    import engram_client

    async with engram_client.Client("127.0.0.1:7411", api_key="...") as c:
        resp = await c.recall(store_id="st_1", profile_id="pr_7", query="billing", timeout=0.5)

The messages are protobuf classes generated from Protocol/engram.proto (``engram_client.pb``);
see ``generate.py``.
"""

from ._proto import engram_pb2 as pb
from ._connection import Connection, GoAwayInfo
from ._methods import METHODS, MethodInfo
from .client import Client, ClientStats, __version__, parse_address
from .errors import EngramError, StatusCode
from .messages import now_us, python_value, trait_groups, trait_value, traits_to_python

__all__ = [
    "Client",
    "ClientStats",
    "Connection",
    "EngramError",
    "GoAwayInfo",
    "METHODS",
    "MethodInfo",
    "StatusCode",
    "__version__",
    "now_us",
    "parse_address",
    "pb",
    "python_value",
    "trait_groups",
    "trait_value",
    "traits_to_python",
]
