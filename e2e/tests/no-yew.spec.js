// The core without Yew (issue 13): examples/plain-host, a host page in plain
// wasm-bindgen + web-sys on crossframe's `Link`, served on the host's origin
// under /plain-host/, talks to the demo widget (a Yew app) on the child's
// origin: the same wire format, whatever either side is built with.
import { SITES } from "./sites.js";
import { CONNECTED, expect, test } from "./helpers.js";

/** The example page, connected to the widget; returns the widget's frame. */
async function openPlainHost(page) {
  await page.goto(SITES.plainHost.url);
  await expect(page.getByTestId("state")).toHaveText(CONNECTED);
  const child = page.frameLocator("[data-testid=child-frame]");
  await expect(child.getByTestId("state")).toHaveText(`connected to ${SITES.plainHost.origin}`);
  return child;
}

test("the page without Yew connects; its Hello reaches the widget with its origin", async ({ page, consoleLines }) => {
  const child = await openPlainHost(page);
  await expect(page.getByTestId("error")).toHaveText("");

  await page.getByTestId("hello").click();
  const received = child.locator("[data-testid=received] li");
  await expect(received.locator(".text")).toHaveText(["Hello from plain wasm-bindgen"]);
  await expect(received.locator(".origin")).toHaveText([SITES.plainHost.origin]);
  expect((await consoleLines.read()).filter((l) => l.includes("crossframe: dropped"))).toEqual([]);
});

test("the page without Yew calls the widget (Add 2 + 3) and answers its call (the title)", async ({ page }) => {
  const child = await openPlainHost(page);

  await page.getByTestId("add").click();
  await expect(page.getByTestId("answer")).toHaveText("sum: 5");

  await child.getByTestId("call-title").click();
  await expect(child.getByTestId("notes")).toHaveText('the host\'s title is "crossframe without Yew"');
});

test("the widget's messages appear on the page without Yew, as text, with the widget's origin", async ({ page }) => {
  const child = await openPlainHost(page);

  await child.getByTestId("child-input").fill("<b>bold?</b> from the widget 你好");
  await child.getByTestId("child-input").press("Enter");
  const received = page.locator("[data-testid=received] li");
  await expect(received.locator(".text")).toHaveText(["<b>bold?</b> from the widget 你好"]);
  await expect(received.locator(".origin")).toHaveText([SITES.child.origin]);
  await expect(page.locator("[data-testid=received] b")).toHaveCount(0);
});
