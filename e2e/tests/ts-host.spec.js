// A host page written in TypeScript (examples/ts-host: src/main.ts, compiled
// by tsc --strict against the widget's generated embed.d.ts in
// scripts/build.sh), served on the host's origin under /ts-host/: it imports
// the widget's embed.mjs (an import map names it) and talks to the widget.
// Also: the widget's bundle ships the minified embed.js and embed.mjs and the
// declarations, as committed.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { SITES } from "./sites.js";
import { expect, test } from "./helpers.js";

/** The TypeScript host, its run (messages, calls) done; returns its results and the widget's frame. */
async function openTsHost(page) {
  await page.goto(SITES.tsHost.url);
  await page.waitForFunction(() => window.tsHost !== undefined);
  const results = await page.evaluate(() => window.tsHost.done.then(() => window.tsHost.results));
  return { results, child: page.frameLocator("#slot iframe") };
}

test("a TypeScript host imports embed.mjs: its typed message and calls reach the widget, a typed CrossframeError on timeout", async ({
  page,
  consoleLines,
}) => {
  const { results, child } = await openTsHost(page);
  expect(results.calls).toEqual([
    { Location: SITES.child.url },
    { Sum: 5 },
    { Greeting: { text: `您好，这里是 ${SITES.child.url}`, location: SITES.child.url } },
  ]);
  expect(results.errors).toEqual(["timeout: no answer within 100 ms"]);
  await expect(page.getByTestId("status")).toHaveText("connected");
  await expect(page.getByTestId("log").locator("li")).toHaveText([
    `the widget runs at ${SITES.child.url}`,
    "the sum is 5",
    `您好，这里是 ${SITES.child.url} (${SITES.child.url})`,
  ]);
  await expect(child.getByTestId("state")).toHaveText(`connected to ${SITES.tsHost.origin}`);
  const received = child.locator("[data-testid=received] li");
  // The message, then the Greet call's text (the widget shows both).
  await expect(received.locator(".text")).toHaveText(["Hello from TypeScript", "TypeScript"]);
  await expect(received.locator(".origin")).toHaveText([SITES.tsHost.origin, SITES.tsHost.origin]);
  // embed.mjs is a module: no global.
  expect(await page.evaluate(() => typeof window.crossframe)).toBe("undefined");
  expect((await consoleLines.read()).filter((l) => l.includes("crossframe: dropped"))).toEqual([]);
});

test("the widget messages and calls the TypeScript host: onMessage and onRequest answer", async ({ page }) => {
  const { child } = await openTsHost(page);
  await child.getByTestId("call-title").click();
  await expect(child.getByTestId("notes")).toHaveText('the host\'s title is "crossframe TypeScript host"');

  await child.getByTestId("child-input").fill("hello, TypeScript");
  await child.getByTestId("child-input").press("Enter");
  await expect.poll(() => page.evaluate(() => window.tsHost.results.received)).toEqual([{ Text: "hello, TypeScript" }]);
  await expect(page.getByTestId("log").locator("li").last()).toHaveText("the widget says hello, TypeScript");
});

test("the widget's bundle serves embed.js (minified, at most 4 KB gzipped), embed.mjs and the committed embed.d.ts", async () => {
  const served = async (name) => {
    const response = await fetch(`${SITES.child.url}${name}`);
    expect(response.status).toBe(200);
    return { type: response.headers.get("content-type"), text: await response.text() };
  };
  const source = readFileSync(new URL("../../child/embed.js", import.meta.url), "utf8");
  const classic = await served("embed.js");
  expect(classic.type).toMatch(/^text\/javascript/);
  expect(classic.text.length).toBeLessThan(source.length / 2);
  expect(gzipSync(classic.text).length).toBeLessThanOrEqual(4096);
  const module = await served("embed.mjs");
  expect(module.type).toMatch(/^text\/javascript/);
  expect(module.text).toMatch(/export\{\w+ as embed,\w+ as CrossframeError,\w+ as PROTOCOL_VERSION\};\n$/);
  const declarations = readFileSync(new URL("../../child/embed.d.ts", import.meta.url), "utf8");
  expect((await served("embed.d.ts")).text).toBe(declarations);
  expect((await served("embed.d.mts")).text).toBe(declarations);
});
