// The widget embedded in a plain page (no Yew, no wasm of its own) with the
// one-tag embed.js, on a third origin; deploy-time configuration (config.json,
// no rebuild); the iframe following the widget's height.
import { SITES } from "./sites.js";
import { afterEach } from "node:test";
import { CONNECTED, childFrame, consoleLine, deployWidgetConfig, expect, openPlainPage, test } from "./helpers.js";

afterEach(() => deployWidgetConfig(null));

const readyOutcome = (page) =>
  page.evaluate(() =>
    window.crossframe.widget.ready.then(
      () => "connected",
      (error) => `${error.code}: ${error.message}`,
    ),
  );

/** The widget's content height and its iframe's height, in CSS pixels. */
async function heights(page, frameSelector) {
  const { content, scrolls } = await childFrame(page).evaluate(() => ({
    content: Math.ceil(document.documentElement.getBoundingClientRect().height),
    scrolls: document.documentElement.scrollHeight > window.innerHeight,
  }));
  const iframe = await page.locator(frameSelector).evaluate((el) => el.clientHeight);
  return { content, iframe, scrolls };
}

test("a plain page embeds the widget with one tag: messages, calls, and the widget's answers", async ({
  page,
  consoleLines,
}) => {
  deployWidgetConfig({ allowedHosts: [SITES.host.origin, SITES.third.origin] });
  const child = await openPlainPage(page);
  expect(await readyOutcome(page)).toBe("connected");
  await expect(child.getByTestId("state")).toHaveText(`connected to ${SITES.third.origin}`);

  await page.evaluate(() => window.crossframe.widget.send({ Text: "from a plain page" }));
  await expect(child.locator("[data-testid=received] .text")).toHaveText(["from a plain page"]);
  await expect(child.locator("[data-testid=received] .origin")).toHaveText([SITES.third.origin]);

  expect(await page.evaluate(() => window.crossframe.widget.call("Location"))).toEqual({
    Location: SITES.child.url,
  });
  expect(await page.evaluate(() => window.crossframe.widget.call({ Add: [2, 3] }))).toEqual({ Sum: 5 });
  expect(
    await page.evaluate(() =>
      window.crossframe.widget.call({ Wait: 600000 }, { timeout: 200 }).catch((e) => `${e.code}: ${e.message}`),
    ),
  ).toBe("timeout: no answer within 200 ms");
  expect(
    await page.evaluate(() =>
      window.crossframe.widget.call({ Add: [9007199254740000, 9223372036854775807] }).catch((e) => e.code),
    ),
  ).toBe("remote");

  // The widget messages the page.
  await page.evaluate(() => {
    window.got = [];
    window.crossframe.widget.onMessage = (message) => window.got.push(message);
  });
  await child.getByTestId("child-input").fill("hello, plain page");
  await child.getByTestId("child-input").press("Enter");
  await expect.poll(() => page.evaluate(() => window.got)).toEqual([{ Text: "hello, plain page" }]);
});

test("the iframe follows the widget's height as its content grows and shrinks", async ({ page, consoleLines }) => {
  deployWidgetConfig({ allowedHosts: [SITES.third.origin] });
  const child = await openPlainPage(page);
  expect(await readyOutcome(page)).toBe("connected");
  const settled = async () => {
    await expect.poll(async () => {
      const h = await heights(page, "#slot iframe");
      return h.iframe === h.content && !h.scrolls;
    }).toBe(true);
    return (await heights(page, "#slot iframe")).iframe;
  };
  const start = await settled();

  for (let i = 0; i < 8; i++) await page.evaluate((n) => window.crossframe.widget.send({ Text: `line ${n}` }), i);
  await expect(child.locator("[data-testid=received] li")).toHaveCount(8);
  const grown = await settled();
  expect(grown).toBeGreaterThan(start);

  await child.getByTestId("clear").click();
  await expect(child.locator("[data-testid=received] li")).toHaveCount(0);
  const shrunk = await settled();
  expect(shrunk).toBeLessThan(grown);
});

test("a page on an origin the widget does not allow: nothing exchanged, both sides say why; config.json admits it", async ({
  page,
  consoleLines,
}) => {
  const child = await openPlainPage(page);
  const refused = `refused: the widget at ${SITES.child.origin} does not allow this page's origin (${SITES.third.origin})`;
  expect(await readyOutcome(page)).toBe(refused);
  const notAllowed = `embedded by ${SITES.third.origin}, which is not an allowed host`;
  await expect(child.getByTestId("state")).toHaveText(`disconnected: ${notAllowed}`);
  await consoleLine(consoleLines, `crossframe: ${notAllowed}: refusing to talk`);
  await expect(child.locator("[data-testid=received] li")).toHaveCount(0);
  await consoleLine(consoleLines, refused.slice("refused: ".length));

  // Deploy a config.json that admits this origin; no rebuild.
  deployWidgetConfig({ allowedHosts: [SITES.third.origin] });
  const again = await openPlainPage(page);
  expect(await readyOutcome(page)).toBe("connected");
  await expect(again.getByTestId("state")).toHaveText(`connected to ${SITES.third.origin}`);
});

test("a bad config.json is shown, and the widget refuses everything rather than open up", async ({
  page,
  consoleLines,
}) => {
  deployWidgetConfig({ allowedHosts: ["*"] });
  await page.goto(SITES.host.url);
  const child = page.frameLocator("[data-testid=child-frame]");
  await expect(child.getByTestId("config-error")).toHaveText(
    'Bad configuration, refusing all messages: allowedHosts: "*" is not an origin: list the exact origins to allow',
  );
  await expect(page.getByTestId("status")).toHaveText("disconnected: the widget does not allow this page's origin");
});

test("the Yew host follows the widget's height too", async ({ page, consoleLines }) => {
  await page.goto(SITES.host.url);
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
  await expect.poll(async () => {
    const h = await heights(page, "[data-testid=child-frame]");
    return h.iframe === h.content && !h.scrolls;
  }).toBe(true);
});
