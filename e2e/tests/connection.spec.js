// The connection: handshake in either order, typed calls with timeouts in
// both directions, reconnect after the child reloads, cleanup when the host
// side unmounts, one connection per iframe, and version mismatches.
import { SITES } from "./sites.js";
import { CONNECTED, childFrame, expect, holding, openHost, test } from "./helpers.js";

const lastNote = (page) => page.locator("[data-testid=log] li.note .text").last();
/** The host's "Slow answer" buttons wait 10 minutes: far beyond any test's own steps. */
const SLOW = "?slow=600000";
const lastReceived = (page) => page.locator("[data-testid=log] li.received .text").last();

/**
 * `message`, `pagehide` and `pageshow` listeners on the page's window, counted
 * through the DevTools protocol (chromedriver's goog/cdp/execute). Only
 * Chromium can count listeners from outside the page: elsewhere `null`.
 */
async function windowListeners(page, engine) {
  if (engine !== "chromium") return null;
  await page.enter();
  const cdp = (cmd, params) => page.session.cmd("POST", "/goog/cdp/execute", { cmd, params });
  const { result } = await cdp("Runtime.evaluate", { expression: "window" });
  const { listeners } = await cdp("DOMDebugger.getEventListeners", { objectId: result.objectId });
  await cdp("Runtime.releaseObject", { objectId: result.objectId });
  const count = (type) => listeners.filter((l) => l.type === type).length;
  return { message: count("message"), pagehide: count("pagehide"), pageshow: count("pageshow") };
}
const NO_LISTENER_COUNT = "no engine but Chromium lets a test count a window's event listeners; the user-visible part (bye, states, reconnect) is checked";

test("typed calls in both directions, answered with typed values", async ({ page, consoleLines }) => {
  const child = await openHost(page);
  await page.getByTestId("call-location").click();
  await expect(lastReceived(page)).toHaveText(`location: ${SITES.child.url}`);
  await expect(page.locator("[data-testid=log] li.received .latency").last()).toHaveText(/^\d+\.\d\d ms$/);
  await page.getByTestId("call-add").click();
  await expect(lastReceived(page)).toHaveText("sum: 5");

  await child.getByTestId("call-title").click();
  await expect(child.getByTestId("notes")).toHaveText('the host\'s title is "crossframe demo host"');
});

test("a call the widget does not answer in time fails with a timeout", async ({ page, consoleLines }) => {
  await openHost(page, SLOW);
  await page.getByTestId("call-timeout").click();
  await expect(lastNote(page)).toHaveText("call failed: no answer within 1000 ms");
  // The connection is still up.
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
});

test("the host listens before a slow child loads", async ({ page, consoleLines }) => {
  // The widget's page is held back by the server until the host is shown listening.
  await holding(async (hold) => {
    await page.goto(`${SITES.host.url}?path=${encodeURIComponent(`/?hold=${hold}`)}`);
    await expect(page.getByTestId("status")).toHaveText("connecting");
  });
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
  await expect(page.frameLocator("[data-testid=child-frame]").locator("[data-testid=received] .text")).toHaveText([
    "Hello",
  ]);
});

test("a child reload fails the pending call at once, then reconnects by itself", async ({
  page,
  consoleLines,
  discarding,
}) => {
  // The widget answers the slow call after 10 minutes: pending at the reload by construction.
  discarding(SITES.child.origin);
  const child = await openHost(page, SLOW);
  await page.getByTestId("call-slow").click();
  await expect(page.locator("[data-testid=log] li.sent .text").last()).toHaveText("call Wait(600000)");
  await childFrame(page).evaluate(() => void setTimeout(() => location.reload()));

  await expect(lastNote(page)).toHaveText("call failed: disconnected: the peer went away");
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
  // The new document was greeted, and calls work again.
  await expect(child.locator("[data-testid=received] .text")).toHaveText(["Hello"]);
  await page.getByTestId("call-add").click();
  await expect(lastReceived(page)).toHaveText("sum: 5");
});

