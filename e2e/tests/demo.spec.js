// The classic scenario and the refusals that keep it safe, with the host on
// 127.0.0.1 and the child on localhost (two sites: the child runs in its own
// renderer process where the engine isolates sites).
import { SITES } from "./sites.js";
import { childFrame, consoleLine, envelope, expect, openHost, openPopup, test } from "./helpers.js";

const CHILD_REFUSED = "[data-testid=refused]";

test("host says Hello, the child shows it with the host's origin, the host shows the child's reply", async ({
  page,
  consoleLines,
}) => {
  const child = await openHost(page);

  const received = child.locator("[data-testid=received] li");
  await expect(received).toHaveCount(1);
  await expect(received.locator(".text")).toHaveText("Hello");
  await expect(received.locator(".origin")).toHaveText(SITES.host.origin);

  const hostLog = page.getByTestId("log");
  await expect(hostLog.locator("li.sent .text")).toHaveText(["Hello"]);
  const reply = hostLog.locator("li.received");
  await expect(reply.locator(".text")).toHaveText([`您好，这里是 ${SITES.child.url}`]);
  await expect(reply.locator(".origin")).toHaveText([SITES.child.origin]);
  await expect(child.getByTestId("state")).toHaveText(`connected to ${SITES.host.origin}`);
  expect((await consoleLines.read()).filter((l) => l.includes("crossframe: dropped"))).toEqual([]);
});

test("text typed on either side arrives on the other, shown as text", async ({ page, consoleLines }) => {
  const child = await openHost(page);

  await page.getByTestId("host-input").fill("<b>bold?</b> from the host");
  await page.getByTestId("host-input").press("Enter");
  const childTexts = child.locator("[data-testid=received] li .text");
  await expect(childTexts).toHaveText(["Hello", "<b>bold?</b> from the host"]);
  await expect(child.locator("[data-testid=received] b")).toHaveCount(0);
  // Each host message is answered.
  await expect(page.locator("[data-testid=log] li.received")).toHaveCount(2);

  await child.getByTestId("child-input").fill("from the child 你好");
  await child.getByTestId("child-input").press("Enter");
  const hostReceived = page.locator("[data-testid=log] li.received .text");
  await expect(hostReceived.last()).toHaveText("from the child 你好");
  await expect(page.locator("[data-testid=log] li.received .origin").last()).toHaveText(SITES.child.origin);
  expect((await consoleLines.read()).filter((l) => l.includes("crossframe: dropped"))).toEqual([]);
});

test("a page on a third origin that frames the child cannot talk to it", async ({ page, consoleLines }) => {
  const attackerUrl = `${SITES.third.origin}/frame-child.html?child=${encodeURIComponent(SITES.child.url)}`;
  await page.goto(attackerUrl);
  const child = page.frameLocator("#child");
  // The widget is running, and says it will not talk to this page.
  const notAllowed = `disconnected: embedded by ${SITES.third.origin}, which is not an allowed host`;
  await expect(child.getByTestId("state")).toHaveText(notAllowed);

  await page.evaluate(() => window.attack("sneaky"));

  const reason = `dropped a message from ${SITES.third.origin}: origin ${SITES.third.origin} is not allowed`;
  await expect(child.locator(CHILD_REFUSED)).toHaveText(`Refused 1 message(s); last: ${reason}`);
  await consoleLine(consoleLines, `crossframe: ${reason}`);
  await expect(child.locator("[data-testid=received] li")).toHaveCount(0);
  await expect(child.getByTestId("state")).toHaveText(notAllowed);
});

test("the host drops a message from the child's origin but another window, and one from a wrong origin", async ({
  page,
  consoleLines,
}) => {
  await openHost(page);
  const popup = async (origin, text) => {
    const url = `${origin}/${origin === SITES.child.origin ? "__e2e/" : ""}post-to-opener.html?to=${encodeURIComponent(
      SITES.host.origin,
    )}&text=${encodeURIComponent(text)}`;
    const opened = await openPopup(page, url);
    await expect(opened).toHaveTitle("posted");
    await opened.close();
  };

  await popup(SITES.child.origin, "from another window");
  const wrongWindow = `dropped a message from ${SITES.child.origin}: sender is not the embedded iframe's window`;
  await expect(page.getByTestId("refused")).toHaveText(`Refused 1 message(s); last: ${wrongWindow}`);
  await consoleLine(consoleLines, wrongWindow);

  await popup(SITES.third.origin, "from a wrong origin");
  const wrongOrigin = `dropped a message from ${SITES.third.origin}: origin ${SITES.third.origin} is not allowed`;
  await expect(page.getByTestId("refused")).toHaveText(`Refused 2 message(s); last: ${wrongOrigin}`);
  await consoleLine(consoleLines, wrongOrigin);

  await expect(page.getByTestId("log")).not.toContainText("from another window");
  await expect(page.getByTestId("log")).not.toContainText("from a wrong origin");
});

test("malformed data, foreign objects and unknown kinds are dropped without a panic; the next good message arrives", async ({
  page,
  consoleLines,
}) => {
  const child = await openHost(page);
  await expect(child.locator("[data-testid=received] li")).toHaveCount(1);

  // Host -> child: junk from the right origin and window, then a good message.
  await page.evaluate(
    ({ origin, good }) => {
      const w = document.querySelector("iframe").contentWindow;
      w.postMessage("garbage{", origin);
      w.postMessage({ type: "webpackOk" }, origin);
      w.postMessage('{"crossframe":1,"kind":"explode"}', origin);
      w.postMessage('{"crossframe":1,"kind":"message","body":{"Shout":"x"}}', origin);
      w.postMessage(good, origin);
    },
    { origin: SITES.child.origin, good: envelope("after the junk") },
  );
  await expect(child.locator("[data-testid=received] li .text").last()).toHaveText("after the junk");
  await expect(child.locator(CHILD_REFUSED)).toContainText("Refused 4 message(s)");
  await consoleLine(consoleLines, 'unknown message kind "explode"');
  await consoleLine(consoleLines, "(a object, not a string)");
  // The child still answers calls: its wasm survived.
  await page.getByTestId("call-add").click();
  await expect(page.locator("[data-testid=log] li.received .text").last()).toHaveText("sum: 5");

  // Child -> host: the same junk, then a good message.
  await childFrame(page).evaluate(
    ({ origin, good }) => {
      parent.postMessage("garbage{", origin);
      parent.postMessage([1, 2, 3], origin);
      parent.postMessage('{"crossframe":1,"kind":"explode","body":1}', origin);
      parent.postMessage('{"crossframe":1,"kind":"message","body":{"Text":5}}', origin);
      parent.postMessage(good, origin);
    },
    { origin: SITES.host.origin, good: envelope("child after the junk") },
  );
  await expect(page.locator("[data-testid=log] li.received .text").last()).toHaveText("child after the junk");
  await expect(page.getByTestId("refused")).toContainText("Refused 4 message(s)");
});
