#!/usr/bin/env bash
# Installs what the site needs (skipping what is already there), then serves it with live
# reload at http://127.0.0.1:8080/. Extra arguments go to `trunk serve` (e.g. --port 9000).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh"

setup_build
exec trunk serve "$@"
