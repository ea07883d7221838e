// Shared pieces of the end-to-end tests.
import { unlinkSync, writeFileSync } from "node:fs";
import { expect } from "../harness/expect.mjs";
import { ENGINE, test } from "../harness/test.mjs";
import { SITES } from "./sites.js";

export { ENGINE, expect, test };

const WIDGET_CONFIG = new URL("../../child/dist/config.json", import.meta.url);
const CONTROL = SITES.control;

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

/**
 * A plain page on the third origin that embeds the widget with one static
 * tag (fixtures/plain.html); returns the widget's frame once embed.js has run.
 */
export async function openPlainPage(page) {
  await page.goto(`${SITES.third.url}plain.html`);
  await page.waitForFunction(() => window.crossframe && window.crossframe.widget);
  return page.frameLocator("#slot iframe");
}

/** The plain page of `openPlainPage`, on an origin the widget allows (config.json), connected; returns the widget's frame. */
export async function openConnectedPlainPage(page) {
  deployWidgetConfig({ allowedHosts: [SITES.third.origin] });
  const child = await openPlainPage(page);
  await page.waitForFunction(() => window.crossframe.widget.state === "connected");
  return child;
}

/** What the host shows while connected to the widget. */
export const CONNECTED = `connected to ${SITES.child.origin}`;

/** The host page (with `query`), with the child widget connected. */
export async function openHost(page, query = "") {
  await page.goto(SITES.host.url + query);
  await expect(page.getByTestId("status").first()).toHaveText(CONNECTED);
  return page.frameLocator("[data-testid=child-frame]").first();
}

/** The (first) iframe of `page` that was given the widget's URL, for evaluating script inside it. */
export function childFrame(page) {
  return page.frameLocator(`iframe[src^="${SITES.child.origin}"]`);
}

/** A crossframe envelope carrying text, as the wire string. */
export function envelope(text) {
  return JSON.stringify({ crossframe: 1, kind: "message", body: { Text: text } });
}

/** Waits until some console line (of any frame) contains `needle`, then returns it. */
export async function consoleLine(consoleLines, needle) {
  let found;
  await expect
    .poll(async () => (found = (await consoleLines.read()).find((l) => l.includes(needle))), {
      message: `the console has "${needle}"`,
    })
    .toBeTruthy();
  return found;
}

/**
 * Watches `read()` (what a peer received) for `ms` milliseconds, failing as
 * soon as it returns anything but an empty list: nothing arrives. Use it
 * after a condition that shows the other side has already acted.
 */
export async function expectNothingArrives(read, what, ms = 1_000) {
  let seen = [];
  try {
    await expect.poll(async () => (seen = await read()).length, { timeout: ms }).toBeGreaterThan(0);
  } catch {
    seen = await read(); // the deadline passed with nothing received: read once more
  }
  expect(seen, `${what} received nothing`).toEqual([]);
}

/**
 * Runs `during()` while the test server holds back every request with
 * ?hold=KEY (a page or a peer that is slow by construction); the requests
 * are answered when `during` returns. Returns `key` to put in those URLs.
 */
export async function holding(during) {
  const key = `hold-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  try {
    return await during(key);
  } finally {
    await release(key);
  }
}

/** Answers the requests held with ?hold=KEY (and any later ones). */
export async function release(key) {
  await fetch(`${CONTROL}/release?key=${encodeURIComponent(key)}`, { method: "POST" });
}

/** The URLs the test server has been asked for, from now on: `await seen()` lists them. */
export async function watchRequests() {
  const { next } = await (await fetch(`${CONTROL}/requests?since=-1`)).json();
  return async () => (await (await fetch(`${CONTROL}/requests?since=${next}`)).json()).requests;
}

/** Opens `url` with window.open from `page` and returns the popup's Page. */
export function openPopup(page, url) {
  return page.waitForPopup(() => page.evaluate((u) => void window.open(u, "_blank"), url));
}
