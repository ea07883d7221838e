#!/usr/bin/env bash
# Serves the release bundles (dist/, child/dist/) with deploy/nginx.conf itself
# and checks the response headers of every kind of file on both sites with
# real requests: the page, config.json, embed.js, hashed .js/.wasm/.css, a
# missing file. nginx (Debian's) runs as this user on loopback, in a temporary
# directory, and is stopped on exit. The example is changed only where it
# must be: "listen 80;" becomes one loopback port, and the /srv/crossframe/
# roots become copies of the bundles (each with a config.json, as a
# deployment has). Both sites are reached on that one port by their Host header.
# Exits non-zero, naming each wrong header, if any header is not exactly as
# expected.
#
#   CROSSFRAME_NGINX_CONF  the configuration to check (default deploy/nginx.conf)
#   NGINX_CHECK_PORT       the loopback port (default 18070)
#   NGINX                  the nginx binary (default /usr/sbin/nginx)
source "$(dirname "$0")/tools.sh"
_steps=1
ensure_nginx

conf=${CROSSFRAME_NGINX_CONF:-$CROSSFRAME_ROOT/deploy/nginx.conf}
port=${NGINX_CHECK_PORT:-18070}
nginx=${NGINX:-/usr/sbin/nginx}
base="http://127.0.0.1:$port"

fail() {
  printf 'check-nginx: %s\n' "$*" >&2
  exit 1
}

for bundle in dist child/dist; do
  [ -f "$CROSSFRAME_ROOT/$bundle/index.html" ] ||
    fail "no release bundle in $bundle/: run scripts/build.sh first"
