#!/usr/bin/env bash
# Runs the demo: installs what is missing, then serves the host and the child
# widget with `trunk serve` on two origins (two different sites).
#
#   HOST_PORT=8080 CHILD_PORT=8081 ./scripts/run.sh
#
# CROSSFRAME_CHILD_URL (host) and CROSSFRAME_HOST_ORIGINS (child) override the
# URLs the apps are built with; see README.md. The dev builds go to
# target/serve/ (CROSSFRAME_SERVE_DIST), so the release bundles stay as they are.
source "$(dirname "$0")/tools.sh"
_steps=4
ensure_rust_tools
cd "$CROSSFRAME_ROOT"

HOST_PORT=${HOST_PORT:-8080}
CHILD_PORT=${CHILD_PORT:-8081}
HOST_URL="http://127.0.0.1:$HOST_PORT/"
export CROSSFRAME_CHILD_URL=${CROSSFRAME_CHILD_URL:-http://localhost:$CHILD_PORT/}
export CROSSFRAME_HOST_ORIGINS=${CROSSFRAME_HOST_ORIGINS:-http://127.0.0.1:$HOST_PORT}

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

# trunk serve empties and rewrites its dist folder: serve from target/serve/,
# never from dist/ and child/dist/ (the release bundles of scripts/build.sh).
SERVE_DIST=${CROSSFRAME_SERVE_DIST:-$CROSSFRAME_ROOT/target/serve}
mkdir -p "$SERVE_DIST"
echo "Building and serving (the first build compiles Yew for wasm: 2-4 minutes)..." >&2
(cd child && exec trunk serve --port "$CHILD_PORT" --dist "$SERVE_DIST/child") &
pids+=($!)
trunk serve --port "$HOST_PORT" --dist "$SERVE_DIST/host" &
pids+=($!)

wait_for() {
  local url=$1 started=$SECONDS
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    sleep 1
    if [ $((SECONDS - started)) -gt 900 ]; then echo "timed out waiting for $url" >&2; exit 1; fi
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "trunk exited" >&2; exit 1; }; done
  done
}
wait_for "http://127.0.0.1:$CHILD_PORT/"
wait_for "$HOST_URL"
cat <<MSG

  crossframe demo is running (Ctrl-C stops it):
    host   $HOST_URL     <- open this one
    child  $CROSSFRAME_CHILD_URL  (embedded by the host; allowed hosts: $CROSSFRAME_HOST_ORIGINS)

MSG
wait
