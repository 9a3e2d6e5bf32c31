#!/usr/bin/env bash
# Sets up everything the tests need, then runs every check, in order:
#
#   scripts/test.sh            all steps
#   scripts/test.sh STEP...    only the named steps (e.g. `scripts/test.sh fmt clippy`)
#
# Adding a check: write a `step_NAME` function below and append NAME to STEPS. Each step runs
# from the repository root with the tools on PATH; a failing command fails the run.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh"

STEPS=(setup fmt clippy clippy_wasm differential promtool_backfill alertmanager_differential alerting_differential unit fuzz site e2e)

# Installs the build and browser-test tools (skips what is already there).
step_setup() {
    setup_build
    setup_test
}

step_fmt() {
    cargo fmt --all -- --check
}

# Native code: the engine, content, rules, CLI and tests.
step_clippy() {
    cargo clippy --all-targets -- -D warnings
}

# The web app's components only compile for wasm32.
step_clippy_wasm() {
    cargo clippy --target wasm32-unknown-unknown --lib --bins -- -D warnings
    # The engine module is built without the app's UI crates (index.html), in three builds:
    # the playground's with neither feature, the exercises' with `lessons`, the labs' with `labs`.
    cargo clippy --target wasm32-unknown-unknown --lib --bin promql-engine-play --no-default-features -- -D warnings
    cargo clippy --target wasm32-unknown-unknown --lib --bin promql-engine --no-default-features --features lessons -- -D warnings
    cargo clippy --target wasm32-unknown-unknown --lib --bin promql-engine-labs --no-default-features --features labs -- -D warnings
}

# Differential test against a real Prometheus (Debian's 2.42, with promtool): installs it when
# missing, then compares promplay with it on the same data (see docs/differential.md) and
# promplay fmt with its /api/v1/format_query (docs/format.md). Runs
# before `unit` because `cargo test` includes this test and needs prometheus on PATH.
step_differential() {
    if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
        apt-get update && apt-get install -y prometheus
    fi
    cargo test --test differential -- --nocapture
    cargo test --test format_differential -- --nocapture
    # Relabeling: generated configs through `promtool check service-discovery` (tests/relabel_differential.rs).
    cargo test --test relabel_differential -- --nocapture
}

# The default dataset exported as OpenMetrics must backfill with the real promtool
# (`promtool tsdb create-blocks-from openmetrics`, Debian's prometheus package): installs it
# when missing. Runs before `unit`, whose `cargo test` includes this test.
step_promtool_backfill() {
    if ! command -v promtool >/dev/null 2>&1; then
        apt-get update && apt-get install -y prometheus
    fi
    cargo test --test datasets_promtool
    # The high-cardinality dataset's TSDB status against `promtool tsdb analyze` of its backfill.
    cargo test --test cardinality_promtool -- --nocapture
}

# Differential tests against the real Alertmanager 0.25 (Debian's prometheus-alertmanager, with
# amtool): installs it when missing, then compares `promplay am` with amtool on generated label
# sets and the simulation with a live Alertmanager's webhook notifications (about 30 s). Runs
# before `unit`, whose `cargo test` includes these tests.
step_alertmanager_differential() {
    if ! command -v amtool >/dev/null 2>&1 || ! command -v prometheus-alertmanager >/dev/null 2>&1; then
        apt-get update && apt-get install -y prometheus-alertmanager
    fi
    cargo test --test alertmanager_differential -- --nocapture
}

# Alerting rules against the real promtool (Debian's 2.42): promplay's alert timelines over
# the default dataset, written as a promtool unit-test file, must pass `promtool test rules`
# (see docs/alerting-lab.md). Installs promtool when missing; runs before `unit` for the
# same reason as the steps above.
step_alerting_differential() {
    if ! command -v promtool >/dev/null 2>&1; then
        apt-get update && apt-get install -y prometheus
    fi
    cargo test --test alerting_differential -- --nocapture
}

# Every other native test: unit tests, the promqltest corpus, CLI golden tests, doc tests.
# The tests against the real Prometheus/promtool and Alertmanager ran in their own steps above.
step_unit() {
    # tests/templates_amtool.rs renders notification templates with the real amtool.
    if ! command -v amtool >/dev/null 2>&1; then
        apt-get update && apt-get install -y prometheus-alertmanager
    fi
    cargo test -- --skip agrees_with_prometheus --skip promtool_backfills_the_default_dataset \
        --skip agrees_with_promtool_tsdb_analyze --skip real_amtool_ --skip real_alertmanager_ \
        --skip promtool_passes_our_alert_expectations
    # The smaller builds of the engine module (index.html): their hosts' own tests, and that
    # each refuses the messages of a larger build.
    cargo test --lib --no-default-features host::
    cargo test --lib --no-default-features --features lessons host::
}

