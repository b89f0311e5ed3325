"""The message classes, generated from Protocol/engram.proto by ``generate.py``.

The generated module is not committed. Importing this package without it raises an
ImportError that says how to generate it.
"""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec(__name__ + ".engram_pb2") is None:
    raise ImportError(
        "engram_client: the protobuf code for Protocol/engram.proto has not been generated "
        "(engram_client/_proto/engram_pb2.py is missing). Generate it with protoc (Debian "
        "package protobuf-compiler): `/usr/bin/python3 Clients/Python/generate.py` from the "
        "repository, or install the package with pip, which generates it while building."
    )

from . import engram_pb2  # noqa: E402

__all__ = ["engram_pb2"]
