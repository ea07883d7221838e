// The seed scenario with plain messaging (`?mode=plain`: use_post_message and
// Received::reply, no connection), host on 127.0.0.1 and widget on localhost
// (two sites): the host posts what the user types to the widget's exact
// origin; the widget checks event.origin, shows the message and answers
// through event.source; the host shows the answer with the widget's origin.
// Messages from anyone else are dropped, counted and never shown.
import { SITES } from "./sites.js";
import { CONNECTED, consoleLine, expect, expectNothingArrives, openPopup, test } from "./helpers.js";

const HOST = SITES.host.origin;
const CHILD = SITES.child.origin;
const THIRD = SITES.third.origin;
/** Where the host embeds the widget in plain mode. */
const PLAIN_CHILD_URL = `${SITES.child.url}?mode=plain`;
const LISTENING = `the widget at ${CHILD} is listening`;
const NOTHING_REFUSED = "No message refused";
const refusedSummary = (count, origin, reason) =>
  `Refused ${count} message(s); last: dropped a message from ${origin}: ${reason}`;

/** The host page in plain mode, once the widget has said it is listening; returns the widget's frame. */
async function openPlainHost(page) {
  await page.goto(`${SITES.host.url}?mode=plain`);
  await expect(page.getByTestId("plain-status")).toHaveText(LISTENING);
  return page.frameLocator("[data-testid=child-frame]");
}

/**
 * Types `text` into the host's box and clicks Send. (Not Enter: after an
 * Enter sent to an input, WebKitWebDriver types nothing more into it.)
 */
async function type(page, text) {
  await page.getByTestId("plain-input").fill(text);
  await page.locator("[data-testid=plain-embed] form.send button[type=submit]").click();
}

test("plain mode: the user types Hello, the widget shows it from the host's exact origin, the host shows the reply from the widget's exact origin", async ({
  page,
  consoleLines,
}) => {
  const child = await openPlainHost(page);
  await expect(page.getByTestId("mode")).toContainText("Mode: plain messaging");
  await expect(child.getByTestId("mode")).toContainText("Mode: plain messaging");
  await expect(child.getByTestId("location")).toHaveText(PLAIN_CHILD_URL);
  await expect(child.getByTestId("plain-status")).toHaveText("no message from the host yet");

  await type(page, "Hello");

  const received = child.locator("[data-testid=plain-received] li");
  await expect(received.locator(".text")).toHaveText(["Hello"]);
  await expect(received.locator(".origin")).toHaveText([HOST]);
  await expect(child.getByTestId("plain-status")).toHaveText(`the host at ${HOST} has written to me`);

  const log = page.getByTestId("plain-log");
  await expect(log.locator("li.sent .text")).toHaveText(["Hello"]);
  await expect(log.locator("li.sent .origin")).toHaveText([CHILD]);
  const reply = log.locator("li.received");
  await expect(reply.locator(".text")).toHaveText(["您好, I got: Hello"]);
  await expect(reply.locator(".origin")).toHaveText([CHILD]);
  await expect(reply.locator(".detail")).toHaveText([`says it runs at ${PLAIN_CHILD_URL}`]);

  // Anything typed is text on the other side, and each message is answered.
  await type(page, "<b>bold?</b> 你好");
  await expect(received.locator(".text")).toHaveText(["Hello", "<b>bold?</b> 你好"]);
  await expect(child.locator("[data-testid=plain-received] b")).toHaveCount(0);
  await expect(reply.locator(".text")).toHaveText(["您好, I got: Hello", "您好, I got: <b>bold?</b> 你好"]);
  await expect(page.locator("[data-testid=plain-log] b")).toHaveCount(0);

  await expect(page.getByTestId("plain-refused")).toHaveText(NOTHING_REFUSED);
  await expect(child.getByTestId("plain-refused")).toHaveText(NOTHING_REFUSED);
  expect((await consoleLines.read()).filter((l) => l.includes("crossframe: dropped"))).toEqual([]);
});

