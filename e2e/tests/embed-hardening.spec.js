// embed.js in pages that are not ours: markup injected into the host page
// cannot change which widget it trusts (DOM clobbering); without a
// trustworthy widget URL it refuses, clearly; two one-tag embeds on one page
// each keep their own handle; every duration works at any size; and every
// call the widget makes gets exactly one answer, whatever the page's
// onRequest does; every message it drops is counted, logged (at most 20 lines
// a second) and passed to onDrop; a call can be aborted with an AbortSignal;
// at most 10 000 of the page's calls wait at once.
// (Issue 11, items 1, 2, 5, 9, 10 and 11.)
import { afterEach } from "node:test";
import { SITES } from "./sites.js";
import { consoleLine, deployWidgetConfig, expect, openConnectedPlainPage, openPlainPage, test } from "./helpers.js";

afterEach(() => deployWidgetConfig(null));

const CHILD = SITES.child.origin;
const THIRD = SITES.third.origin;

for (const shape of ["img", "form", "iframe", "embed", "id"]) {
  test(`injected markup (${shape === "id" ? 'an element with id="crossframe"' : `<${shape} name="currentScript">`}) before the tag cannot point embed.js at another page`, async ({
    page,
  }) => {
    deployWidgetConfig({ allowedHosts: [THIRD] });
    await page.goto(`${SITES.third.url}clobbered.html?shape=${shape}`);
    await page.waitForFunction(() => window.crossframe && window.crossframe.widget && window.crossframe.widget.state === "connected");
    const embedded = await page.evaluate(() => ({
      origin: window.crossframe.widget.origin,
      src: window.crossframe.widget.iframe.src,
      widgets: window.crossframe.widgets.length,
      frames: Array.from(document.querySelectorAll("#slot iframe"), (f) => f.src),
    }));
    expect(embedded).toEqual({ origin: CHILD, src: SITES.child.url, widgets: 1, frames: [SITES.child.url] });
    expect(await page.evaluate(() => window.crossframe.widget.call({ Add: [2, 3] }))).toEqual({ Sum: 5 });
  });
}

test("without a trustworthy widget URL (embed.js as a module: no currentScript), embed() throws a clear error and frames nothing", async ({
  page,
}) => {
  await page.goto(`${SITES.child.url}__e2e/module-embed.html`);
  await page.waitForFunction(() => window.crossframe && typeof window.crossframe.embed === "function");
  const outcome = await page.evaluate(() => {
    try {
      window.crossframe.embed({ container: "#slot" });
      return "embedded";
    } catch (error) {
      return `${error.code}: ${error.message}`;
    }
  });
  expect(outcome).toBe(
    "invalid: crossframe: no widget URL: load embed.js with a <script src> tag, or pass { url } to embed()",
  );
  expect(await page.evaluate(() => document.querySelectorAll("iframe").length)).toBe(0);
  // With the URL given, the same page embeds the widget.
  expect(await page.evaluate((url) => window.crossframe.embed({ container: "#slot", url }).origin, SITES.child.url)).toBe(
    CHILD,
  );
});

test("two one-tag embeds on one page: each has its own handle, and messages never cross", async ({ page }) => {
  deployWidgetConfig({ allowedHosts: [THIRD] });
  await page.goto(`${SITES.third.url}two-widgets.html`);
  await page.waitForFunction(
    () => window.crossframe?.widgets?.length === 2 && window.crossframe.widgets.every((w) => w.state === "connected"),
  );
  expect(await page.evaluate(() => window.crossframe.widget === window.crossframe.widgets[0])).toBe(true);
  await page.evaluate(() => {
    window.crossframe.widgets[0].send({ Text: "for the first" });
    window.crossframe.widgets[1].send({ Text: "for the second" });
  });
  const received = (slot) => page.frameLocator(`${slot} iframe`).locator("[data-testid=received] .text");
  await expect(received("#first")).toHaveText(["for the first"]);
  await expect(received("#second")).toHaveText(["for the second"]);
  // Each one's widget talks on the page's window too: not a drop for the other.
  expect(await page.evaluate(() => window.crossframe.widgets.map((w) => w.stats().dropped))).toEqual([0, 0]);
});

