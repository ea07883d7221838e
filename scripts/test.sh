#!/usr/bin/env bash
# Runs every test: installs what is missing (wasm32 target, trunk, wasm-bindgen-cli,
# wasm-opt, Chromium + chromedriver, Playwright), then
#   1. formatting and clippy (native and wasm32)
#   2. native tests: origin policy, envelope codec, admission gate, doctests
#   3. the hook in headless Chromium (wasm-bindgen-test)
#   4. release bundles of both apps (trunk build --release)
#   5. end to end: both apps on two sites plus a third origin, in headless Chromium
#   6. the benchmark in quick mode (proves it still runs; no timing is asserted)
#
#   CROSSFRAME_SKIP_LINT=1   skip stage 1 (for quick local runs)
source "$(dirname "$0")/tools.sh"
_steps=6
ensure_rust_tools
ensure_browser
cd "$CROSSFRAME_ROOT"

stage() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }

if [ "${CROSSFRAME_SKIP_LINT:-0}" != 1 ]; then
  stage "1/6 formatting and clippy (native and wasm32)"
  cargo fmt --all -- --check
  cargo clippy --workspace --all-targets --quiet -- -D warnings
  cargo clippy --workspace --all-targets --quiet --target wasm32-unknown-unknown -- -D warnings
fi

stage "2/6 native tests"
cargo test --workspace

stage "3/6 the hook in headless Chromium (wasm-bindgen-test)"
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
(cd crossframe && cargo test --target wasm32-unknown-unknown --test hook)

stage "4/6 release bundles for the end-to-end origins"
E2E_HOST_PORT=${E2E_HOST_PORT:-18080}
E2E_CHILD_PORT=${E2E_CHILD_PORT:-18081}
E2E_THIRD_PORT=${E2E_THIRD_PORT:-18082}
export E2E_HOST_PORT E2E_CHILD_PORT E2E_THIRD_PORT
CROSSFRAME_CHILD_URL="http://localhost:$E2E_CHILD_PORT/" \
  CROSSFRAME_HOST_ORIGINS="http://127.0.0.1:$E2E_HOST_PORT" \
  "$CROSSFRAME_ROOT/scripts/build.sh"

stage "5/6 end to end in headless Chromium (host 127.0.0.1, child localhost, third origin)"
cd e2e
if [ ! -d node_modules/@playwright/test ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing Playwright (the test runner only; it drives Debian's Chromium)" >&2
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi
npx playwright test
cd "$CROSSFRAME_ROOT"

stage "6/6 the benchmark, quick mode (a smoke run: the figures are not checked)"
bench/run.sh --quick
