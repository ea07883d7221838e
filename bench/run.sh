#!/usr/bin/env bash
# Runs the benchmark (see README.md): installs bench/node_modules from the
# lock file when missing or stale (Playwright drives Debian's Chromium and
# downloads no browser; Firefox ESR is driven through geckodriver, with the
# end-to-end tests' WebDriver client), then `node run.mjs "$@"`.
#
#   bench/run.sh            full run, writes bench/results/
#   bench/run.sh --quick    smoke run, writes bench/results/raw/quick/
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/@playwright/test ] || [ ! -d node_modules/penpal ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing the benchmark's packages (Playwright test runner, penpal) from package-lock.json" >&2
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi
# crossframe's own pages: Yew apps, built with trunk (tools installed if missing).
./build-crossframe.sh
# A full run also measures the apps' bundles and crossframe's share of a
# widget (results/size.md, which the report includes; release builds of
# seven small apps, a few minutes the first time).
case " $* " in
  *" --quick "*) ;;
  *) ./size.sh ;;
esac
exec node run.mjs "$@"
