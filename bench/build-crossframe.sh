#!/usr/bin/env bash
# Builds the benchmark's crossframe pages (release, wasm-opt -Oz) into
# target/bench-pages/<variant>/<host|child>/, served by run.mjs under
# /<variant>/. Both crossframe variants are the same two apps; the host page
# picks messages or calls from its path. wasm-port is two other bins of the
# same crate (a bare MessagePort from Rust, no crossframe, no Yew), built from
# port-host/ and port-child/.
source "$(dirname "$0")/../scripts/tools.sh"
_steps=4
ensure_rust_tools
ensure_npm_tools # the post_build hook that minifies the wasm-bindgen JS
out="$CROSSFRAME_ROOT/target/bench-pages"
cd "$CROSSFRAME_ROOT/bench/crossframe"
for variant in crossframe-message crossframe-call; do
  for side in host child; do
    echo "building the bench's $variant $side page" >&2
    trunk build --release --quiet "$side/index.html" \
      --dist "$out/$variant/$side" --public-url "/$variant/$side/"
  done
done
for side in host child; do
  echo "building the bench's wasm-port $side page" >&2
  trunk build --release --quiet "port-$side/index.html" \
    --dist "$out/wasm-port/$side" --public-url "/wasm-port/$side/"
done