done
[ -f "$conf" ] || fail "no configuration at $conf"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/crossframe-nginx.XXXXXX")
nginx_pid=
stop() {
  if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill "$nginx_pid" # SIGTERM: the master stops its worker, then itself
    wait "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap stop EXIT
trap 'exit 130' INT TERM

# The bundles as deployed: a copy of each, with a config.json beside index.html.
mkdir -p "$tmp/srv/child"
cp -R "$CROSSFRAME_ROOT/dist" "$tmp/srv/dist"
cp -R "$CROSSFRAME_ROOT/child/dist" "$tmp/srv/child/dist"
printf '{"allowedHosts": ["https://shop.example", "https://*.partner.example"]}\n' >"$tmp/srv/child/dist/config.json"
printf '{"childUrl": "https://widget.example/"}\n' >"$tmp/srv/dist/config.json"

# The example, on loopback and over the copies.
servers=$(grep -c '^[[:space:]]*server[[:space:]]*{' "$conf" || true)
listens=$(grep -c '^[[:space:]]*listen 80;' "$conf" || true)
[ "$servers" -ge 2 ] && [ "$listens" -eq "$servers" ] ||
  fail "$conf: expected each of its server blocks (found $servers) to have one 'listen 80;' (found $listens)"
sed -e "s|^\([[:space:]]*\)listen 80;|\1listen 127.0.0.1:$port;|" \
  -e "s|/srv/crossframe/|$tmp/srv/|g" "$conf" >"$tmp/site.conf"
! grep -q '/srv/crossframe' "$tmp/site.conf" || fail "$conf: a /srv/crossframe path was not rewritten"

# What Debian's /etc/nginx/nginx.conf gives an included site, minus the rest.
user_line=
[ "$(id -u)" -ne 0 ] || user_line="user root;" # else the worker runs as nobody
mime_types=/etc/nginx/mime.types
[ -f "$mime_types" ] || fail "no $mime_types (Debian's nginx-common installs it)"
cat >"$tmp/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log warn;
events { worker_connections 64; }
http {
    include $mime_types;
    default_type application/octet-stream;
    access_log $tmp/access.log;
    client_body_temp_path $tmp/client_body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    include $tmp/site.conf;
}
EOF

if curl -s -o /dev/null --max-time 2 "$base/"; then
  fail "port $port already answers: stop what listens there or set NGINX_CHECK_PORT"
fi
"$nginx" -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" -g 'daemon off;' &
nginx_pid=$!
deadline=$((SECONDS + 15))
until curl -s -o /dev/null --max-time 2 "$base/"; do
  if ! kill -0 "$nginx_pid" 2>/dev/null; then
    cat "$tmp/error.log" >&2 || true
    fail "nginx did not start with $conf (its error log is above)"
  fi
  [ "$SECONDS" -lt "$deadline" ] || fail "nginx did not answer on $base within 15 s"
  sleep 0.1
done
echo "$("$nginx" -v 2>&1) serves $(basename "$conf") on $base (sites by Host header)"

# One file of each hashed kind from a bundle (trunk names them <name>-<16 hex><suffix>).
hashed() { # bundle-dir suffix [name-prefix]
  local f stem
  for f in "$1/${3:-}"*"$2"; do
    stem=$(basename "$f")
    stem=${stem%"$2"}
    if [[ $stem =~ -[0-9a-f]{8,16}$ ]]; then
      printf '/%s' "$(basename "$f")"
      return
    fi
  done
  fail "no hashed *$2 file in $1"
}

header() { # name: every value of that header in $tmp/headers, ", "-joined, or "-" if absent
  tr -d '\r' <"$tmp/headers" | awk -v n="$1" '
    { i = index($0, ":")
      if (i > 1 && tolower(substr($0, 1, i - 1)) == tolower(n)) {
        v = substr($0, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
        out = out (c++ ? ", " : "") v } }
    END { print (c ? out : "-") }'
}

failures=0
checked=0
# Set per site by site(): the headers every response of that site must carry.
site_host= site_csp= site_xfo=
site() { # host csp x-frame-options
  site_host=$1 site_csp=$2 site_xfo=$3
  printf '\n%s: every response below must have\n' "$site_host"
  printf '    Content-Security-Policy: %s\n    X-Frame-Options: %s\n' "$site_csp" "${site_xfo/#-/(none)}"
  printf '    X-Content-Type-Options: nosniff\n    Referrer-Policy: strict-origin-when-cross-origin\n'
  printf '  %-4s %-50s %-6s %-24s %-37s %s\n' "" path status Content-Type Cache-Control Cross-Origin-Resource-Policy
}
# Requests path from the current site and compares status and headers exactly
# ("-": the header must be absent).
check() { # path status content-type cache-control corp [access-control-allow-origin]
  local path=$1 want_status=$2 status got want name problems=()
  status=$(curl -sS --max-time 10 -o /dev/null -D "$tmp/headers" -w '%{http_code}' \
    -H "Host: $site_host" "$base$path") || fail "no answer for $site_host$path"
  [ "$status" = "$want_status" ] || problems+=("status: got $status, want $want_status")
  local -a names=(Content-Type Cache-Control Cross-Origin-Resource-Policy Content-Security-Policy
    X-Frame-Options X-Content-Type-Options Referrer-Policy Access-Control-Allow-Origin)
  local -a wants=("$3" "$4" "$5" "$site_csp" "$site_xfo" nosniff strict-origin-when-cross-origin "${6:--}")
  local i
  for i in "${!names[@]}"; do
    name=${names[$i]} want=${wants[$i]}
    got=$(header "$name")
    [ "$got" = "$want" ] || problems+=("$name: got '$got', want '$want'")
  done
  checked=$((checked + 1))
  local mark=ok
  [ ${#problems[@]} -eq 0 ] || mark=FAIL failures=$((failures + ${#problems[@]}))
  printf '  %-4s %-50s %-6s %-24s %-37s %s\n' "$mark" "$path" "$status" "$(header Content-Type)" \
    "$(header Cache-Control)" "$(header Cross-Origin-Resource-Policy)"
  for got in "${problems[@]}"; do printf '         %s\n' "$got"; done
}

immutable="public, max-age=31536000, immutable"
js=application/javascript
# set -e stops here if a bundle lacks a hashed file of some kind
widget_js=$(hashed "$tmp/srv/child/dist" .js)
widget_wasm=$(hashed "$tmp/srv/child/dist" _bg.wasm)
widget_css=$(hashed "$tmp/srv/child/dist" .css)
host_js=$(hashed "$tmp/srv/dist" .js crossframe-demo-host)
host_wasm=$(hashed "$tmp/srv/dist" _bg.wasm crossframe-demo-host)
host_css=$(hashed "$tmp/srv/dist" .css)

site widget.example "frame-ancestors https://shop.example https://*.partner.example" -
check / 200 text/html no-cache -
check /index.html 200 text/html no-cache -
check /config.json 200 application/json no-cache -
check /embed.js 200 $js no-cache cross-origin
check /embed.mjs 200 text/javascript no-cache cross-origin "*"
check "$widget_js" 200 $js "$immutable" -
check "$widget_wasm" 200 application/wasm "$immutable" -
check "$widget_css" 200 text/css "$immutable" -
check /missing-0123456789abcdef.js 404 text/html - -

site shop.example "frame-ancestors 'self'" SAMEORIGIN
check / 200 text/html no-cache -
check /index.html 200 text/html no-cache -
check /config.json 200 application/json no-cache -
check "$host_js" 200 $js "$immutable" -
check "$host_wasm" 200 application/wasm "$immutable" -
check "$host_css" 200 text/css "$immutable" -
check /missing-0123456789abcdef.js 404 text/html - -

echo
if [ "$failures" -ne 0 ]; then
  fail "$failures wrong header(s) in $checked responses: $conf does not send what README.md (Static release bundles) and SECURITY.md promise"
fi
echo "check-nginx: all headers right in $checked responses ($conf)"
