#!/usr/bin/env bash
# The fuzz smoke run: builds the cargo-fuzz targets of fuzz/ (libFuzzer,
# integer overflow checks on) and runs each for a few seconds over its seed
# corpus. A crash fails the run and leaves the input in fuzz/artifacts/.
# Long runs: see docs/reliability.md.
#
#   bash tests/fuzz_smoke.sh          # FUZZ_SECONDS=N to run longer
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../fuzz"
secs=${FUZZ_SECONDS:-5}
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
# The fuzz crate is outside the workspace, so the workspace's fmt and
# clippy steps do not see it.
cargo fmt -- --check
cargo clippy --all-targets -- -D warnings
# cargo fuzz passes -Z flags to rustc; this machine has the stable toolchain.
export RUSTC_BOOTSTRAP=1
cargo fuzz build --sanitizer none --debug-assertions
for t in $(cargo fuzz list); do
    work=$(mktemp -d)
    # New inputs go to the scratch directory, not the committed seeds.
    status=0
    cargo fuzz run --sanitizer none --debug-assertions "$t" "$work" "corpus/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=4096 -timeout=10 -print_final_stats=1 \
        >"$work.log" 2>&1 || status=$?
    grep -E 'stat::number_of_executed_units|panicked|SUMMARY' -A 3 "$work.log" || true
    rm -rf "$work" "$work.log"
    if [ "$status" -ne 0 ]; then
        echo "fuzz target $t failed; see fuzz/artifacts/$t" >&2
        exit "$status"
    fi
    echo "fuzz target $t: ok"
done