test("switching the host's connection off cleans up and tells the child; on again reconnects", async ({
  page,
  engine,
  skipPart,
  discarding,
}) => {
  // Switched off, the host removes the widget's frame as the widget takes its bye.
  discarding(SITES.child.origin);
  const child = await openHost(page, SLOW);
  if (engine !== "chromium") skipPart(NO_LISTENER_COUNT);
  const listening = { message: 1, pagehide: 1, pageshow: 1 };
  if (engine === "chromium") expect(await windowListeners(page, engine)).toEqual(listening);

  await page.getByTestId("call-slow").click();
  await expect(page.locator("[data-testid=log] li.sent .text").last()).toHaveText("call Wait(600000)");
  await page.getByTestId("toggle").click();
  await expect(page.getByTestId("status")).toHaveText("switched off");
  await expect(lastNote(page)).toHaveText("call failed: disconnected: this side closed the connection");
  await expect(child.getByTestId("state")).toHaveText("disconnected: the peer went away");
  if (engine === "chromium") {
    expect(await windowListeners(page, engine)).toEqual({ message: 0, pagehide: 0, pageshow: 0 });
  }

  // The widget is loaded already: the host's hello finds it and it answers.
  await page.getByTestId("toggle").click();
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
  await expect(child.getByTestId("state")).toHaveText(`connected to ${SITES.host.origin}`);
  await expect(child.locator("[data-testid=received] .text")).toHaveText(["Hello", "Hello"]);
  if (engine === "chromium") expect(await windowListeners(page, engine)).toEqual(listening);
});

test("two widgets at once: one connection each, messages never cross", async ({ page, consoleLines }) => {
  await page.goto(`${SITES.host.url}?children=2`);
  const embeds = [page.getByTestId("embed-0"), page.getByTestId("embed-1")];
  for (const embed of embeds) await expect(embed.getByTestId("status")).toHaveText(CONNECTED);
  const children = embeds.map((embed) => embed.frameLocator("[data-testid=child-frame]"));

  await embeds[0].getByTestId("host-input").fill("only for the first");
  await embeds[0].getByTestId("host-input").press("Enter");
  await expect(children[0].locator("[data-testid=received] .text")).toHaveText(["Hello", "only for the first"]);
  await children[1].getByTestId("child-input").fill("only from the second");
  await children[1].getByTestId("child-input").press("Enter");
  await expect(embeds[1].locator("[data-testid=log] li.received .text").last()).toHaveText("only from the second");

  await expect(children[1].locator("[data-testid=received] .text")).toHaveText(["Hello"]);
  await expect(embeds[0].getByTestId("log")).not.toContainText("only from the second");
  await expect(embeds[1].getByTestId("log")).not.toContainText("only for the first");
});

test("a child of another protocol version gets a typed mismatch on both sides", async ({ page, consoleLines }) => {
  await page.goto(`${SITES.host.url}?path=${encodeURIComponent("/__e2e/child-v2.html")}`);
  await expect(page.getByTestId("status")).toHaveText(
    "disconnected: the peer speaks protocol version 2, this side speaks 1",
  );
  await expect(page.frameLocator("[data-testid=child-frame]").locator("#status")).toHaveText(
    "version mismatch: the host speaks 1, this side speaks 2",
  );
});

test("a long message (over 8 KiB: UTF-8 bytes on the port) arrives intact", async ({ page, consoleLines }) => {
  const child = await openHost(page);
  const long = "长".repeat(3000) + "x".repeat(20000);
  await page.getByTestId("host-input").fill(long);
  await page.getByTestId("host-input").press("Enter");
  await expect(child.locator("[data-testid=received] .text").last()).toHaveText(long);
  await expect(page.locator("[data-testid=log] li.received .text").last()).toHaveText(`您好，这里是 ${SITES.child.url}`);
});
