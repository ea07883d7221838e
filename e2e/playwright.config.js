// End-to-end tests of the demo apps: release bundles served by a plain static
// server (serve.mjs) on the origins of tests/sites.js, driven in Debian's headless Chromium.
import { defineConfig } from "@playwright/test";
import { SITES } from "./tests/sites.js";

export default defineConfig({
  testDir: "tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      // Root needs --no-sandbox; the rest keep Chromium off the network.
      // Playwright gives every launch a fresh --user-data-dir.
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `node serve.mjs ${SITES.serveArgs.join(" ")}`,
    url: SITES.host.url,
    env: SITES.serveEnv,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    timeout: 30_000,
  },
});
