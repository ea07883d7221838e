#!/usr/bin/env bash
# Builds both apps' static release bundles (trunk build --release):
#   dist/        the host page
#   child/dist/  the child widget
# and the host page without Yew (plain wasm-bindgen on crossframe's core):
#   examples/plain-host/dist/  served under /plain-host/ (EXAMPLE_PUBLIC_URL)
#     on the host's origin by the end-to-end tests, beside the demo host
# and, with the pinned npm tools of tools/package-lock.json (terser, typescript),
# installed first because every trunk release build minifies its wasm-bindgen
# JS with terser (the post_build hook tools/minify-glue.mjs in each Trunk.toml):
#   child/dist/embed.js, embed.mjs  minified from child/embed.js (tools/build-embed.mjs;
#     embed.js at most 4 KB gzipped), with embed.d.ts (generated from the
#     widget's Rust types: child/src/bin/gen_dts.rs) beside them
#   examples/ts-host/dist/  the TypeScript host page, by tsc --strict, with its
#     negative type test (src/types.test.ts)
#
#   CROSSFRAME_CHILD_URL     where the host loads the widget from, if dist/config.json is missing
#   CROSSFRAME_HOST_ORIGINS  which host origins the widget talks to, if child/dist/config.json is missing
#     Unset, a bundle needs its config.json: without one it shows an error and
#     talks to no one (the development defaults are for trunk serve only).
#   PUBLIC_URL / CHILD_PUBLIC_URL  the path each bundle is served under (default /);
#     absolute (/path/ or https://...): each app reads config.json beside its
#     own script, whose URL must not depend on the page's path
#   EXAMPLE_PUBLIC_URL  the path the example is served under (default /plain-host/)
source "$(dirname "$0")/tools.sh"
_steps=4
ensure_rust_tools
cd "$CROSSFRAME_ROOT"

for public_url in "${CHILD_PUBLIC_URL:-/}" "${PUBLIC_URL:-/}"; do
  case "$public_url" in
    /* | http://* | https://*) ;;
    *)
      echo "build.sh: public URL \"$public_url\" is relative: use /path/ or https://host/path/" \
        "(the apps read config.json beside their script, which must not move with the page's path)" >&2
      exit 1
      ;;
  esac
done

# First: every trunk release build minifies its wasm-bindgen JS with them.
ensure_npm_tools
echo "Building the child widget (release, wasm-opt -Oz)..." >&2
(cd child && trunk build --release --public-url "${CHILD_PUBLIC_URL:-/}")
echo "Minifying embed.js, making embed.mjs of it (tools/build-embed.mjs)..." >&2
node tools/build-embed.mjs child/embed.js child/dist
echo "Compiling the TypeScript host, examples/ts-host (tsc --strict)..." >&2
tools/node_modules/.bin/tsc -p examples/ts-host --strict
echo "Building the host page (release, wasm-opt -Oz)..." >&2
trunk build --release --public-url "${PUBLIC_URL:-/}"
echo "Building the host page without Yew, examples/plain-host (release, wasm-opt -Oz)..." >&2
(cd examples/plain-host && trunk build --release --public-url "${EXAMPLE_PUBLIC_URL:-/plain-host/}")

size() { # gzipped bytes of the wasm and js in a dist folder
  cat "$1"/*.wasm "$1"/*.js | gzip -9 | wc -c
}
printf 'Bundles (wasm + js, gzipped): host %d KB, child %d KB, host without Yew %d KB\n' \
  $(($(size dist) / 1024)) $(($(size child/dist) / 1024)) $(($(size examples/plain-host/dist) / 1024)) >&2
