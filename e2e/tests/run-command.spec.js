// The README's run command, as a new user runs it: `./scripts/run.sh` builds
// both apps with `trunk serve` (development builds, on two sites) and the
// demo works in the browser with the defaults: Hello, the answer, typing
// both ways, calls. The first build compiles Yew for wasm: a few minutes.
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, statSync } from "node:fs";
import { after, before } from "node:test";
import { SITES } from "./sites.js";
import { ENGINE, expect, test } from "./helpers.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const { host, child } = SITES.run;
const CONNECTED = `connected to ${child.origin}`;
/** The release bundles the other tests serve: the run command must leave them alone. */
const RELEASE_BUNDLES = [`${ROOT}dist/index.html`, `${ROOT}child/dist/index.html`];
const mtimes = () => RELEASE_BUNDLES.map((file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? null);

let run = null;
let output = "";
let bundlesBefore;

before(async () => {
  bundlesBefore = mtimes();
  mkdirSync(new URL(`../test-results/${ENGINE}/`, import.meta.url), { recursive: true });
  const log = createWriteStream(new URL(`../test-results/${ENGINE}/run-command.log`, import.meta.url));
  const env = { ...process.env, HOST_PORT: String(new URL(host.url).port), CHILD_PORT: String(new URL(child.url).port) };
  delete env.CROSSFRAME_CHILD_URL;
  delete env.CROSSFRAME_HOST_ORIGINS;
  run = spawn(`${ROOT}scripts/run.sh`, [], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [run.stdout, run.stderr]) {
    stream.on("data", (chunk) => {
      output += chunk;
      log.write(chunk);
    });
  }
  // It says so once both apps are built and served (the first build takes minutes).
  const deadline = Date.now() + 20 * 60_000;
  while (!output.includes("crossframe demo is running")) {
    if (run.exitCode !== null) throw new Error(`scripts/run.sh exited (${run.exitCode}):\n${output.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`scripts/run.sh did not serve the demo within 20 minutes:\n${output.slice(-3000)}`);
    await new Promise((ok) => setTimeout(ok, 500));
  }
}, { timeout: 21 * 60_000 });

after(() => {
  if (run && run.exitCode === null) {
    try {
      process.kill(-run.pid, "SIGTERM"); // run.sh and both trunk servers
    } catch {}
  }
});

test("./scripts/run.sh serves the working demo: Hello, the answer, typing both ways, calls", async ({ page }) => {
  // A missing config.json is a 404 (not the app's index.html), so the defaults apply.
  expect((await fetch(`${host.url}config.json`)).status).toBe(404);
  expect((await fetch(`${child.url}config.json`)).status).toBe(404);

  await page.goto(host.url);
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
  const widget = page.frameLocator("[data-testid=child-frame]");
  await expect(widget.getByTestId("state")).toHaveText(`connected to ${host.origin}`);
  await expect(widget.locator("[data-testid=received] li .text")).toHaveText(["Hello"]);
  await expect(widget.locator("[data-testid=received] li .origin")).toHaveText([host.origin]);
  await expect(page.locator("[data-testid=log] li.received .text")).toHaveText([`您好，这里是 ${child.url}`]);
  await expect(page.locator("[data-testid=config-error]")).toHaveCount(0);
  await expect(widget.locator("[data-testid=config-error]")).toHaveCount(0);

  await page.getByTestId("host-input").fill("typed in the host");
  await page.getByTestId("host-input").press("Enter");
  await expect(widget.locator("[data-testid=received] li .text").last()).toHaveText("typed in the host");
  await widget.getByTestId("child-input").fill("typed in the widget");
  await widget.getByTestId("child-input").press("Enter");
  await expect(page.locator("[data-testid=log] li.received .text").last()).toHaveText("typed in the widget");

  await page.getByTestId("call-location").click();
  await expect(page.locator("[data-testid=log] li.received .text").last()).toHaveText(`location: ${child.url}`);
  await page.getByTestId("call-add").click();
  await expect(page.locator("[data-testid=log] li.received .text").last()).toHaveText("sum: 5");
  await widget.getByTestId("call-title").click();
  await expect(widget.getByTestId("notes")).toHaveText('the host\'s title is "crossframe demo host"');

  expect(mtimes(), "the release bundles in dist/ and child/dist/ are untouched").toEqual(bundlesBefore);
});
