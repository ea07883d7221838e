// End-to-end tests of the demo apps: release bundles served by a plain static
// server (serve.mjs) on the origins of tests/sites.js, driven in Debian's headless Chromium.
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./chromium.js";
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
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
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