test("plain mode: each mode links to the other", async ({ page }) => {
  await page.goto(`${SITES.host.url}?mode=plain`);
  await expect(page.getByTestId("plain-status")).toHaveText(LISTENING);

  await page.getByTestId("mode-switch").click();
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
  await expect(page.getByTestId("mode")).toContainText("Mode: connection");
  expect(await page.url()).toBe(SITES.host.url);
  const child = page.frameLocator("[data-testid=child-frame]");
  await expect(child.getByTestId("mode")).toContainText("Mode: connection");

  await page.getByTestId("mode-switch").click();
  await expect(page.getByTestId("plain-status")).toHaveText(LISTENING);
  expect(await page.url()).toBe(`${SITES.host.url}?mode=plain`);
});

test("plain mode: a page on a third origin that frames the widget: its message is dropped, never shown or answered", async ({
  page,
  consoleLines,
}) => {
  const query = new URLSearchParams({ frame: PLAIN_CHILD_URL });
  await page.goto(`${THIRD}/attacker.html?${query}`);
  const child = page.frameLocator("#victim");
  // The widget runs in plain mode (its listener is up once it has rendered).
  await expect(child.getByTestId("plain-status")).toHaveText("no message from the host yet");

  // Well formed, at the widget's exact origin: it would be shown if the origin were allowed.
  await page.evaluate(() => window.post("message", { body: { Text: "sneaky" } }));
  const reason = `origin ${THIRD} is not allowed`;
  await expect(child.getByTestId("plain-refused")).toHaveText(refusedSummary(1, THIRD, reason));
  await consoleLine(consoleLines, `crossframe: dropped a message from ${THIRD}: ${reason}`);

  // Nothing shown, nothing answered, no hello (the widget greets allowed
  // hosts only). Where the browser tells the widget who framed it
  // (location.ancestorOrigins), it says `refused` to that page, once, and
  // nothing else.
  const notRefused = () =>
    page.evaluate(() => window.heard.filter((m) => m.data !== '{"crossframe":1,"kind":"refused"}'));
  await expectNothingArrives(notRefused, "the third-origin page");
  expect((await page.evaluate(() => window.heard)).length).toBeLessThanOrEqual(1);
  await expect(child.locator("[data-testid=plain-received] li")).toHaveCount(0);
  await expect(child.getByTestId("plain-status")).toHaveText("no message from the host yet");
});

test("plain mode: the host drops a message from the widget's origin in another window, and one from a third origin", async ({
  page,
  consoleLines,
}) => {
  await openPlainHost(page);
  const popup = async (origin, text) => {
    const path = origin === CHILD ? "/__e2e/post-to-opener.html" : "/post-to-opener.html";
    const opened = await openPopup(page, `${origin}${path}?${new URLSearchParams({ to: HOST, text })}`);
    await expect(opened).toHaveTitle("posted");
    await opened.close();
  };
  const refused = page.getByTestId("plain-refused");

  await popup(CHILD, "from another window");
  const wrongWindow = "sender is not the embedded iframe's window";
  await expect(refused).toHaveText(refusedSummary(1, CHILD, wrongWindow));
  await consoleLine(consoleLines, `dropped a message from ${CHILD}: ${wrongWindow}`);

  await popup(THIRD, "from a wrong origin");
  const wrongOrigin = `origin ${THIRD} is not allowed`;
  await expect(refused).toHaveText(refusedSummary(2, THIRD, wrongOrigin));
  await consoleLine(consoleLines, `dropped a message from ${THIRD}: ${wrongOrigin}`);

  await expect(page.getByTestId("plain-log")).not.toContainText("from another window");
  await expect(page.getByTestId("plain-log")).not.toContainText("from a wrong origin");
  // The widget still gets and answers the host's messages.
  await type(page, "Hello");
  await expect(page.locator("[data-testid=plain-log] li.received .text")).toHaveText(["您好, I got: Hello"]);
});
