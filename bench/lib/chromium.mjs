// Chromium for the benchmark: Debian's /usr/bin/chromium driven by Playwright
// (over CDP), as the end-to-end tests start it. See firefox.mjs for the other
// engine; both hand run.mjs the same small interface:
//
//   engine = await launchChromium()      // or launchFirefox(); throws if it cannot start
//   engine.info                          // { label, version, driver, args } for the report
//   page = await engine.openPage()       // a fresh browser context with one page
//   await page.goto(url, ms)             // loaded, and `window.bench.connect` defined
//   await page.evaluate(fn, arg)         // fn(arg) in the host page, awaited
//   await page.findChild(origin)         // after connect(): the child frame, for:
//   await page.evaluateInChild(fn, arg)  // fn(arg) in the child, awaited
//   page.heap                            // { collectGarbage(), usedSize() } or null (not measurable)
//   page.childProcess                    // "own", "shared with host", or null (not measurable)
//   page.errors                          // uncaught errors and console errors seen so far
//   await page.close(); await engine.close()
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../e2e/chromium.js"; // as the end-to-end tests

const BENCH = new URL("..", import.meta.url).pathname;

/** Why Chromium cannot run here (not installed), or null. */
export function chromiumMissing() {
  return existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} not found (Debian package chromium; or set CHROMIUM)`;
}

export async function launchChromium() {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
  const playwright = JSON.parse(readFileSync(join(BENCH, "node_modules/@playwright/test/package.json"), "utf8")).version;
  return {
    info: { label: "Chromium", version: browser.version(), driver: `Playwright ${playwright}`, args: CHROMIUM_ARGS },
    playwright,
    openPage: () => openPage(browser),
    close: () => browser.close(),
  };
}

async function openPage(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  let frame = null;
  const self = {
    errors,
    heap: null,
    childProcess: null,
    async goto(url, ms) {
      await page.goto(url, { waitUntil: "load", timeout: ms });
      await page.waitForFunction(() => typeof window.bench?.connect === "function", null, { timeout: ms });
    },
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    async findChild(origin) {
      frame = page.frames().find((f) => f !== page.mainFrame() && f.url().startsWith(origin)) ?? null;
      if (!frame) throw new Error("the child frame is not there after connect");
      // A frame with its own CDP session is an out-of-process iframe. The
      // heap is read through the child's session, so it is the child's
      // renderer's (same-site: shared with the host).
      let cdp;
      try {
        cdp = await context.newCDPSession(frame);
        self.childProcess = "own";
      } catch {
        cdp = await context.newCDPSession(page);
        self.childProcess = "shared with host";
      }
      self.heap = {
        collectGarbage: () => cdp.send("HeapProfiler.collectGarbage"),
        usedSize: async () => (await cdp.send("Runtime.getHeapUsage")).usedSize,
      };
    },
    evaluateInChild: (fn, arg) => frame.evaluate(fn, arg),
    close: () => context.close(),
  };
  return self;
}
