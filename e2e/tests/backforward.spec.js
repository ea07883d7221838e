// Back/Forward. A page left for another one may be kept whole in the
// back/forward cache and shown again by Back: its scripts did not run again,
// its pagehide had closed the connection, and it must reconnect by itself
// (pageshow with `persisted`). Each test checks that the page really came
// back from that cache, then that the user sees a working connection again:
// the Yew host and the widget inside it, and embed.js in a plain page.
import { afterEach } from "node:test";
import { SITES } from "./sites.js";
import { CONNECTED, deployWidgetConfig, expect, openConnectedPlainPage, openHost, test } from "./helpers.js";

afterEach(() => deployWidgetConfig(null));

/** Records every later pageshow's `persisted` in `window.shown` of the document at `scope`. */
const watchShows = (scope) =>
  scope.evaluate(() => {
    window.shown = [];
    addEventListener("pageshow", (event) => window.shown.push(event.persisted));
  });

/**
 * What `window.shown` says after Back: [true] when the very document came
 * back from the back/forward cache; null when it was loaded afresh instead.
 * A restored document may get its pageshow after the driver has said the
 * navigation is done (and a frame's after its page's): wait for it.
 */
async function shows(scope) {
  const seen = await scope.waitForFunction(() =>
    window.shown === undefined ? "fresh" : window.shown.length > 0 && window.shown,
  );
  return seen === "fresh" ? null : seen;
}

/** Leaves `page` for a page on another site, then goes Back to it. */
async function leaveAndComeBack(page) {
  const before = await page.url();
  await page.goto(`${SITES.third.url}blank.html`);
  await expect(page).toHaveTitle("blank");
  await page.back();
  expect(await page.url()).toBe(before);
}

const SLOW = "?slow=600000";

test("the host page and its widget, restored by Back, reconnect by themselves; calls both ways work", async ({
  page,
  engine,
  skipPart,
}) => {
  const child = await openHost(page, SLOW);
  await expect(child.getByTestId("state")).toHaveText(`connected to ${SITES.host.origin}`);
  await watchShows(page);
  await watchShows(child);
  // A call the widget would answer in 10 minutes: pending when the page is left.
  const slowButton = page.getByTestId("call-slow");
  if (engine === "firefox") {
    // After a click through Marionette (geckodriver), Firefox never keeps the
    // page in its back/forward cache (seen here every time; a click from
    // script does not do that): this one click is dispatched from script.
    skipPart("the click before leaving the page is dispatched from script: Marionette's clicks keep a page out of the back/forward cache");
    await slowButton.evaluate((button) => button.click());
  } else {
    await slowButton.click();
  }
  await expect(page.locator("[data-testid=log] li.sent .text").last()).toHaveText("call Wait(600000)");

  await leaveAndComeBack(page);
  expect(await shows(page), "the host page was restored from the back/forward cache").toEqual([true]);
  expect(await shows(child), "the widget's document was restored with it").toEqual([true]);

  // Leaving failed the pending call at once; coming back reconnected both
  // sides. Which side's pagehide the host heard of first differs by engine
  // (Firefox hides the widget's document first, and the host hears its bye).
  await expect(page.locator("[data-testid=log] li.note .text").last()).toHaveText(
    /^call failed: disconnected: (this side closed the connection|the peer went away)$/,
  );
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
  await expect(child.getByTestId("state")).toHaveText(`connected to ${SITES.host.origin}`);
  await page.getByTestId("call-add").click();
  await expect(page.locator("[data-testid=log] li.received .text").last()).toHaveText("sum: 5");
  await child.getByTestId("call-title").click();
  await expect(child.getByTestId("notes")).toHaveText('the host\'s title is "crossframe demo host"');
  await page.getByTestId("host-input").fill("after Back");
  await page.getByTestId("host-input").press("Enter");
  await expect(child.locator("[data-testid=received] .text").last()).toHaveText("after Back");
});

test("embed.js in a plain page, restored by Back, reconnects by itself; its pending call failed when the page was left", async ({
  page,
}) => {
  const child = await openConnectedPlainPage(page);
  await watchShows(page);
  await page.evaluate(() => {
    window.outcome = null;
    window.crossframe.widget
      .call({ Wait: 600000 }, { timeout: 900000 })
      .then(() => "answered", (error) => error.code)
      .then((outcome) => (window.outcome = outcome));
  });

  const before = await page.url();
  await page.goto(`${SITES.host.url}__e2e/blank.html`);
  await page.back();
  expect(await page.url()).toBe(before);
  expect(await shows(page), "the plain page was restored from the back/forward cache").toEqual([true]);

  expect(await page.waitForFunction(() => window.outcome)).toBe("disconnected");
  await page.waitForFunction(() => window.crossframe.widget.state === "connected");
  expect(await page.evaluate(() => window.crossframe.widget.call({ Add: [2, 3] }))).toEqual({ Sum: 5 });
  await expect(child.getByTestId("state")).toHaveText(`connected to ${SITES.third.origin}`);
  await page.evaluate(() => window.crossframe.widget.send({ Text: "after Back" }));
  await expect(child.locator("[data-testid=received] .text").last()).toHaveText("after Back");
});

test("a host page that cannot be kept in the back/forward cache loads afresh on Back and connects as on any load", async ({
  page,
  skipPart,
}) => {
  // Cache-Control: no-store keeps a page out of the back/forward cache of
  // Firefox; Chromium and WebKit keep it all the same. There, Reload loads
  // the page afresh instead.
  await openHost(page, "?no-store");
  await watchShows(page);
  await leaveAndComeBack(page);
  if ((await shows(page)) !== null) {
    skipPart("this engine keeps no-store pages in its back/forward cache: the fresh load is a Reload instead");
    await page.navigation(() => page.evaluate(() => void setTimeout(() => location.reload())));
  }
  expect(await shows(page), "a fresh document").toBeNull();
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
  await page.getByTestId("call-add").click();
  await expect(page.locator("[data-testid=log] li.received .text").last()).toHaveText("sum: 5");
});
