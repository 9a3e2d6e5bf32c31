#!/usr/bin/env bash
# Installs what building and serving the site needs, skipping whatever is already there at
# the right version: the wasm32 target, trunk, wasm-bindgen-cli (the version Cargo.lock pins),
# wasm-split-cli (scripts/wasm-link.sh splits the app's module with it) and wasm-opt (npm's
# binaryen, under .tools/). With `--test` it also installs what the
# browser tests need: Debian's chromium (apt), playwright-core and axe-core (npm, under e2e/).
#
# Source it for the PATH (scripts/serve.sh and scripts/test.sh do), or run it directly.
# Needs only rustup, cargo and, for the npm tools, node/npm (installed with apt when missing).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
# Trunk looks for this exact wasm-opt version on PATH (Trunk.toml [tools] wasm_opt).
# Debian's binaryen (108) produces a module that never renders: do not use it.
BINARYEN_VERSION="132"
# The splitter of the app's module (scripts/wasm-link.sh); its crate goes with the
# wasm_split_macros that Leptos's lazy routes use (Cargo.lock).
WASM_SPLIT_VERSION="0.2.4"

step() { printf '\n==> %s\n' "$*"; }

# Runs apt-get as root directly, otherwise through sudo.
apt_install() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@"
}

# The version of a package recorded in Cargo.lock.
locked_version() {
    awk -v name="$1" '
        $0 == "name = \"" name "\"" { found = 1; next }
        found && /^version = / { gsub(/"/, "", $3); print $3; exit }
    ' "$ROOT/Cargo.lock"
}

# scripts/bin first: its wasm-bindgen wraps the real one for the app's split module.
export PATH="$ROOT/scripts/bin:$HOME/.cargo/bin:$ROOT/.tools/node_modules/.bin:$PATH"
# Trunk would otherwise ask GitHub for its latest release on every run.
export TRUNK_SKIP_VERSION_CHECK=true

setup_build() {
    step "wasm32 target"
    if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        echo "already installed"
    else
        rustup target add wasm32-unknown-unknown
    fi

    step "trunk $TRUNK_VERSION"
    if [ "$(trunk --version 2>/dev/null || true)" = "trunk $TRUNK_VERSION" ]; then
        echo "already installed"
    else
        cargo install --locked "trunk@$TRUNK_VERSION"
    fi

    local bindgen
    bindgen="$(locked_version wasm-bindgen)"
    if [ -z "$bindgen" ]; then
        echo "Cargo.lock names no wasm-bindgen version" >&2
        exit 1
    fi
    step "wasm-bindgen-cli $bindgen (the version in Cargo.lock)"
    if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" = "$bindgen" ]; then
        echo "already installed"
    else
        # Not --locked: the CLI's own lock file pins crates that no longer build on
        # current toolchains for some releases; the version itself is what must match.
        cargo install --force wasm-bindgen-cli --version "$bindgen"
    fi

    step "wasm-split-cli $WASM_SPLIT_VERSION"
    if cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
        echo "already installed"
    else
        cargo install --locked --force wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary
    fi

    ensure_node
    step "wasm-opt (npm binaryen@$BINARYEN_VERSION)"
    # The copy under .tools/ is the one that counts: the build's staging script imports
    # binaryen's JS API from it, so another wasm-opt of the same version on PATH is not enough.
    if "$ROOT/.tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION\b" &&
        [ -f "$ROOT/.tools/node_modules/binaryen/package.json" ]; then
        echo "already installed"
    else
        mkdir -p "$ROOT/.tools"
        npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" "binaryen@$BINARYEN_VERSION"
    fi
}

ensure_node() {
    if command -v node >/dev/null && command -v npm >/dev/null; then
        return
    fi
    step "node and npm (apt)"
    apt_install nodejs npm
}

setup_test() {
    step "chromium (apt)"
    if [ -x /usr/bin/chromium ]; then
        echo "already installed"
    else
        apt_install chromium chromium-driver
    fi

    ensure_node
    step "playwright-core and axe-core (npm, e2e/)"
    if [ -f "$ROOT/e2e/node_modules/playwright-core/package.json" ] &&
        [ -f "$ROOT/e2e/node_modules/axe-core/package.json" ] &&
        [ "$ROOT/e2e/node_modules/.package-lock.json" -nt "$ROOT/e2e/package-lock.json" ]; then
        echo "already installed"
    else
        # The tests drive /usr/bin/chromium: never let npm fetch a browser.
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund --prefix "$ROOT/e2e"
    fi
}

main() {
    setup_build
    if [ "${1:-}" = "--test" ]; then
        setup_test
    fi
}

# When sourced, only the functions and PATH are wanted; the caller runs the steps.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main "$@"
fi
