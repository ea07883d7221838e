// Shared pieces of the end-to-end tests.
import { unlinkSync, writeFileSync } from "node:fs";
import { expect, test as base } from "@playwright/test";
import { SITES } from "./sites.js";

const WIDGET_CONFIG = new URL("../../child/dist/config.json", import.meta.url);

/** Deploys the widget's config.json (no rebuild), or removes it (`null`). */
export function deployWidgetConfig(config) {
  if (config === null) {
    try {
      unlinkSync(WIDGET_CONFIG);
    } catch {}
  } else {
    writeFileSync(WIDGET_CONFIG, JSON.stringify(config));
  }
}

/** A plain page on the third origin that embeds the widget with one tag. */
export async function openPlainPage(page) {
  await page.goto(`${SITES.third.url}blank.html`);
  await page.setContent(`<!doctype html>
    <title>a plain page</title>
    <h1>A plain page</h1>
    <div id="slot"></div>
    <script src="${SITES.child.url}embed.js" data-crossframe-container="#slot"></script>`);
  await page.waitForFunction(() => window.crossframe && window.crossframe.widget);
  return page.frameLocator("#slot iframe");
}

/** A test whose page records console output of every frame and fails on a panic. */
export const test = base.extend({
  consoleLines: async ({ page }, use) => {
    const lines = [];
    recordConsole(page, lines);
    await use(lines);
    const crashes = lines.filter((l) => /panicked|RuntimeError|unreachable|pageerror/.test(l));
    expect(crashes, "no panic or uncaught error in any frame").toEqual([]);
  },
});
export { expect };

/** Records the console of every frame of `page` (a popup, say) in `lines`, so a panic there fails the test too. */
export function recordConsole(page, lines) {
  page.on("console", (msg) => lines.push(`${msg.type()}: ${msg.text()}`));
  page.on("pageerror", (error) => lines.push(`pageerror: ${error.message}`));
}

/** What the host shows while connected to the widget. */
export const CONNECTED = `connected to ${SITES.child.origin}`;

/** The host page (with `query`), with the child widget connected. */
export async function openHost(page, query = "") {
  await page.goto(SITES.host.url + query);
  await expect(page.getByTestId("status").first()).toHaveText(CONNECTED);
  return page.frameLocator("[data-testid=child-frame]").first();
}

/** The child widget's frame object (for evaluating script inside it). */
export function childFrame(page) {
  const frame = page.frames().find((f) => f.url().startsWith(SITES.child.origin));
  if (!frame) throw new Error("the child frame is not loaded");
  return frame;
}

/** A crossframe envelope carrying text, as the wire string. */
export function envelope(text) {
  return JSON.stringify({ crossframe: 1, kind: "message", body: { Text: text } });
}

/** Waits until some console line contains `needle`, then returns it. */
export async function consoleLine(lines, needle) {
  await expect.poll(() => lines.find((l) => l.includes(needle)), { message: `console has "${needle}"` }).toBeTruthy();
  return lines.find((l) => l.includes(needle));
}

/**
 * Watches `read()` (what a peer received) for `ms` milliseconds, failing as
 * soon as it returns anything but an empty list: nothing arrives. Use it
 * after a condition that shows the other side has already acted.
 */
export async function expectNothingArrives(read, what, ms = 1_000) {
  let seen = [];
  try {
    await expect
      .poll(async () => (seen = await read()).length, { timeout: ms, intervals: [50, 100, 200] })
      .toBeGreaterThan(0);
  } catch {
    seen = await read(); // the deadline passed with nothing received: read once more
  }
  expect(seen, `${what} received nothing`).toEqual([]);
}
