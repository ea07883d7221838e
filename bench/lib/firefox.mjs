// Firefox for the benchmark: Debian's firefox-esr, headless, driven over
// classic WebDriver through geckodriver, exactly as the end-to-end tests start
// it (e2e/harness/engines.mjs: driver, capabilities and prefs;
// e2e/harness/webdriver.mjs: the client). Playwright drives only its own
// patched Firefox build, which cannot be fetched here
// (shared/browsers.md). The interface is chromium.mjs's.
//
// What WebDriver cannot tell, and the report gives as n/a: the child's heap
// (no CDP: there is no heap-usage command) and whether the child has a
// process of its own (Firefox with Fission gives a cross-site iframe its own
// content process, but nothing here can confirm it).
//
// Each page opens in a new tab of one session, closed afterwards; the HTTP
// cache is off so every tab loads the pages afresh, as Chromium's fresh
// browser contexts do (the server sends no-cache anyway).
import { execFileSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { ENGINES, freePort, startDriver } from "../../e2e/harness/engines.mjs";
import { Session } from "../../e2e/harness/webdriver.mjs";

/** Where geckodriver is: GECKODRIVER, the project's tools, /usr/bin, or PATH. */
function geckodriverPath() {
  const [command] = ENGINES.firefox.driver();
  if (existsSync(command)) return command;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "geckodriver"))) return join(dir, "geckodriver");
  }
  return null;
}

const firefoxPath = () => ENGINES.firefox.capabilities()["moz:firefoxOptions"].binary;

/** Why Firefox cannot run here (not installed), or null. */
export function firefoxMissing() {
  const missing = [];
  if (!existsSync(firefoxPath())) missing.push(`${firefoxPath()} not found (Debian package firefox-esr; or set FIREFOX)`);
  if (!geckodriverPath()) missing.push("geckodriver not found (scripts/tools.sh installs it; or set GECKODRIVER)");
  return missing.length ? missing.join("; ") : null;
}

/** The e2e capabilities, plus the HTTP cache off (see the top of this file). */
function capabilities() {
  const caps = ENGINES.firefox.capabilities();
  Object.assign(caps["moz:firefoxOptions"].prefs, {
    "browser.cache.disk.enable": false,
    "browser.cache.memory.enable": false,
  });
  return caps;
}

/** Rejects after ms; the WebDriver request itself has its own, longer limit. */
function within(promise, ms, what) {
  let timer;
  const guard = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Starts geckodriver and one Firefox session; `logDir` gets geckodriver.log. */
export async function launchFirefox(logDir) {
  const geckodriver = geckodriverPath();
  process.env.GECKODRIVER = geckodriver; // what startDriver() runs
  const version = execFileSync(geckodriver, ["--version"], { encoding: "utf8", timeout: 10_000 }).split("\n")[0];
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, "geckodriver.log"), { flags: "a" });
  const caps = capabilities();

  let driver = null;
  let session = null;
  let home = null; // the first tab, kept open so the session outlives each page's tab
  async function start() {
    try {
      driver = await startDriver("firefox", await freePort(), log);
      session = await within(Session.start(driver.url, caps), 60_000, "starting Firefox");
      home = await session.windowHandle();
    } catch (error) {
      await stop();
      throw error;
    }
  }
  async function stop({ graceful = true } = {}) {
    if (session && graceful) await within(session.end(), 15_000, "ending the Firefox session").catch(() => {});
    driver?.stop(); // the process group: geckodriver and its Firefox
    session = driver = null;
  }
  /**
   * A page whose command overran its deadline leaves the session busy (the
   * session would end only after that command): stop the processes, start afresh.
   */
  async function restart() {
    await stop({ graceful: false });
    await start();
  }
  // geckodriver and Firefox run in their own process group: stop them even
  // when this process leaves early (the run's watchdog, Ctrl-C).
  process.on("exit", () => driver?.stop());
  await start();
  const { browserVersion } = session.capabilities;
  return {
    info: {
      label: "Firefox ESR",
      version: browserVersion,
      driver: version, // "geckodriver 0.37.1"
      args: caps["moz:firefoxOptions"].args,
      prefs: caps["moz:firefoxOptions"].prefs,
    },
    async openPage() {
      if (!session) await start();
      const { handle } = await session.cmd("POST", "/window/new", { type: "tab" });
      await session.switchToWindow(handle);
      return openPage(session, { home, restart });
    },
    close: stop,
  };
}

/**
 * Collects what Playwright's pageerror and console events give in Chromium:
 * installed once the page has loaded, so it misses errors before that (a
 * page that fails that early fails its next step anyway).
 */
function collectErrors() {
  if (window.__benchErrors) return;
  const errors = (window.__benchErrors = []);
  addEventListener("error", (e) => errors.push(`pageerror: ${e.message}`));
  addEventListener("unhandledrejection", (e) => errors.push(`pageerror: unhandled rejection: ${e.reason?.message ?? e.reason}`));
  const consoleError = console.error;
  console.error = (...parts) => {
    errors.push(`console: ${parts.map(String).join(" ")}`);
    consoleError.apply(console, parts);
  };
}

function openPage(session, { home, restart }) {
  let childFrame = null; // the iframe element, to switch into
  let pending = 0; // commands not yet answered: a timed-out one keeps the session busy
  const track = async (promise) => {
    pending++;
    try {
      return await promise;
    } finally {
      pending--;
    }
  };
  const inChild = async (fn, arg) => {
    await session.switchToFrame(childFrame);
    try {
      return await session.execute(fn, arg);
    } finally {
      await session.switchToFrame(null);
    }
  };
  const self = {
    errors: [],
    heap: null,
    childProcess: null,
    async goto(url, ms) {
      await track(session.navigate(url));
      // Waits in the page, as Playwright's waitForFunction does: for the load
      // event and `window.bench`, or rejects at the deadline.
      await track(
        session.execute((ms) => {
          const end = performance.now() + ms;
          return new Promise((ok, fail) => {
            (function check() {
              if (document.readyState === "complete" && typeof window.bench?.connect === "function") ok();
              else if (performance.now() > end) fail(new Error(`window.bench.connect not defined within ${ms} ms`));
              else setTimeout(check, 10);
            })();
          });
        }, ms),
      );
      await track(session.execute(collectErrors));
    },
    evaluate: (fn, arg) => track(session.execute(fn, arg ?? null)),
    async findChild(origin) {
      childFrame = await track(session.find(`iframe[src^="${origin}/"]`));
      if (!childFrame) throw new Error("the child frame is not there after connect");
      await track(inChild(collectErrors));
    },
    evaluateInChild: (fn, arg) => track(inChild(fn, arg ?? null)),
    async close() {
      if (pending) {
        // A command that overran run.mjs's deadline is still running in the
        // page, and geckodriver answers one command at a time.
        await restart();
        return;
      }
      try {
        for (const read of [() => session.execute(() => window.__benchErrors ?? []), childFrame && (() => inChild(() => window.__benchErrors ?? []))]) {
          if (read) self.errors.push(...(await within(read(), 10_000, "reading the page's errors").catch(() => [])));
        }
        await within(session.closeWindow(), 10_000, "closing the tab");
        await within(session.switchToWindow(home), 10_000, "back to the first tab");
      } catch {
        await restart();
      }
    },
  };
  return self;
}
