// Load and faults: 20 000-message bursts each way with nothing lost and order
// kept; the widget reloading or going away, and the host unmounting, in the
// middle of bursts and pending calls: every pending call ends with a typed
// error (none hangs), and the connection comes back.
import { SITES } from "./sites.js";
import { afterEach } from "node:test";
import {
  CONNECTED,
  childFrame,
  deployWidgetConfig,
  expect,
  openConnectedPlainPage,
  openHost,
  test as baseTest,
} from "./helpers.js";

const BURST = 20_000;
/** A deadline for a burst to arrive: a bound on a hung page, far beyond what it takes. */
const slow = { timeout: 120_000 };
const test = (name, fn) => baseTest(name, { timeout: 300_000 }, fn);

afterEach(() => deployWidgetConfig(null));

test("20 000 messages each way between the Yew apps: none lost, order kept", async ({ page, consoleLines }) => {
  const child = await openHost(page);
  await page.getByTestId("burst").click();
  await expect(child.getByTestId("tally")).toHaveText(`Load test: ${BURST} received, in order`, slow);
  // How long the host page is busy while the widget's burst comes in: its
  // long tasks (over 50 ms; Chromium only), reported, never asserted.
  const watching = await page.evaluate(() => {
    if (!PerformanceObserver.supportedEntryTypes?.includes("longtask")) return false;
    window.__busy = { ms: 0, tasks: 0, longest: 0 };
    new PerformanceObserver((list) => {
      for (const task of list.getEntries()) {
        window.__busy.ms += task.duration;
        window.__busy.tasks += 1;
        window.__busy.longest = Math.max(window.__busy.longest, task.duration);
      }
    }).observe({ type: "longtask" });
    return true;
  });
  await child.getByTestId("burst").click();
  await expect(page.getByTestId("tally")).toHaveText(`Load test: ${BURST} received, in order`, slow);
  await expect(child.getByTestId("notes")).toHaveText(`sent ${BURST} of ${BURST}`);
  if (watching) {
    const busy = await page.evaluate(() => window.__busy);
    const figure = `host busy during a ${BURST}-message burst: ${Math.round(busy.ms)} ms in ${busy.tasks} long tasks (longest ${Math.round(busy.longest)} ms)`;
    console.log(figure);
  }
  // Still responsive.
  await page.getByTestId("call-add").click();
  await expect(page.locator("[data-testid=log] li.received .text").last()).toHaveText("sum: 5");
});

test("20 000 messages each way between embed.js and the widget: none lost, order kept", async ({
  page,
  consoleLines,
}) => {
  const child = await openConnectedPlainPage(page);
  await page.evaluate((n) => {
    window.tally = { received: 0, inOrder: true };
    window.crossframe.widget.onMessage = (message) => {
      if (message.Tally === undefined) return;
      window.tally.inOrder &&= message.Tally === window.tally.received;
      window.tally.received += 1;
    };
    for (let i = 0; i < n; i++) window.crossframe.widget.send({ Tally: i });
  }, BURST);
  await expect(child.getByTestId("tally")).toHaveText(`Load test: ${BURST} received, in order`, slow);
  await child.getByTestId("burst").click();
  await expect
    .poll(() => page.evaluate(() => window.tally), slow)
    .toEqual({ received: BURST, inOrder: true });
});

test("the widget reloads, then navigates away, during 1 000 pending calls and a burst: every call fails at once, typed", async ({
  page,
  consoleLines,
  discarding,
}) => {
  await openConnectedPlainPage(page);
  // Both faults end the widget's document while it is busy answering.
  discarding(SITES.child.origin);
  const fault = async (how) => {
    // 1 000 calls the widget answers only after 10 minutes (far beyond this
    // test's own deadline: pending by construction), a burst, then the fault.
    await page.evaluate((burst) => {
      const widget = window.crossframe.widget;
      const calls = Array.from({ length: 1000 }, () => widget.call({ Wait: 600000 }, { timeout: 900000 }));
      for (let i = 0; i < burst; i++) widget.send({ Tally: i });
      const started = performance.now();
      window.outcome = null;
      Promise.allSettled(calls).then((settled) => {
        window.outcome = {
          pending: calls.length,
          failed: settled.filter((s) => s.status === "rejected" && s.reason.code === "disconnected").length,
          // Long before the widget would have answered: they failed at the fault.
          beforeTheirAnswer: performance.now() - started < 600000,
        };
      });
    }, BURST);
    await expect(page.locator("#slot iframe")).toHaveCount(1);
    await how();
    return page.waitForFunction(() => window.outcome, null, slow);
  };

  const reload = await fault(() => childFrame(page).evaluate(() => void setTimeout(() => location.reload())));
  expect(reload).toEqual({ pending: 1000, failed: 1000, beforeTheirAnswer: true });
  await page.waitForFunction(() => window.crossframe.widget.state === "connected");
  expect(await page.evaluate(() => window.crossframe.widget.call({ Add: [2, 3] }))).toEqual({ Sum: 5 });

  const away = await fault(() =>
    page.evaluate((url) => {
      document.querySelector("#slot iframe").src = url;
    }, `${SITES.third.url}blank.html`),
  );
  expect(away).toEqual({ pending: 1000, failed: 1000, beforeTheirAnswer: true });
  expect(await page.evaluate(() => window.crossframe.widget.state)).toBe("disconnected");
});

test("the host unmounts in the middle of a burst and a pending call; switched on again, it reconnects", async ({
  page,
  consoleLines,
  discarding,
}) => {
  // Unmounted, the host removes the widget's frame while the widget takes the burst.
  discarding(SITES.child.origin);
  // The slow call takes 10 minutes: still pending at the toggle, whatever the machine's speed.
  const child = await openHost(page, "?slow=600000");
  await page.getByTestId("call-slow").click();
  await expect(page.locator("[data-testid=log] li.sent .text").last()).toHaveText("call Wait(600000)");
  await child.getByTestId("burst").click();
  await page.getByTestId("toggle").click();
  await expect(page.locator("[data-testid=log] li.note .text").first()).toHaveText(
    "call failed: disconnected: this side closed the connection",
  );
  await expect(child.getByTestId("state")).toHaveText("disconnected: the peer went away", slow);
  await page.getByTestId("toggle").click();
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
  await page.getByTestId("call-add").click();
  await expect(page.locator("[data-testid=log] li.received .text").last()).toHaveText("sum: 5");
});
