#!/usr/bin/env bash
# Generates the message code from Protocol/engram.proto, then runs the Python client's tests
# (tests/, pytest) against a real engramd that the tests start on free loopback ports with
# temp data directories, and stop. Exits non-zero on any failure. Works from any directory.
#
#   Clients/Python/run-tests.sh [pytest arguments]
#
# Environment:
#   ENGRAMD=path   the server binary (default: .build/debug/engramd; never built here)
#   PYTHON=path    the interpreter (default: /usr/bin/python3, Debian's, with python3-protobuf,
#                  python3-pytest and python3-pytest-asyncio)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"

ENGRAMD="${ENGRAMD:-$root/.build/debug/engramd}"
case "$ENGRAMD" in /*) ;; *) ENGRAMD="$PWD/$ENGRAMD" ;; esac  # the tests run engramd elsewhere
export ENGRAMD
if [ ! -x "$ENGRAMD" ] || [ -d "$ENGRAMD" ]; then
    echo "FAIL: engramd not found at $ENGRAMD: build it (swift build --product engramd) or set ENGRAMD"
    exit 1
fi
for module in google.protobuf pytest pytest_asyncio; do
    if ! "$python" -c "import $module" 2>/dev/null; then
        echo "FAIL: $python cannot import $module (Debian: apt-get install python3-protobuf python3-pytest python3-pytest-asyncio)"
        exit 1
    fi
done

echo "== Python client: generate the message code"
"$python" "$here/generate.py" || { echo "FAIL: generate.py"; exit 1; }

if "$python" -c "import mypy" 2>/dev/null; then
    echo "== Python client: mypy --strict"
    (cd "$here" && "$python" -m mypy) || { echo "FAIL: mypy"; exit 1; }
else
    echo "== Python client: mypy not installed (Debian: python3-mypy); type check not run"
fi

echo "== Python client: pytest against $ENGRAMD"
cd "$here" && "$python" -m pytest -p no:cacheprovider "$@"
rc=$?
if [ "$rc" -eq 0 ]; then echo "== Python client: all passed"; else echo "FAIL: pytest (exit $rc)"; fi
exit "$rc"
