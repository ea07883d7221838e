#!/usr/bin/env bash
# Runs every test: installs what is missing (wasm32 target, trunk,
# wasm-bindgen-cli, wasm-opt, Chromium, Firefox ESR, WebKitGTK's driver, Xvfb,
# geckodriver, nginx, curl, the e2e runner's npm packages), then
#   1. formatting and clippy (native and wasm32); the core builds without Yew;
#      the crate's docs (rustdoc -D warnings, native and wasm32) and package
#      (cargo publish --dry-run)
#   2. native tests: origin policy, envelope codec, admission gate, state machine, doctests, properties;
#      the widget's TypeScript declarations (child/embed.d.ts) regenerated from
#      its Rust types and compared with the committed file (drift fails)
#   3. the hooks and the Link in Chromium, Firefox and WebKit (wasm-bindgen-test)
#   4. release bundles of both apps and of examples/plain-host (trunk build --release);
#      embed.js and embed.mjs minified from child/embed.js; the TypeScript
#      host examples/ts-host compiled by tsc --strict, with its negative type test
#   5. deploy/nginx.conf served over those bundles by nginx on loopback: the
#      headers of every kind of file on both sites (scripts/check-nginx.sh)
#   6. end to end in Chromium, Firefox and WebKit: both apps on two sites plus
#      a third origin (connected, and in plain messaging, ?mode=plain), the
#      host page without Yew, embed.js in a plain page, hostile pages, load, Back/Forward,
#      and the README's run command itself (trunk serve); ends with the
#      engine x test matrix
#   7. the benchmark in quick mode (proves it still runs; no timing is asserted)
#
#   CROSSFRAME_SKIP_LINT=1          skip stage 1 (for quick local runs)
#   E2E_ENGINES=firefox,webkit      run the end-to-end stage in these engines only
source "$(dirname "$0")/tools.sh"
_steps=7
ensure_rust_tools
ensure_browsers
ensure_nginx
cd "$CROSSFRAME_ROOT"

stage() { printf '\n\033[1m==> %s\033[0m (%s)\n' "$*" "$(date +%T)" >&2; }

if [ "${CROSSFRAME_SKIP_LINT:-0}" != 1 ]; then
  stage "1/7 formatting and clippy (native and wasm32), the core without Yew, the crate's docs and package"
  cargo fmt --all -- --check
  cargo clippy --workspace --all-targets --quiet -- -D warnings
  cargo clippy --workspace --all-targets --quiet --target wasm32-unknown-unknown -- -D warnings
  # The TypeScript generator (feature "typescript": crossframe::typescript, gen-dts).
  cargo clippy -p crossframe-demo-child --features typescript --all-targets --quiet -- -D warnings
  # The core without Yew (issue 13): it builds, and Yew is not in its tree
  # nor in that of examples/plain-host (which uses the widget's types too).
  cargo build --quiet -p crossframe --no-default-features --target wasm32-unknown-unknown
  for package in "crossframe --no-default-features" crossframe-example-plain-host; do
    # shellcheck disable=SC2086 # $package is a package and its flags
    if cargo tree -p $package --target wasm32-unknown-unknown -e normal --prefix none | grep -iE '^yew'; then
      echo "test.sh: cargo tree -p $package has Yew in it (above): crossframe's core must need" \
        "web-sys and wasm-bindgen only; put what needs Yew behind a \"yew\" feature" >&2
      exit 1
    fi
  done
  RUSTDOCFLAGS="-D warnings" cargo doc -p crossframe --no-deps --quiet
  RUSTDOCFLAGS="-D warnings" cargo doc -p crossframe --no-deps --quiet --target wasm32-unknown-unknown
  # The crate packages its own copies of the root's license texts.
  for license in LICENSE-MIT LICENSE-APACHE; do
    cmp "$license" "crossframe/$license" || { echo "crossframe/$license differs from $license: copy it again" >&2; exit 1; }
  done
  # What crates.io would get: full metadata, only the files the package
  # lists, and a native build of the unpacked package. --allow-dirty because
  # this checks the package, not a release, and test.sh runs on work in
  # progress too (a clean clone passes either way).
  cargo publish --dry-run -p crossframe --allow-dirty --quiet
fi

stage "2/7 native tests; the widget's TypeScript declarations, regenerated and compared"
cargo test --workspace
# The core's doc examples compile and pass without Yew too.
cargo test -p crossframe --no-default-features --doc
cargo test -p crossframe --features typescript --doc --quiet typescript
# child/embed.d.ts is generated from the widget's Rust types (issue 14): a
# change to them without regenerating it fails here.
cargo run --quiet -p crossframe-demo-child --features typescript --bin gen-dts -- --check

stage "3/7 the hooks and the Link in Chromium, Firefox and WebKit (wasm-bindgen-test)"
(
  cd crossframe
  # The runner's deadline for a whole test binary, browser start included,
  # is 20 s by default: a busy machine can take that just to start Firefox.
  # This one only bounds a hung run (each wait in the tests has its own).
  export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-180}
  browser_tests() { cargo test --target wasm32-unknown-unknown --test hook --test link --test use_connection --test messenger; }
  echo "-- Chromium" >&2
  (unset GECKODRIVER && export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver} && browser_tests)
  echo "-- Firefox" >&2
  (unset CHROMEDRIVER && export GECKODRIVER=${GECKODRIVER:-$(command -v geckodriver)} && browser_tests)
  # WebKit: the runner's Safari mode against WebKitWebDriver, which starts
  # MiniBrowser (under Xvfb: it has no headless mode) with the capability
  # webdriver.json gives it; both only for this run.
  echo "-- WebKit" >&2
  port=${WEBKIT_TEST_PORT:-18099}
  xvfb-run -a /usr/bin/WebKitWebDriver --port="$port" >/dev/null 2>&1 &
  driver=$!
  trap 'pkill -P $driver; kill $driver 2>/dev/null; rm -f webdriver.json' EXIT
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/status" >/dev/null && break; sleep 0.1; done
  echo '{"webkitgtk:browserOptions": {"args": ["--automation"]}}' >webdriver.json
  (unset CHROMEDRIVER GECKODRIVER && export SAFARIDRIVER_REMOTE="http://127.0.0.1:$port" && browser_tests)
)

stage "4/7 release bundles (for the nginx check and the end-to-end origins)"
E2E_HOST_PORT=${E2E_HOST_PORT:-18080}
E2E_CHILD_PORT=${E2E_CHILD_PORT:-18081}
E2E_THIRD_PORT=${E2E_THIRD_PORT:-18082}
export E2E_HOST_PORT E2E_CHILD_PORT E2E_THIRD_PORT
CROSSFRAME_CHILD_URL="http://localhost:$E2E_CHILD_PORT/" \
  CROSSFRAME_HOST_ORIGINS="http://127.0.0.1:$E2E_HOST_PORT" \
  "$CROSSFRAME_ROOT/scripts/build.sh"

stage "5/7 deploy/nginx.conf: nginx serves the release bundles, the headers of each kind of file"
"$CROSSFRAME_ROOT/scripts/check-nginx.sh"

stage "6/7 end to end in ${E2E_ENGINES:-chromium,firefox,webkit} (host 127.0.0.1, child localhost, third origin)"
cd e2e
if [ ! -d node_modules/expect ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing the end-to-end runner's packages from package-lock.json" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
node run.mjs
cd "$CROSSFRAME_ROOT"

stage "7/7 the benchmark, quick mode (a smoke run: the figures are not checked)"
bench/run.sh --quick

stage "done: the end-to-end engine x test matrix"
cat e2e/test-results/matrix.md
