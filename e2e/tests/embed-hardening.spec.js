// embed.js in pages that are not ours: markup injected into the host page
// cannot change which widget it trusts (DOM clobbering); without a
// trustworthy widget URL it refuses, clearly; two one-tag embeds on one page
// each keep their own handle; every duration works at any size; and every
// call the widget makes gets exactly one answer, whatever the page's
// onRequest does. (Issue 11, items 1, 2, 5 and 11.)
import { afterEach } from "node:test";
import { SITES } from "./sites.js";
import { deployWidgetConfig, expect, openConnectedPlainPage, test } from "./helpers.js";

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
