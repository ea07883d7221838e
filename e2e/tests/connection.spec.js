// The connection: handshake in either order, typed calls with timeouts in
// both directions, reconnect after the child reloads, cleanup when the host
// side unmounts, one connection per iframe, and version mismatches.
import { SITES } from "./sites.js";
import { CONNECTED, childFrame, expect, openHost, test } from "./helpers.js";

const lastNote = (page) => page.locator("[data-testid=log] li.note .text").last();
const lastReceived = (page) => page.locator("[data-testid=log] li.received .text").last();

/** `message` and `pagehide` listeners on the page's window, counted through the DevTools protocol. */
async function windowListeners(page) {
  const cdp = await page.context().newCDPSession(page);
  const { result } = await cdp.send("Runtime.evaluate", { expression: "window" });
  const { listeners } = await cdp.send("DOMDebugger.getEventListeners", { objectId: result.objectId });
  await cdp.detach();
  const count = (type) => listeners.filter((l) => l.type === type).length;
  return { message: count("message"), pagehide: count("pagehide") };
}

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
  await openHost(page);
  await page.getByTestId("call-timeout").click();
  await expect(lastNote(page)).toHaveText("call failed: no answer within 1000 ms");
  // The connection is still up.
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
});

test("the host listens before a slow child loads", async ({ page, consoleLines }) => {
  await page.goto(`${SITES.host.url}?path=${encodeURIComponent("/?delay=1500")}`);
  await expect(page.getByTestId("status")).toHaveText("connecting");
  await expect(page.getByTestId("status")).toHaveText(CONNECTED, { timeout: 15_000 });
  await expect(page.frameLocator("[data-testid=child-frame]").locator("[data-testid=received] .text")).toHaveText([
    "Hello",
  ]);
});

test("a child reload fails the pending call at once, then reconnects by itself", async ({ page, consoleLines }) => {
  const child = await openHost(page);
  await page.getByTestId("call-slow").click(); // the widget answers after 3 s
  await expect(page.locator("[data-testid=log] li.sent .text").last()).toHaveText("call Wait(3000)");
  await childFrame(page).evaluate(() => location.reload());

  await expect(lastNote(page)).toHaveText("call failed: disconnected: the peer went away");
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
  // The new document was greeted, and calls work again.
  await expect(child.locator("[data-testid=received] .text")).toHaveText(["Hello"]);
  await page.getByTestId("call-add").click();
  await expect(lastReceived(page)).toHaveText("sum: 5");
});

test("switching the host's connection off cleans up and tells the child; on again reconnects", async ({
  page,
  consoleLines,
}) => {
  const child = await openHost(page);
  expect(await windowListeners(page)).toEqual({ message: 1, pagehide: 1 });

  await page.getByTestId("call-slow").click();
  await expect(page.locator("[data-testid=log] li.sent .text").last()).toHaveText("call Wait(3000)");
  await page.getByTestId("toggle").click();
  await expect(page.getByTestId("status")).toHaveText("switched off");
  await expect(lastNote(page)).toHaveText("call failed: disconnected: this side closed the connection");
  await expect(child.getByTestId("state")).toHaveText("disconnected: the peer went away");
  expect(await windowListeners(page)).toEqual({ message: 0, pagehide: 0 });

  // The widget is loaded already: the host's hello finds it and it answers.
  await page.getByTestId("toggle").click();
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
  await expect(child.getByTestId("state")).toHaveText(`connected to ${SITES.host.origin}`);
  await expect(child.locator("[data-testid=received] .text")).toHaveText(["Hello", "Hello"]);
  expect(await windowListeners(page)).toEqual({ message: 1, pagehide: 1 });
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
