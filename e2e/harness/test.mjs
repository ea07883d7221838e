// `test(name, [options], fn)`: one end-to-end test in the engine this
// process runs (E2E_ENGINE, which e2e/run.mjs sets; the process starts that
// engine's WebDriver server itself).
// Each test gets a fresh browser session; `fn` receives
//   page          the browser's first window (harness/page.mjs)
//   consoleLines  the console of every frame and window of the test's pages
//                 (read with `await consoleLines.read()`)
//   engine        "chromium", "firefox" or "webkit"
//   skipPart(why) says that this engine cannot observe one part of the test
//                 (reported in the matrix); the rest still runs
//   discarding(origin) says that the test is about to remove (or navigate
//                 away) a frame of `origin` that may be running script.
//                 Firefox can stop a discarded frame's script in the middle
//                 of a task (no `finally` runs: seen in 1 to 3 removals in
//                 40 with the machine busy); wasm-bindgen's closure is then
//                 left marked as running, and that dying document's next
//                 callback throws "closure invoked recursively or after being
//                 dropped". In Firefox, that one error from that origin is
//                 not counted as a crash; the matrix says when it happened.
// A test whose driver stops answering (a WebDriver command gets no answer
// within its deadline: webdriver.mjs) runs once more in a new browser, and
// the matrix says so; any other failure is final.
// A test fails if any page logs a panic or an uncaught error. On failure it
// saves a screenshot and the console of every frame under
// test-results/<engine>/, and says where.
//
//   options.timeout   the whole test's deadline (default 120 s)
//   options.skip      { engine: "reason" }: not run in that engine, with the reason
import { appendFileSync, createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { after, test as nodeTest } from "node:test";
import { ENGINES, freePort, startDriver } from "./engines.mjs";
import { expect } from "./expect.mjs";
import { Page } from "./page.mjs";
import { Session, isDriverHung } from "./webdriver.mjs";
import { SITES } from "../tests/sites.js";

export const ENGINE = process.env.E2E_ENGINE ?? "chromium";
const RESULTS = new URL(`../test-results/${ENGINE}/`, import.meta.url);
const CONTROL = SITES.control;

/** The console lines the test server collected (every page it served records its console). */
export class ConsoleLog {
  constructor(since) {
    this.since = since;
  }
  static async start() {
    const { next } = await (await fetch(`${CONTROL}/console?since=-1`)).json();
    return new ConsoleLog(next);
  }
  /** Every line since the test started: "[origin] type: text". */
  async read() {
    const { lines } = await (await fetch(`${CONTROL}/console?since=${this.since}`)).json();
    return lines;
  }
}

/**
 * This process's WebDriver server (one per spec file), started on first use
 * and again if it died (WebKitWebDriver has crashed after a hung session):
 * one crash costs one test, not the rest of the file.
 */
let driver = null;
async function startSession() {
  for (let attempt = 1; ; attempt++) {
    if (!driver) {
      mkdirSync(RESULTS, { recursive: true });
      const log = createWriteStream(new URL("driver.log", RESULTS), { flags: "a" });
      driver = await startDriver(ENGINE, await freePort(), log);
    }
    try {
      return await Session.start(driver.url, ENGINES[ENGINE].capabilities());
    } catch (error) {
      restartDriver();
      if (attempt === 2) throw error;
    }
  }
}
function restartDriver() {
  driver?.stop();
  driver = null;
}
// The driver is a child process: stop it when the file's tests are done, or
// this process would wait for it forever; and leave even if some late
// request of a timed-out test is still pending.
after(() => {
  restartDriver();
  setTimeout(() => process.exit(), 10_000).unref();
});
process.on("exit", restartDriver);

const slug = (name) => name.replace(/[^a-z0-9]+/gi, "-").slice(0, 80).replace(/-$/, "");

async function saveArtifacts(name, browser, consoleLog) {
  mkdirSync(RESULTS, { recursive: true });
  const base = new URL(slug(name), RESULTS).pathname;
  const saved = [];
  try {
    await browser.page.activate();
    writeFileSync(`${base}.png`, Buffer.from(await browser.session.screenshot(), "base64"));
    saved.push(`${base}.png`);
  } catch (error) {
    saved.push(`(no screenshot: ${error.message})`);
  }
  let lines = [];
  try {
    lines = await consoleLog.read();
    writeFileSync(`${base}.console.txt`, lines.join("\n") + "\n");
    saved.push(`${base}.console.txt`);
  } catch {}
  const tail = lines.slice(-30).map((l) => `    ${l.slice(0, 300)}`);
  return `\n  saved: ${saved.join(", ")}\n  console of every frame (last ${tail.length} lines):\n${tail.join("\n")}`;
}

/** The spec file this process runs (node --test runs each file in its own process). */
const SPEC = basename(process.argv[1] ?? "");

export function test(name, options, fn) {
  if (typeof options === "function") [fn, options] = [options, {}];
  mkdirSync(RESULTS, { recursive: true });
  appendFileSync(new URL("files.jsonl", RESULTS), JSON.stringify({ name, file: SPEC }) + "\n");
  const skip = options.skip?.[ENGINE];
  const timeout = options.timeout ?? 120_000;
  const engineName = ENGINES[ENGINE].name;
  /** A line for the matrix beside this test's result (`kind`: "part skipped" or "retried"). */
  const note = (kind, why) => appendFileSync(new URL("notes.jsonl", RESULTS), JSON.stringify({ name, kind, why }) + "\n");
  nodeTest(name, { skip: skip ? `${engineName}: ${skip}` : false, timeout: 2 * timeout + 120_000 }, async (t) => {
    const skipPart = (why) => {
      t.diagnostic(`partly skipped in ${engineName}: ${why}`);
      note("part skipped", `${engineName}: ${why}`);
    };
    try {
      await attempt(name, fn, timeout, skipPart);
    } catch (error) {
      // A driver that stops answering says nothing about crossframe: run the
      // whole test once more in a new browser, and say so in the matrix.
      if (!isDriverHung(error)) throw error;
      const why = `${engineName}'s driver stopped answering (${error.message.split("\n")[0]}); the test ran again from the start`;
      t.diagnostic(`retried: ${why}`);
      note("retried", why);
      await attempt(name, fn, timeout, skipPart);
    }
  });
}

/** One run of a test in a new browser session; a hung driver is restarted. */
async function attempt(name, fn, timeout, skipPart) {
  const consoleLines = await ConsoleLog.start();
  const session = await startSession();
  const browser = { session, current: await session.windowHandle(), atTop: true };
  browser.page = new Page(browser, browser.current);
  let timer;
  let hung = false;
  try {
    const deadline = new Promise((_, fail) => {
      timer = setTimeout(() => fail(new Error(`the test did not finish within ${timeout} ms`)), timeout);
    });
    const discarded = new Set();
    const discarding = (origin) => discarded.add(origin);
    await Promise.race([fn({ page: browser.page, consoleLines, engine: ENGINE, skipPart, discarding }), deadline]);
    const lines = await consoleLines.read();
    const stopped = (line) =>
      ENGINE === "firefox" &&
      line.includes("uncaught: Error: closure invoked recursively or after being dropped") &&
      [...discarded].some((origin) => line.startsWith(`[${origin}/`));
    if (lines.some(stopped)) {
      skipPart(
        "the frame the test removed had its script stopped mid-task by the engine; the error wasm-bindgen then threw in that dying document is not counted",
      );
    }
    const crashes = lines.filter((l) => /panicked|RuntimeError|unreachable|uncaught/i.test(l) && !stopped(l));
    expect(crashes, "no panic or uncaught error in any frame").toEqual([]);
  } catch (error) {
    hung = isDriverHung(error);
    if (!hung) error.message += await saveArtifacts(name, browser, consoleLines);
    throw error;
  } finally {
    clearTimeout(timer);
    if (hung || !(await session.end())) restartDriver();
  }
}
