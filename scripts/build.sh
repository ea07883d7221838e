#!/usr/bin/env bash
# Builds both apps' static release bundles (trunk build --release):
#   dist/        the host page
#   child/dist/  the child widget
#
#   CROSSFRAME_CHILD_URL     where the host loads the widget from (default http://localhost:8081/)
#   CROSSFRAME_HOST_ORIGINS  which host origins the widget talks to (default http://127.0.0.1:8080)
#   PUBLIC_URL / CHILD_PUBLIC_URL  the path each bundle is served under (default /)
source "$(dirname "$0")/tools.sh"
_steps=4
ensure_rust_tools
cd "$CROSSFRAME_ROOT"

echo "Building the child widget (release, wasm-opt -Oz)..." >&2
(cd child && trunk build --release --public-url "${CHILD_PUBLIC_URL:-/}")
echo "Building the host page (release, wasm-opt -Oz)..." >&2
trunk build --release --public-url "${PUBLIC_URL:-/}"

size() { # gzipped bytes of the wasm and js in a dist folder
  cat "$1"/*.wasm "$1"/*.js | gzip -9 | wc -c
}
printf 'Bundles (wasm + js, gzipped): host %d KB, child %d KB\n' \
  $(($(size dist) / 1024)) $(($(size child/dist) / 1024)) >&2
