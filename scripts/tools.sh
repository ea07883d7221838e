# shellcheck shell=bash
# Installs (only when missing) and puts on PATH every tool crossframe needs.
# Sourced by scripts/run.sh, scripts/test.sh and scripts/build.sh; each step
# says what it does and how far along it is, because a first run on a fresh
# 2-core machine spends about 15 minutes here (trunk alone is ~9 minutes of
# compiling; see README.md for the whole table).
#
#   CROSSFRAME_TOOLS   where tools are installed (default: ~/.cache/crossframe/tools)

set -euo pipefail

CROSSFRAME_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CROSSFRAME_TOOLS=${CROSSFRAME_TOOLS:-$HOME/.cache/crossframe/tools}
TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132
GECKODRIVER_VERSION=0.37.1
export PATH="$CROSSFRAME_TOOLS/bin:$CROSSFRAME_TOOLS/binaryen/node_modules/.bin:$HOME/.cargo/bin:$PATH"

_step=0
_steps=5
step() {
  _step=$((_step + 1))
  printf '\033[1m[tools %d/%d]\033[0m %s\n' "$_step" "$_steps" "$*" >&2
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Runs a long command, printing a heartbeat every 30 s so it never looks hung.
with_heartbeat() {
  local label=$1
  shift
  local started=$SECONDS
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    local waited=$((SECONDS - started))
    if kill -0 "$pid" 2>/dev/null && [ $((waited % 30)) -lt 5 ] && [ "$waited" -ge 30 ]; then
      printf '        ... still %s (%d s so far)\n' "$label" "$waited" >&2
    fi
  done
  wait "$pid"
}

wasm_bindgen_version() {
  # The version Cargo.lock pins; wasm-bindgen-cli must match it exactly. The
  # crate asks only for a caret requirement (wasm-bindgen = "0.2.x" in
  # Cargo.toml), so the lockfile, not the manifest, is where the one version
  # the CLI must equal is written.
  local versions
  versions=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print }' \
    "$CROSSFRAME_ROOT/Cargo.lock")
  if [ "$(printf '%s\n' "$versions" | grep -c .)" -ne 1 ]; then
    echo "Cargo.lock should hold exactly one wasm-bindgen version, not: ${versions:-none}" >&2
    return 1
  fi
  printf '%s\n' "$versions"
}

ensure_rust_tools() {
  mkdir -p "$CROSSFRAME_TOOLS"
  step "wasm32 target"
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    echo "        present" >&2
  else
    rustup target add wasm32-unknown-unknown
  fi

  step "trunk $TRUNK_VERSION"
  if trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
    echo "        present: $(command -v trunk)" >&2
  else
    # trunk's own release profile (fat LTO, one codegen unit) takes ~13 min
    # on 2 cores, 6 of them linking on one core; without LTO it is the same
    # trunk in ~6-9 min (a 39 MB binary instead of 32 MB).
    echo "        compiling from crates.io without LTO (6-9 minutes on 2 cores)" >&2
    with_heartbeat "compiling trunk" env CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install --quiet --locked "trunk@$TRUNK_VERSION" --root "$CROSSFRAME_TOOLS"
  fi

  local wb
  wb=$(wasm_bindgen_version)
  step "wasm-bindgen-cli $wb (the version in Cargo.lock)"
  if wasm-bindgen --version 2>/dev/null | grep -q " $wb\$"; then
    echo "        present: $(command -v wasm-bindgen)" >&2
  else
    # Not --locked: one of its locked dependencies is no longer on crates.io.
    echo "        compiling from crates.io (about 3 minutes)" >&2
    with_heartbeat "compiling wasm-bindgen-cli" \
      cargo install --quiet --force "wasm-bindgen-cli@$wb" --root "$CROSSFRAME_TOOLS"
  fi

  step "wasm-opt (binaryen $BINARYEN_VERSION from npm; Debian's 108 rejects today's wasm)"
  if wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
    echo "        present: $(command -v wasm-opt)" >&2
  else
    mkdir -p "$CROSSFRAME_TOOLS/binaryen"
    npm install --silent --no-audit --no-fund --prefix "$CROSSFRAME_TOOLS/binaryen" \
      "binaryen@$BINARYEN_VERSION" >&2
  fi
}

# The pinned npm build tools of tools/package-lock.json (terser, typescript):
# embed.js's minifier, the TypeScript host's compiler, and the post_build hook
# of every trunk release build that minifies the wasm-bindgen JS
# (tools/minify-glue.mjs). Installed when missing or older than the lockfile.
ensure_npm_tools() {
  if [ ! -d "$CROSSFRAME_ROOT/tools/node_modules/terser" ] ||
    [ "$CROSSFRAME_ROOT/tools/package-lock.json" -nt "$CROSSFRAME_ROOT/tools/node_modules/.package-lock.json" ]; then
    echo "installing the build tools' npm packages from tools/package-lock.json" >&2
    (cd "$CROSSFRAME_ROOT/tools" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# The three engines of the end-to-end suite, from Debian's packages (nothing
# downloads a browser): Chromium + chromedriver, Firefox ESR (+ geckodriver,
# compiled from crates.io), WebKitGTK's WebKitWebDriver + MiniBrowser (run
# under Xvfb).
ensure_browsers() {
  step "browsers: chromium, firefox-esr, webkit2gtk-driver, xvfb (Debian packages)"
  local wanted=(chromium chromium-driver firefox-esr webkit2gtk-driver xvfb) missing=() pkg
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "        present: $(/usr/bin/chromium --version 2>/dev/null | head -1); $(/usr/bin/firefox-esr --version 2>/dev/null); WebKitWebDriver" >&2
  else
    echo "        apt-get update, then installing ${missing[*]} (2-4 minutes)" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >&2
  fi

  step "geckodriver $GECKODRIVER_VERSION (Firefox's WebDriver server, from crates.io)"
  if geckodriver --version 2>/dev/null | grep -q "^geckodriver $GECKODRIVER_VERSION"; then
    echo "        present: $(command -v geckodriver)" >&2
  else
    echo "        compiling from crates.io (about 3 minutes)" >&2
    with_heartbeat "compiling geckodriver" \
      cargo install --quiet --locked "geckodriver@$GECKODRIVER_VERSION" --root "$CROSSFRAME_TOOLS"
  fi
}

# nginx, for scripts/check-nginx.sh: it serves the release bundles with
# deploy/nginx.conf and checks the headers with curl (Debian packages).
ensure_nginx() {
  step "nginx and curl (Debian packages: scripts/check-nginx.sh serves the bundles with deploy/nginx.conf)"
  local missing=()
  [ -x "${NGINX:-/usr/sbin/nginx}" ] || missing+=(nginx)
  command -v curl >/dev/null || missing+=(curl)
  if [ ${#missing[@]} -eq 0 ]; then
    echo "        present: $("${NGINX:-/usr/sbin/nginx}" -v 2>&1); $(curl --version | head -1 | cut -d' ' -f1-2)" >&2
  else
    echo "        apt-get update, then installing ${missing[*]} (under a minute)" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >&2
  fi
}
