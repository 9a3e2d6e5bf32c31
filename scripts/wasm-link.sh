#!/bin/sh
# The linker of every wasm32 build (.cargo/config.toml): Rust's own rust-lld, then, for the
# app's module only, wasm-split. Leptos's lazy routes (src/ui/lazy_pages.rs) mark the labs'
# pages as split points; wasm-split moves their code into chunks, leaves the main module in
# place of the linked one (so Trunk's wasm-bindgen and wasm-opt work on it as before), and
# writes the chunks and their loader, __wasm_split.js, to `wasm-split/` beside the build's
# output. Trunk's post-build hook (scripts/wasm-split-stage.sh) copies them into the site.
#
# wasm-split reads the relocations the linker keeps with --emit-relocs to move code, so the
# app is linked with them; the engine module's builds are linked as rustc asks.
set -eu

sysroot="$(rustc --print sysroot)"
host="$(rustc -vV | sed -n 's/^host: //p')"
lld="$sysroot/lib/rustlib/$host/bin/rust-lld"

out=""
prev=""
for arg in "$@"; do
    [ "$prev" = "-o" ] && out="$arg"
    prev="$arg"
done

flavor=""
[ "${1:-}" = "-flavor" ] || flavor="-flavor wasm"

case "$(basename "$out")" in
    promql_playground-*.wasm) ;;
    *) exec "$lld" $flavor "$@" ;;
esac

# shellcheck disable=SC2086 # $flavor is two words or none.
"$lld" $flavor "$@" --emit-relocs

split_dir="$(dirname "$out")/../wasm-split"
rm -rf "$split_dir"
mkdir -p "$split_dir"
command -v wasm-split-cli >/dev/null || { echo "wasm-link.sh: wasm-split-cli is not installed (run scripts/setup.sh)" >&2; exit 1; }
wasm-split-cli "$out" "$split_dir" --out-name promql-playground
mv "$split_dir/promql-playground.wasm" "$out"
