// How every browser test and the benchmark start Debian's Chromium, as root:
// --no-sandbox (root), and the rest keep it off the network (this machine has
// none). Playwright gives every launch a fresh --user-data-dir.
export const CHROMIUM_PATH = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