# A short fuzzing pass (about 90 s) over every reader of untrusted text with the debug
# promplay `unit` built (overflow checks on, panics unwind): a panic, or an input slower than
# 10 s unoptimised, fails the step and is saved under test-artefacts/fuzz-findings/.
# `scripts/fuzz.sh` runs the long, optimised campaign on demand.
step_fuzz() {
    cargo build --bin promplay
    "$ROOT/target/debug/promplay" fuzz --seconds 90 --slow-ms 10000 --out "$ROOT/test-artefacts/fuzz-findings"
}

# The release build of the site, as deployed (dist/).
step_site() {
    trunk build --release
    report_sizes
}

# Browser tests: headless Chromium against dist/ served on 127.0.0.1, plus a second build
# served under a sub-path the way GitHub Pages serves it (screenshots and timings go to
# test-artefacts/).
step_e2e() {
    mkdir -p "$ROOT/test-artefacts"
    # Remote mode (e2e/tests/remote.test.mjs) backfills a real Prometheus from `promplay export`.
    if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
        apt-get update && apt-get install -y prometheus
    fi
    cargo build --bin promplay
    trunk build --release --public-url /promql-playground/ --dist "$ROOT/test-artefacts/dist-subpath"
    node --test --test-concurrency=1 --test-reporter=spec "$ROOT/e2e/tests/"
}

# Prints the sizes of what the start page downloads (the app's main module: html, css, js,
# wasm), of the app's pages loaded on demand (src/ui/lazy_pages.rs) and of the engine module
# loaded when a page first needs it, raw and gzipped (gzip -9, as served).
report_sizes() {
    local f raw gz first_raw=0 first_gz=0 play_raw=0 play_gz=0 engine_raw=0 engine_gz=0 labs_raw=0 labs_gz=0 pages_raw=0 pages_gz=0
    echo "dist/ sizes (raw / gzip -9):"
    for f in dist/*.wasm dist/*.js dist/snippets/*/*.js dist/*.css dist/index.html; do
        [ -f "$f" ] || continue
        raw=$(stat -c %s "$f")
        gz=$(gzip -9 -c "$f" | wc -c)
        case "$f" in
            dist/promql-engine-labs*) labs_raw=$((labs_raw + raw)); labs_gz=$((labs_gz + gz)) ;;
            dist/promql-engine-play*) play_raw=$((play_raw + raw)); play_gz=$((play_gz + gz)) ;;
            dist/promql-engine*) engine_raw=$((engine_raw + raw)); engine_gz=$((engine_gz + gz)) ;;
            dist/split_* | dist/chunk_*) pages_raw=$((pages_raw + raw)); pages_gz=$((pages_gz + gz)) ;;
            *) first_raw=$((first_raw + raw)); first_gz=$((first_gz + gz)) ;;
        esac
        printf '  %-60s %9d B %9d B\n' "$f" "$raw" "$gz"
    done
    printf '  %-60s %9d B %9d B\n' "start page (the app)" "$first_raw" "$first_gz"
    printf '  %-60s %9d B %9d B\n' "the app's pages (playground and labs groups, on first need)" "$pages_raw" "$pages_gz"
    printf '  %-60s %9d B %9d B\n' "engine module (playground, on first need)" "$play_raw" "$play_gz"
    printf '  %-60s %9d B %9d B\n' "engine module (exercises, on first need)" "$engine_raw" "$engine_gz"
    printf '  %-60s %9d B %9d B\n' "engine module (labs, on first need)" "$labs_raw" "$labs_gz"
    mkdir -p "$ROOT/test-artefacts"
    printf '{"first_page": {"raw": %d, "gzip": %d}, "pages_on_demand": {"raw": %d, "gzip": %d}, "playground_engine_module": {"raw": %d, "gzip": %d}, "engine_module": {"raw": %d, "gzip": %d}, "labs_engine_module": {"raw": %d, "gzip": %d}}\n' \
        "$first_raw" "$first_gz" "$pages_raw" "$pages_gz" "$play_raw" "$play_gz" "$engine_raw" "$engine_gz" "$labs_raw" "$labs_gz" > "$ROOT/test-artefacts/sizes.json"
}

main() {
    local steps=("$@") started name
    if [ ${#steps[@]} -eq 0 ]; then steps=("${STEPS[@]}"); fi
    for name in "${steps[@]}"; do
        if ! declare -F "step_$name" >/dev/null; then
            echo "unknown step: $name (steps: ${STEPS[*]})" >&2
            exit 2
        fi
    done
    for name in "${steps[@]}"; do
        started=$SECONDS
        printf '\n======== %s ========\n' "$name"
        "step_$name"
        printf -- '-------- %s passed (%ss; %s free on disk)\n' "$name" "$((SECONDS - started))" \
            "$(df -h --output=avail . | tail -1 | tr -d ' ')"
    done
    printf '\nAll steps passed: %s\n' "${steps[*]}"
}

main "$@"