test("a call timeout longer than a browser timer holds (2^31 ms and more, or Infinity) waits for the answer; a bad one is refused", async ({
  page,
}) => {
  await openConnectedPlainPage(page);
  const call = (request, options) =>
    page.evaluate(
      ({ request, options }) =>
        window.crossframe.widget.call(request, { timeout: options === "Infinity" ? Infinity : options }).then(
          (answer) => answer,
          (error) => `${error.code}: ${error.message}`,
        ),
      { request, options },
    );
  // Before: a timeout past 2^31 - 1 ms fired at once ("no answer within 2147483653 ms").
  expect(await call({ Wait: 1000 }, 2 ** 31 + 5)).toEqual({ Waited: 1000 });
  expect(await call({ Wait: 500 }, "Infinity")).toEqual({ Waited: 500 });
  expect(await call({ Wait: 1 }, -1)).toBe("invalid: timeout must be a number of milliseconds above 0, not -1");
  expect(await call({ Wait: 1 }, "5")).toBe("invalid: timeout must be a number of milliseconds above 0, not 5");
  // The widget's own Wait past ~24.8 days really waits (it used to answer at once).
  expect(await call({ Wait: 4294967295 }, 300)).toBe("timeout: no answer within 300 ms");
});

test("every call the widget makes gets exactly one answer at once, whatever the page's onRequest does", async ({
  page,
}) => {
  const child = await openConnectedPlainPage(page);
  const notes = child.locator("[data-testid=notes] li");
  const cases = [
    ["returns its answer", "() => ({ Title: document.title })", 'the host\'s title is "a plain page"'],
    ["returns nothing", "() => undefined", "call failed: the peer's handler failed: the page's onRequest returned nothing"],
    ["throws", '() => { throw new Error("not today"); }', "call failed: the peer's handler failed: not today"],
    ["returns a BigInt", "() => ({ Title: 10n })", /^call failed: the peer's handler failed: cannot send this value: .*BigInt/i],
    [
      "returns a cyclic value",
      "() => { const a = {}; a.self = a; return { Title: a }; }",
      /^call failed: the peer's handler failed: cannot send this value: .*(cyclic|circular)/i,
    ],
    ["rejects", '() => Promise.reject("no")', "call failed: the peer's handler failed: no"],
  ];
  for (const [index, [what, handler, shown]] of cases.entries()) {
    await page.evaluate((source) => {
      window.crossframe.widget.onRequest = (0, eval)(`(${source})`);
    }, handler);
    await child.getByTestId("call-title").click();
    await expect(notes, `onRequest ${what}`).toHaveCount(index + 1);
    await expect(notes.last()).toHaveText(shown);
  }
});

test("every message embed.js drops is counted, logged with its reason and passed to onDrop; other scripts' messages are not its business", async ({
  page,
  consoleLines,
}) => {
  // The one-tag embed of plain.html (refused: no config.json), and a widget
  // that sends junk on the window and on the private port (fixtures/crafted-widget.html).
  await openPlainPage(page);
  await page.evaluate((url) => {
    window.drops = [];
    window.got = [];
    window.crafted = window.crossframe.embed({
      container: document.body,
      url,
      onDrop: (dropped) => window.drops.push(dropped),
      onMessage: (message) => window.got.push(message),
    });
  }, `${CHILD}/__e2e/crafted-widget.html?parent=${encodeURIComponent(THIRD)}`);
  await page.waitForFunction(() => window.got.length === 1);
  expect(await page.evaluate(() => window.got)).toEqual([{ Text: "done" }]);
  // This page's own scripts post on its window: a message of another library
  // (ignored) and a crossframe envelope (dropped: not from the widget).
  await page.evaluate(() => {
    window.postMessage({ from: "another library" }, location.origin);
    window.postMessage(JSON.stringify({ crossframe: 1, kind: "refused" }), location.origin);
  });
  await page.waitForFunction(() => window.crafted.stats().dropped === 16);

  const port = `${CHILD} (private channel)`;
  const drops = await page.evaluate(() => window.drops);
  expect(drops.map((d) => d.origin)).toEqual([...Array(5).fill(CHILD), ...Array(10).fill(port), THIRD]);
  const reasons = drops.map((d) => d.reason);
  expect(reasons[6]).toMatch(/^data is not a crossframe envelope: ./);
  reasons[6] = "(the engine's JSON error)";
  expect(reasons).toEqual([
    // On the window, from the widget.
    "data is not a crossframe envelope (a object, not a string)",
    "data is not a crossframe envelope: not a JSON object",
    'unknown message kind "explode"',
    'a "request" frame is not expected here',
    'malformed crossframe envelope: resize has no "height"',
    // On the private port.
    "data is not a crossframe envelope (a object, not a string)",
    "(the engine's JSON error)",
    "protocol version 2 is not supported (this side speaks 1)",
    'unknown message kind "explode"',
    'a "hello" frame is not expected here',
    "a response to call 999, which is not waiting (timed out, aborted or never made)",
    'malformed crossframe envelope: request has no "id"',
    'malformed crossframe envelope: message has no "body"',
    "an ack of session 2 is not expected here",
    `message is ${4 * 1024 * 1024 + 1} long, over the limit of ${4 * 1024 * 1024}`,
    // On the window, from this page.
    `origin ${THIRD} is not allowed`,
  ]);
  // hello, ack, the last message.
  expect(await page.evaluate(() => window.crafted.stats())).toEqual({ delivered: 3, dropped: 16 });
  // The one-tag embed saw the same envelope from this page, and nothing of the other widget's.
  expect(await page.evaluate(() => window.crossframe.widget.stats().dropped)).toBe(1);
  await consoleLine(consoleLines, `crossframe: dropped a message from ${port}: unknown message kind "explode"`);
  await consoleLine(consoleLines, `crossframe: dropped a message from ${THIRD}: origin ${THIRD} is not allowed`);
});

test("a flood of drops is logged at most 20 lines a second, the rest summed up in one line; all are counted and passed to onDrop", async ({
  page,
  consoleLines,
}) => {
  await openPlainPage(page);
  const envelope = JSON.stringify({ crossframe: 1, kind: "hello" });
  await page.evaluate((envelope) => {
    window.drops = [];
    window.crossframe.widget.onDrop = () => window.drops.push(Date.now());
    for (let i = 0; i < 50; i++) window.postMessage(envelope, location.origin);
  }, envelope);
  await page.waitForFunction(() => window.drops.length === 50);
  // Once a second has passed since the last drop, the next drop sums up the quiet ones.
  await page.waitForFunction(() => Date.now() - window.drops[49] >= 1000);
  await page.evaluate((envelope) => window.postMessage(envelope, location.origin), envelope);
  await page.waitForFunction(() => window.crossframe.widget.stats().dropped === 51);
  const summed = await consoleLine(consoleLines, "more messages dropped (logging at most 20 a second)");
  expect(summed).toMatch(/crossframe: \d+ more messages dropped \(logging at most 20 a second\)$/);
  // Every drop is on a line of its own or in a sum, and the last one is on its own line.
  const line = `crossframe: dropped a message from ${THIRD}: origin ${THIRD} is not allowed`;
  let accounted = 0;
  await expect
    .poll(async () => {
      const lines = await consoleLines.read();
      const single = lines.filter((l) => l.endsWith(line)).length;
      const sums = lines.map((l) => /crossframe: (\d+) more messages dropped/.exec(l)).filter(Boolean);
      accounted = single + sums.reduce((total, m) => total + Number(m[1]), 0);
      return accounted;
    })
    .toBe(51);
});

test("a call given an AbortSignal fails at once when it is aborted, before or during the call; the widget's late answer is dropped and counted", async ({
  page,
}) => {
  await openConnectedPlainPage(page);
  const outcome = await page.evaluate(async () => {
    const widget = window.crossframe.widget;
    window.drops = [];
    widget.onDrop = (dropped) => window.drops.push(dropped.reason);
    const describe = (error) => `${error.code}: ${error.message} (cause: ${error.cause})`;
    // Aborted already: nothing is sent (the widget would answer it in 1 ms).
    const before = await widget.call({ Wait: 1 }, { signal: AbortSignal.abort("too late") }).catch(describe);
    const controller = new AbortController();
    const call = widget.call({ Wait: 300 }, { signal: controller.signal, timeout: Infinity });
    controller.abort("changed my mind");
    const during = await call.catch(describe);
    controller.abort("again"); // no effect
    return { before, during, sum: await widget.call({ Add: [2, 3] }) };
  });
  expect(outcome).toEqual({
    before: "aborted: the call was aborted (cause: too late)",
    during: "aborted: the call was aborted (cause: changed my mind)",
    sum: { Sum: 5 },
  });
  // The widget answers the aborted call all the same: dropped, counted.
  await page.waitForFunction(() => window.drops.length === 1);
  expect(await page.evaluate(() => window.drops)).toEqual([
    "a response to call 2, which is not waiting (timed out, aborted or never made)",
  ]);
  expect(await page.evaluate(() => window.crossframe.widget.stats().dropped)).toBe(1);
});

test("a call's signal must be an AbortSignal, and its abort listener is gone once the call ends, however it ends", async ({
  page,
  discarding,
}) => {
  await openConnectedPlainPage(page);
  // The last call ends with destroy(), which removes the widget's frame while it is answering.
  discarding(CHILD);
  const outcome = await page.evaluate(async () => {
    const widget = window.crossframe.widget;
    const code = (promise) => promise.then(() => "answered", (error) => `${error.code}: ${error.message}`);
    const bad = [
      await code(widget.call("Location", { signal: { aborted: true } })),
      await code(widget.call("Location", { signal: "stop" })),
    ];
    /** A call with a signal that counts its listeners: how it ended, and how many listeners are left. */
    const ended = async (request, timeout, end = () => {}) => {
      const controller = new AbortController();
      const { signal } = controller;
      let listening = 0;
      const add = signal.addEventListener.bind(signal);
      const remove = signal.removeEventListener.bind(signal);
      signal.addEventListener = (...args) => (listening++, add(...args));
      signal.removeEventListener = (...args) => (listening--, remove(...args));
      const call = widget.call(request, { signal, timeout });
      end(controller);
      return [await code(call), listening];
    };
    return {
      bad,
      answered: await ended("Location", Infinity),
      timedOut: await ended({ Wait: 600000 }, 50),
      aborted: await ended({ Wait: 600000 }, Infinity, (controller) => controller.abort()),
      disconnected: await ended({ Wait: 600000 }, Infinity, () => widget.destroy()),
    };
  });
  expect(outcome).toEqual({
    bad: [
      "invalid: signal must be an AbortSignal, not [object Object]",
      "invalid: signal must be an AbortSignal, not stop",
    ],
    answered: ["answered", 0],
    timedOut: ["timeout: no answer within 50 ms", 0],
    aborted: ["aborted: the call was aborted", 0],
    disconnected: ["disconnected: disconnected: this side closed the connection", 0],
  });
});

test("at most 10 000 of the page's calls wait at once: one more fails at once as overloaded; the 10 000 are all answered, and so is the next", async ({
  page,
}) => {
  await openConnectedPlainPage(page);
  const outcome = await page.evaluate(async () => {
    const widget = window.crossframe.widget;
    // Made in one task: no answer can arrive before the last one is made.
    const calls = Array.from({ length: 10000 }, (_, i) => widget.call({ Add: [i, 1] }));
    const extra = await widget.call({ Add: [0, 0] }).then(
      () => "answered",
      (error) => `${error.name} ${error.code}: ${error.message}`,
    );
    const sums = await Promise.all(calls);
    return {
      extra,
      wrong: sums.filter((answer, i) => answer.Sum !== i + 1).length,
      next: await widget.call({ Add: [2, 3] }),
    };
  });
  expect(outcome).toEqual({
    extra: "CrossframeError overloaded: 10000 calls are already waiting for answers",
    wrong: 0,
    next: { Sum: 5 },
  });
});
