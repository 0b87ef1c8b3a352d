#!/usr/bin/env bash
# The test command: installs what the tests need when it is missing, then
# runs formatting, lint and every test of the workspace.
#
#   bash tests/run.sh
#
# Works on a fresh Debian/Ubuntu machine with Rust installed (root or sudo).
# The end-to-end tests (tests/e2e) start their own ferrodis and redis-server
# processes on free loopback ports, so no Redis service needs to be running.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '\n==> %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

# redis-server (the reference for differential tests) and redis-cli.
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    say "installing redis-server and redis-tools (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update
    $SUDO apt-get install -y redis-server redis-tools
    # The package may start a system service on 6379; the tests do not need it.
    if command -v systemctl >/dev/null 2>&1; then
        $SUDO systemctl stop redis-server >/dev/null 2>&1 || true
    fi
    if command -v service >/dev/null 2>&1; then
        $SUDO service redis-server stop >/dev/null 2>&1 || true
    fi
fi
say "redis-server: $(redis-server --version)"

# python3 and redis-py (client compatibility tests).
if ! command -v python3 >/dev/null 2>&1; then
    say "installing python3 (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update
    $SUDO apt-get install -y python3 python3-pip
fi
if ! python3 -c 'import redis' >/dev/null 2>&1; then
    say "installing redis-py (pip)"
    if ! python3 -m pip --version >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        $SUDO apt-get update
        $SUDO apt-get install -y python3-pip
    fi
    python3 -m pip install redis || python3 -m pip install --break-system-packages redis
fi
say "redis-py: $(python3 -c 'import redis; print(redis.__version__)')"

say "cargo fmt --all -- --check"
cargo fmt --all -- --check

say "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

say "cargo test --workspace"
cargo test --workspace

say "fuzz smoke run (cargo fuzz, a few seconds per target)"
bash tests/fuzz_smoke.sh

say "all checks passed"
