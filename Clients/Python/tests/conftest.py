"""Fixtures: a real engramd on a free loopback port with a temp data dir, and helpers."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import AsyncIterator, Callable, Iterator

import pytest

PKG = Path(__file__).resolve().parent.parent  # Clients/Python
ROOT = PKG.parent.parent
sys.path.insert(0, str(PKG))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import engram_client  # noqa: E402

ENGRAMD = os.path.abspath(os.environ.get("ENGRAMD", str(ROOT / ".build" / "debug" / "engramd")))
ADMIN_KEY = "py-admin-" + secrets.token_hex(8)
READ_ONLY_KEY = "py-read-" + secrets.token_hex(8)
# A key with a rate limit of two calls, then one a minute.
LIMITED_KEY = "py-limited-" + secrets.token_hex(8)
# A read-only key must be scoped to stores; ids are the server's, so this one never exists.
READ_ONLY_STORE = "st_py_read_only_scope"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class EngramServer:
    """One engramd process, restartable on the same port and data directory."""

    def __init__(self, workdir: Path, *extra: str) -> None:
        self.workdir = workdir
        self.data_dir = workdir / "data"
        self.extra = list(extra)
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / "engramd.log"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, port: int | None = None) -> "EngramServer":
        attempts = 1 if port else 3
        for _ in range(attempts):
            self.port = port or free_port()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    [ENGRAMD, "--host", "127.0.0.1", "--port", str(self.port), "--dev-key", ADMIN_KEY,
                     "--data-dir", str(self.data_dir), "--log-level", "warning", "--snapshot-interval", "0",
                     *self.extra],
                    cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
                )
            if self._wait_up(15.0):
                return self
            self.stop(signal.SIGKILL)
        raise RuntimeError(f"engramd did not start; its log:\n{self.log_path.read_text(errors='replace')}")

    def _wait_up(self, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            assert self.proc is not None
            if self.proc.poll() is not None:
                return False
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int | None:
        """Signals the server (SIGTERM: a graceful drain with GOAWAY) and waits for it."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return proc.returncode if proc else None
        proc.send_signal(sig)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()

    def restart(self) -> None:
        self.stop()
        self.start(self.port)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


@pytest.fixture(scope="session")
def engramd_binary() -> str:
    if not (os.path.isfile(ENGRAMD) and os.access(ENGRAMD, os.X_OK)):
        pytest.exit(f"engramd not found at {ENGRAMD}: build it or set ENGRAMD", returncode=2)
    return ENGRAMD


@pytest.fixture(scope="session")
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="engram-py-test."))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def server(engramd_binary: str, workdir: Path) -> Iterator[EngramServer]:
    """The shared server: an admin --dev-key, plus a read-only key (scoped to a store that
    does not exist) in a keys file."""
    keys = workdir / "keys"
    digest = subprocess.run([engramd_binary, "hash-key", READ_ONLY_KEY], check=True, capture_output=True, text=True)
    limited = subprocess.run([engramd_binary, "hash-key", LIMITED_KEY], check=True, capture_output=True, text=True)
    keys.write_text(
        f"{digest.stdout.strip()} role=read-only stores={READ_ONLY_STORE} name=py-read-only\n"
        f"{limited.stdout.strip()} role=read-only stores={READ_ONLY_STORE} name=py-limited rate=1/min burst=2\n"
    )
    (workdir / "shared").mkdir()
    srv = EngramServer(workdir / "shared", "--keys-file", str(keys)).start()
    yield srv
    srv.stop()


@pytest.fixture
def make_server(engramd_binary: str, workdir: Path) -> Iterator[Callable[..., EngramServer]]:
    """A factory of servers of the test's own (flags as arguments), stopped afterwards."""
    servers: list[EngramServer] = []

    def make(*extra: str) -> EngramServer:
        d = Path(tempfile.mkdtemp(prefix="srv.", dir=workdir))
        srv = EngramServer(d, *extra).start()
        servers.append(srv)
        return srv

    yield make
    for srv in servers:
        srv.stop(signal.SIGKILL)
        shutil.rmtree(srv.workdir, ignore_errors=True)


def unique(prefix: str) -> str:
    return f"{prefix}-{time.time_ns()}-{secrets.token_hex(3)}"


@pytest.fixture
async def client(server: EngramServer) -> AsyncIterator[engram_client.Client]:
    async with engram_client.Client(server.address, api_key=ADMIN_KEY) as c:
        yield c


@pytest.fixture
async def store(client: engram_client.Client) -> str:
    return str((await client.create_store(display_name=unique("py"))).store.id)
