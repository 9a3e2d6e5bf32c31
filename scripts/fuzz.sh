#!/usr/bin/env bash
# Fuzzes every reader of untrusted text (see `promplay fuzz --help`) with an optimised build
# whose panics unwind (Cargo profile `fuzz`). Arguments go to `promplay fuzz`:
#
#   scripts/fuzz.sh                          10 minutes over all targets
#   scripts/fuzz.sh --seconds 3600 --seed 9  an hour, another sequence of inputs
#   scripts/fuzz.sh --target promql-eval     one target
#
# Findings land in fuzz-findings/<target>/; copy each into tests/fuzz/<target>/ (with a name
# that says what it broke) once fixed: tests/fuzz_regressions.rs replays them all.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

cargo build --profile fuzz --bin promplay
if [ $# -eq 0 ]; then set -- --seconds 600; fi
exec "$ROOT/target/fuzz/promplay" fuzz "$@"
