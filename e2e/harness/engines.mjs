// The three engines the end-to-end suite runs in, all from Debian's packages
// (nothing downloads a browser): how to start each one's WebDriver server,
// and the capabilities of a new session. See ../../shared/browsers.md.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../chromium.js";
import { driverReady } from "./webdriver.mjs";

const TOOLS = process.env.CROSSFRAME_TOOLS ?? join(process.env.HOME ?? "/root", ".cache/crossframe/tools");

/** Where each engine's driver and browser are. */
export const ENGINES = {
  chromium: {
    name: "Chromium",
    driver: () => [process.env.CHROMEDRIVER ?? "/usr/bin/chromedriver", (port) => [`--port=${port}`]],
    capabilities: () => ({
      browserName: "chrome",
      pageLoadStrategy: "eager",
      "goog:chromeOptions": {
        binary: CHROMIUM_PATH,
        args: [...CHROMIUM_ARGS, "--window-size=1280,1000"],
      },
    }),
  },
  firefox: {
    name: "Firefox",
    driver: () => [
      process.env.GECKODRIVER ?? firstExisting([join(TOOLS, "bin/geckodriver"), "/usr/bin/geckodriver"]),
      (port) => ["--port", String(port), "--log", "error"],
    ],
    capabilities: () => ({
      browserName: "firefox",
      pageLoadStrategy: "eager",
      "moz:firefoxOptions": {
        binary: process.env.FIREFOX ?? "/usr/bin/firefox-esr",
        args: ["-headless", "-width=1280", "-height=1000"],
        prefs: {
          // No traffic to the (unreachable) outside world.
          "network.captive-portal-service.enabled": false,
          "network.connectivity-service.enabled": false,
          "browser.safebrowsing.update.enabled": false,
          "dom.disable_open_during_load": false,
        },
      },
    }),
  },
  webkit: {
    name: "WebKit",
    // MiniBrowser needs a display: the driver runs under xvfb-run.
    driver: () => [
      "xvfb-run",
      (port) => ["-a", "-s", "-screen 0 1280x1000x24", process.env.WEBKITWEBDRIVER ?? "/usr/bin/WebKitWebDriver", `--port=${port}`],
    ],
    capabilities: () => ({
      // Not "eager": WebKitWebDriver then sometimes never answers the first
      // command after loading a page that inserts an iframe as it becomes
      // interactive (embed.js does): 3 of 12 tries here. Page.navigation()
      // waits for the new document itself.
      pageLoadStrategy: "none",
      "webkitgtk:browserOptions": {
        args: ["--automation", "--javascript-can-open-windows-automatically=true"],
      },
    }),
  },
};

function firstExisting(paths) {
  return paths.find((p) => existsSync(p)) ?? paths[0];
}

/** The engines to run: E2E_ENGINES (comma-separated), default all three. */
export function selectedEngines() {
  const names = (process.env.E2E_ENGINES ?? "chromium,firefox,webkit").split(",").map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!ENGINES[name]) throw new Error(`unknown engine ${name}: choose from ${Object.keys(ENGINES).join(", ")}`);
  }
  return names;
}

/**
 * Starts `engine`'s WebDriver server on `port`; resolves to `{ url, stop }`
 * once it answers /status. Its output goes to `log` (a writable stream).
 */
/** A free TCP port on loopback (for a WebDriver server). */
export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

export async function startDriver(engine, port, log) {
  const [command, args] = ENGINES[engine].driver();
  const child = spawn(command, args(port), { stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let exited = null;
  child.on("exit", (code, signal) => (exited = `${command} exited (${code ?? signal})`));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await driverReady(url))) {
    if (exited) throw new Error(exited);
    if (Date.now() > deadline) throw new Error(`${command} did not answer on ${url} within 60 s`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
  return {
    url,
    stop() {
      try {
        process.kill(-child.pid, "SIGTERM"); // the whole group: xvfb-run, Xvfb, the driver, its browsers
      } catch {}
    },
  };
}
