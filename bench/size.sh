#!/usr/bin/env bash
# Bundle sizes (bench/README.md, "Bundle size"): builds, release with trunk
# and wasm-opt -Oz as the apps ship,
#   the probes of bench/size/  target/size/{without,with,json,bare}/
#     two minimal Yew widgets identical but for crossframe's use_connection,
#     and two that tell the layers apart (serde_json alone; no Yew)
#   the three apps             target/size/{demo-child,demo-host,plain-host}/
# then writes bench/results/size.json and size.md (node bench/size.mjs):
# raw and gzip -9 of each app's JS and wasm, crossframe's share (with −
# without) against its target of 15 KB, the demo widget against 110 KB.
#
#   bench/size.sh            build everything, then report
#   bench/size.sh --dists    measure the apps' own dist/ folders (after
#                            scripts/build.sh) instead of building them again
#   SIZE_OUT=DIR             where size.json and size.md go (default bench/results)
#
# The first build of each app is a release build with LTO (minutes on 2
# cores); after that only what changed is rebuilt.
source "$(dirname "$0")/../scripts/tools.sh"
_steps=4
ensure_rust_tools
ensure_npm_tools # the post_build hook that minifies the wasm-bindgen JS
cd "$CROSSFRAME_ROOT"
out="$CROSSFRAME_ROOT/target/size"

dists=false
case "${1:-}" in
  --dists) dists=true ;;
  "") ;;
  *) echo "usage: bench/size.sh [--dists]" >&2; exit 2 ;;
esac

for probe in without with json bare; do
  echo "building the size probe $probe (bench/size/$probe/index.html)" >&2
  (cd bench/size && trunk build --release --quiet "$probe/index.html" --dist "$out/$probe" --public-url /)
done
if $dists; then
  apps=(demo-child=child/dist demo-host=dist plain-host=examples/plain-host/dist)
else
  echo "building the demo widget (child/)" >&2
  (cd child && trunk build --release --quiet --dist "$out/demo-child" --public-url /)
  echo "building the demo host page" >&2
  trunk build --release --quiet --dist "$out/demo-host" --public-url /
  echo "building the host page without Yew (examples/plain-host)" >&2
  (cd examples/plain-host && trunk build --release --quiet --dist "$out/plain-host" --public-url /plain-host/)
  apps=(demo-child="$out/demo-child" demo-host="$out/demo-host" plain-host="$out/plain-host")
fi
node bench/size.mjs --out "${SIZE_OUT:-bench/results}" \
  without="$out/without" with="$out/with" json="$out/json" bare="$out/bare" "${apps[@]}"
