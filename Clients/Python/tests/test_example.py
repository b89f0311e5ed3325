"""examples/agent_memory.py runs against the server and remembers across turns."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ADMIN_KEY, PKG, EngramServer


def test_agent_memory_example(server: EngramServer) -> None:
    env = dict(os.environ, ENGRAM_ADDRESS=server.address, ENGRAM_API_KEY=ADMIN_KEY, PYTHONPATH=str(PKG))
    env.pop("ENGRAM_STORE_ID", None)
    result = subprocess.run(
        [sys.executable, str(PKG / "examples" / "agent_memory.py")], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 6 and lines[0].startswith("customer: ")
    assert "I remember: nothing yet" in lines[1]
    # The last turn recalls what was observed in the first one, ranked first for "invoice".
    assert "I remember: My March invoice charged me twice" in lines[5]
