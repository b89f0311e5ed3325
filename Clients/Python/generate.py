#!/usr/bin/env python3
"""Generates engram_client/_proto/engram_pb2.py (and .pyi) from Protocol/engram.proto.

    /usr/bin/python3 Clients/Python/generate.py [--proto PATH] [--protoc PROTOC] [--check]

Runs ``protoc --python_out --pyi_out`` (Debian: protobuf-compiler) into the package's
``_proto`` folder, which .gitignore keeps out of git, after checking that the protobuf runtime
this Python imports is at least as new as protoc (generated code needs a runtime no older
than its protoc). Standalone on purpose: it must run while the package cannot be imported.
``--check`` only prints the versions and exits non-zero when they do not fit.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROTO = os.path.join(HERE, "..", "..", "Protocol", "engram.proto")
OUT_DIR = os.path.join(HERE, "engram_client", "_proto")


def protoc_release(protoc: str) -> tuple[int, int]:
    """protoc's release as (minor, patch) of protobuf's unified numbering: 'libprotoc 3.21.12'
    is release 21.12 (Python runtime 4.21.12); 'libprotoc 25.1' is 25.1 (Python 4.25.1)."""
    out = subprocess.run([protoc, "--version"], check=True, capture_output=True, text=True).stdout
    m = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", out)
    if not m:
        raise SystemExit(f"generate.py: cannot read protoc's version from {out!r}")
    major, minor, patch = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    return (minor, patch) if major == 3 else (major, minor)


def runtime_release() -> tuple[int, int, str] | None:
    try:
        import google.protobuf
    except ImportError:
        return None
    version = google.protobuf.__version__
    parts = [int(p) for p in re.findall(r"\d+", version)[:3]] + [0, 0]
    # Python runtime 4.21.12 is release 21.12; 3.20.3 is 20.3; 5.26.1 is 26.1.
    return parts[1], parts[2], version


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--proto", default=os.environ.get("ENGRAM_PROTO", DEFAULT_PROTO))
    ap.add_argument("--protoc", default=os.environ.get("PROTOC", "protoc"))
    ap.add_argument("--out", default=OUT_DIR, help=argparse.SUPPRESS)
    ap.add_argument("--check", action="store_true", help="check the versions only")
    args = ap.parse_args()

    protoc = shutil.which(args.protoc)
    if protoc is None:
        print(f"generate.py: {args.protoc} not found; install Debian's protobuf-compiler", file=sys.stderr)
        return 1
    gen = protoc_release(protoc)
    runtime = runtime_release()
    if runtime is None:
        # E.g. pip's isolated build environment: the check happens where it is installed.
        print(f"generate.py: warning: {sys.executable} has no protobuf runtime to check against "
              f"protoc release {gen[0]}.{gen[1]} (Debian: python3-protobuf)", file=sys.stderr)
        if args.check:
            return 1
        run_minor, run_patch, run_version = gen[0], gen[1], "(none)"
    else:
        run_minor, run_patch, run_version = runtime
    print(f"generate.py: protoc release {gen[0]}.{gen[1]} ({protoc}), "
          f"Python protobuf {run_version} ({sys.executable})")
    if (run_minor, run_patch) < gen:
        print(f"generate.py: the protobuf runtime {run_version} is older than protoc's release "
              f"{gen[0]}.{gen[1]}; generated code needs a runtime at least as new. Use the "
              "Python whose protobuf matches protoc (Debian: /usr/bin/python3 with python3-protobuf)",
              file=sys.stderr)
        return 1
    if args.check:
        return 0

    proto = os.path.abspath(args.proto)
    if not os.path.isfile(proto):
        print(f"generate.py: {proto} not found (set --proto or ENGRAM_PROTO)", file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    # Into a temp dir first, then moved: an interrupted run leaves the old files, never half.
    with tempfile.TemporaryDirectory(dir=args.out) as tmp:
        cmd = [protoc, f"-I{os.path.dirname(proto)}", f"--python_out={tmp}", f"--pyi_out={tmp}",
               os.path.basename(proto)]
        result = subprocess.run(cmd)
        if result.returncode != 0:
            print(f"generate.py: {' '.join(cmd)} failed", file=sys.stderr)
            return 1
        stem = os.path.splitext(os.path.basename(proto))[0] + "_pb2"
        for ext in (".py", ".pyi"):
            os.replace(os.path.join(tmp, stem + ext), os.path.join(args.out, "engram_pb2" + ext))
    print(f"generate.py: wrote {os.path.relpath(os.path.join(args.out, 'engram_pb2.py'))} from {proto}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
