// Hostile pages, bad input and faults. Pages on other origins (and on the
// widget's own origin, in the wrong window) that frame the widget, open the
// host, sit beside the widget in the host page, hide behind a sandbox, pose
// as the widget after navigating its frame away, or flood it: every message
// is dropped with its reason, counted, and shows or calls nothing, and the
// real connection goes on undisturbed.
import { SITES } from "./sites.js";
import {
  CONNECTED,
  consoleLine,
  envelope,
  expect,
  expectNothingArrives,
  openHost,
  openPopup,
  test,
  watchRequests,
} from "./helpers.js";

const HOST = SITES.host.origin;
const CHILD = SITES.child.origin;
const THIRD = SITES.third.origin;
/** Same port as the widget, other host: a lookalike, not the widget's origin. */
const LOOKALIKE = CHILD.replace("localhost", "127.0.0.1");

/** The attacker page (fixtures/attacker.html) as served on `origin`, with `query`. */
function attackerUrl(origin, query) {
  const path = origin === THIRD ? "/attacker.html" : "/__e2e/attacker.html";
  return `${origin}${path}?${new URLSearchParams(query)}`;
}

/** What a `refused` summary says after `count` drops, the last from `origin` for `reason`. */
const refusedSummary = (count, origin, reason) =>
  `Refused ${count} message(s); last: dropped a message from ${origin}: ${reason}`;
const notAllowed = (origin) => `origin ${origin} is not allowed`;
const NULL_ORIGIN = 'origin "null" (a sandboxed or data: document) is not allowed';
const WRONG_WINDOW = "sender is not the embedded iframe's window";

/** `text`, optionally followed by serde_json's " at line L column C" (where its parser stopped). */
const withSerdePosition = (text) =>
  new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( at line \\d+ column \\d+)?$`);

const hostLogTexts = (page) => page.locator("[data-testid=log] li .text");
const lastReceived = (page) => page.locator("[data-testid=log] li.received .text").last();
const lastNote = (page) => page.locator("[data-testid=log] li.note .text").last();

/**
 * Puts an iframe the host never asked for into the host page, as a
 * third-party ad script would, and returns its frame once its script is
 * running. `attributes` are set before it loads (sandbox, say).
 */
async function intrude(page, id, url, attributes = {}) {
  await page.evaluate(
    ({ id, url, attributes }) => {
      const frame = document.createElement("iframe");
      frame.id = id;
      for (const [name, value] of Object.entries(attributes)) frame.setAttribute(name, value);
      frame.src = url;
      document.body.append(frame);
    },
    { id, url, attributes },
  );
  const frame = page.frameLocator(`#${id}`);
  await frame.waitForFunction((url) => location.href === url && typeof window.post === "function", url);
  return frame;
}

/** The real connection still works: connected, and a call is answered on it. */
async function stillConnected(page) {
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
  await page.getByTestId("call-add").click();
  await expect(lastReceived(page)).toHaveText("sum: 5");
}

test("a page on a third origin that frames the widget: message, hello, connect with a port and a call are all refused", async ({
  page,
  consoleLines,
}) => {
  await page.goto(attackerUrl(THIRD, { frame: SITES.child.url }));
  const child = page.frameLocator("#victim");
  const embeddedBy = `disconnected: embedded by ${THIRD}, which is not an allowed host`;
  await expect(child.getByTestId("state")).toHaveText(embeddedBy);
  // The only thing the widget ever says to this page: it is refused.
  const refusedOnly = [{ origin: CHILD, data: '{"crossframe":1,"kind":"refused"}' }];
  await expect.poll(() => page.evaluate(() => window.heard)).toEqual(refusedOnly);

  const refused = child.getByTestId("refused");
  const reason = notAllowed(THIRD);
  await page.evaluate(() => window.post("message", { body: { Text: "sneaky message" } }));
  await expect(refused).toHaveText(refusedSummary(1, THIRD, reason));
  await consoleLine(consoleLines, `crossframe: dropped a message from ${THIRD}: ${reason}`);
  await page.evaluate(() => window.post("hello"));
  await expect(refused).toHaveText(refusedSummary(2, THIRD, reason));

  // A connect with a port: the widget drops it, so the port it carried is
  // never listened to, and calls on the other end go unanswered.
  await page.evaluate(() => window.connect(1));
  await expect(refused).toHaveText(refusedSummary(3, THIRD, reason));
  await page.evaluate(() => {
    window.callOnPort(1, "Location");
    window.callOnPort(2, { Greet: "greet me on the stolen port" });
  });
  // A call on the window path, after the port calls.
  await page.evaluate(() => window.post("request", { id: 3, body: { Greet: "greet me on the window" } }));
  await expect(refused).toHaveText(refusedSummary(4, THIRD, reason));

  await expectNothingArrives(() => page.evaluate(() => window.got), "the attacker's port");
  expect(await page.evaluate(() => window.heard)).toEqual(refusedOnly);
  await expect(child.locator("[data-testid=received] li")).toHaveCount(0);
  await expect(child.getByTestId("state")).toHaveText(embeddedBy);
});

test("a page on a third origin that opens the host in a popup: its message, hello, connect and bye are refused", async ({
  page,
  consoleLines,
}) => {
  await page.goto(attackerUrl(THIRD, {}));
  const host = await page.waitForPopup(() => page.evaluate((url) => void window.openVictim(url), SITES.host.url));
  await expect(host.getByTestId("status")).toHaveText(CONNECTED);

  const refused = host.getByTestId("refused");
  const reason = notAllowed(THIRD);
  await page.evaluate(() => window.post("message", { body: { Text: "from the opener" } }));
  await expect(refused).toHaveText(refusedSummary(1, THIRD, reason));
  await consoleLine(consoleLines, `crossframe: dropped a message from ${THIRD}: ${reason}`);
  await page.evaluate(() => window.post("hello"));
  await expect(refused).toHaveText(refusedSummary(2, THIRD, reason));
  await page.evaluate(() => window.connect(1));
  await expect(refused).toHaveText(refusedSummary(3, THIRD, reason));
  await page.evaluate(() => window.post("bye"));
  await expect(refused).toHaveText(refusedSummary(4, THIRD, reason));

  await stillConnected(host);
  await expect(hostLogTexts(host)).not.toContainText(["from the opener"]);
  // The host said nothing to the opener, on the window or the port.
  expect(await page.evaluate(() => [window.heard, window.got])).toEqual([[], []]);
  await host.close();
});

test("a frame injected beside the widget in the host page, on a third origin and on the widget's own origin, cannot disturb the connection", async ({
  page,
  consoleLines,
}) => {
  const child = await openHost(page);
  await expect(child.locator("[data-testid=received] .text")).toHaveText(["Hello"]);
  const refused = page.getByTestId("refused");
  const attacks = async (frame, text) => {
    await frame.evaluate((text) => {
      window.post("message", { body: { Text: text } });
      window.post("hello");
      window.connect(7);
      window.post("request", { id: 1, body: "Title" });
      window.post("bye");
    }, text);
  };

  // An ad on a third origin: the wrong origin.
  const ad = await intrude(page, "ad", attackerUrl(THIRD, { parent: HOST }));
  await attacks(ad, "from an ad");
  await expect(refused).toHaveText(refusedSummary(5, THIRD, notAllowed(THIRD)));
  await consoleLine(consoleLines, `crossframe: dropped a message from ${THIRD}: ${notAllowed(THIRD)}`);

  // A page of the widget's own origin in another frame: the right origin,
  // the wrong window. Its hello must not start a new handshake.
  const twin = await intrude(page, "twin", attackerUrl(CHILD, { parent: HOST }));
  await attacks(twin, "from the widget's origin, another frame");
  await expect(refused).toHaveText(refusedSummary(10, CHILD, WRONG_WINDOW));
  await consoleLine(consoleLines, `crossframe: dropped a message from ${CHILD}: ${WRONG_WINDOW}`);

  await stillConnected(page);
  // Same session: the widget was greeted once, the host greeted once.
  await expect(child.locator("[data-testid=received] .text")).toHaveText(["Hello"]);
  await expect(page.locator("[data-testid=log] li.sent .text")).toHaveText(["Hello", "call Add(2, 3)"]);
  await expect(hostLogTexts(page)).not.toContainText(["from an ad"]);
  await expect(hostLogTexts(page)).not.toContainText(["from the widget's origin, another frame"]);
  // Neither intruder was offered a channel or sent anything.
  for (const frame of [ad, twin]) {
    expect(await frame.evaluate(() => [window.heard, window.got])).toEqual([[], []]);
  }
});

test("sandboxed frames and a data: document in the host page (origin null) are refused", async ({
  page,
  consoleLines,
}) => {
  await openHost(page);
  const refused = page.getByTestId("refused");
  const sandbox = { sandbox: "allow-scripts" };

  const boxed = await intrude(page, "boxed", attackerUrl(THIRD, { parent: HOST }), sandbox);
  expect(await boxed.evaluate(() => origin)).toBe("null");
  await boxed.evaluate(() => {
    window.post("message", { body: { Text: "from a sandbox" } });
    window.post("hello");
  });
  await expect(refused).toHaveText(refusedSummary(2, "null", NULL_ORIGIN));
  await consoleLine(consoleLines, `crossframe: dropped a message from null: ${NULL_ORIGIN}`);

  // Served by the widget's own origin, but sandboxed: still null.
  const boxedTwin = await intrude(page, "boxed-twin", attackerUrl(CHILD, { parent: HOST }), sandbox);
  expect(await boxedTwin.evaluate(() => origin)).toBe("null");
  await boxedTwin.evaluate(() => {
    window.post("message", { body: { Text: "from a sandboxed twin" } });
    window.post("hello");
  });
  await expect(refused).toHaveText(refusedSummary(4, "null", NULL_ORIGIN));

  // A data: document, which posts as soon as it loads.
  const script = `parent.postMessage(${JSON.stringify(envelope("from a data: document"))}, ${JSON.stringify(HOST)})`;
  await page.evaluate((src) => {
    const frame = document.createElement("iframe");
    frame.src = src;
    document.body.append(frame);
  }, `data:text/html,${encodeURIComponent(`<script>${script}</script>`)}`);
  await expect(refused).toHaveText(refusedSummary(5, "null", NULL_ORIGIN));

  await stillConnected(page);
  await expect(hostLogTexts(page)).not.toContainText(["from a sandbox"]);
  await expect(hostLogTexts(page)).not.toContainText(["from a data: document"]);
});

test("a lookalike origin (the widget's port on another host) is refused, from a popup and from a frame", async ({
  page,
  consoleLines,
}) => {
  await openHost(page);
  const refused = page.getByTestId("refused");
  const reason = notAllowed(LOOKALIKE);

  const url = `${LOOKALIKE}/__e2e/post-to-opener.html?to=${encodeURIComponent(HOST)}&text=${encodeURIComponent(
    "from a lookalike popup",
  )}`;
  const popup = await openPopup(page, url);
  await expect(popup).toHaveTitle("posted");
  await popup.close();
  await expect(refused).toHaveText(refusedSummary(1, LOOKALIKE, reason));
  await consoleLine(consoleLines, `crossframe: dropped a message from ${LOOKALIKE}: ${reason}`);

  const frame = await intrude(page, "lookalike", attackerUrl(LOOKALIKE, { parent: HOST }));
  await frame.evaluate(() => {
    window.post("message", { body: { Text: "from a lookalike frame" } });
    window.post("hello");
  });
  await expect(refused).toHaveText(refusedSummary(3, LOOKALIKE, reason));

  await stillConnected(page);
  await expect(hostLogTexts(page)).not.toContainText(["from a lookalike"]);
});

test("a third party navigates the widget's frame to its own page: the host disconnects and sends that page nothing", async ({
  page,
  consoleLines,
  discarding,
}) => {
  await openHost(page);
  discarding(SITES.child.origin);
  // The recorder says hello from the widget's frame, posing as the widget.
  const recorderUrl = `${THIRD}/recorder.html?hello=${encodeURIComponent(HOST)}`;
  // A frame beside it may not navigate it (the browser refuses)...
  const ad = await intrude(page, "ad", attackerUrl(THIRD, { parent: HOST }));
  await expect(ad.evaluate((url) => window.navigateSibling(0, url), recorderUrl)).rejects.toThrow(
    // Chromium: "does not have permission to navigate"; Firefox: "Property access denied".
    /permission to navigate|access denied|SecurityError|insecure|not allowed/i,
  );
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
  // ...but a script in the host page itself (a third-party script tag) may.
  await page.evaluate((url) => {
    window.frames[0].location.href = url;
  }, recorderUrl);

  // The old widget said bye as it went away.
  await expect(page.getByTestId("status")).toHaveText("disconnected: the peer went away");
  const recorder = page.frameLocator("[data-testid=child-frame]");
  await recorder.waitForFunction((url) => location.href === url && document.title === "recording", recorderUrl);
  // Its hello comes from the right window but the wrong origin.
  await expect(page.getByTestId("refused")).toHaveText(refusedSummary(1, THIRD, notAllowed(THIRD)));
  await consoleLine(consoleLines, `crossframe: dropped a message from ${THIRD}: ${notAllowed(THIRD)}`);

  // Calls and messages fail at once on the host's side: nothing goes out.
  const failed = "call failed: disconnected: the peer went away";
  await page.getByTestId("call-add").click();
  await expect(lastNote(page)).toHaveText(failed);
  await page.getByTestId("host-input").fill("secret for the widget");
  await page.getByTestId("host-input").press("Enter");
  await expect(page.locator("[data-testid=log] li.note .text")).toHaveText([failed, failed]);
  await expect(page.getByTestId("status")).toHaveText("disconnected: the peer went away");
  await expectNothingArrives(() => recorder.evaluate(() => window.got), "the page in the widget's frame");

  // The widget comes back in its frame: the host connects again by itself.
  await page.evaluate((url) => {
    window.frames[0].location.href = url;
  }, SITES.child.url);
  await stillConnected(page);
});

test("frame-ancestors: the widget served with the host as its only allowed ancestor cannot be framed by another site", async ({
  page,
  consoleLines,
}) => {
  const guarded = SITES.guarded;
  const wasmFetched = (urls) => urls.filter((url) => url.startsWith(guarded.origin) && /\.wasm(\?|$)/.test(url));
  /** A page on `origin` that frames the guarded widget (id "child"); returns what the server was asked for since. */
  const embed = async (origin) => {
    const seen = await watchRequests();
    const frameChild = `${origin}${origin === THIRD ? "" : "/__e2e"}/frame-child.html`;
    await page.goto(`${frameChild}?child=${encodeURIComponent(guarded.url)}`);
    return seen;
  };

  // (a) A page on the third origin: the browser refuses to render the
  // widget's document in the frame (each engine shows its own error page),
  // so the widget never starts: its wasm is never even fetched.
  const blockedRequests = await embed(THIRD);
  await expect.poll(blockedRequests).toContainEqual(guarded.url);
  // Its document was answered; the frame shows no widget, and asks for nothing more.
  await expect(page.frameLocator("#child").locator("[data-testid=state]")).toHaveCount(0);
  await page.waitForFunction(() => document.readyState === "complete");
  expect(wasmFetched(await blockedRequests())).toEqual([]);

  // (b) A page on the host's origin: the same URL loads and the widget runs.
  const allowedRequests = await embed(HOST);
  await expect(page.frameLocator("#child").getByTestId("state")).toHaveText("connecting");
  expect(wasmFetched(await allowedRequests()).length).toBeGreaterThan(0);
});

test("bad input from the widget's real parent is dropped with its reason, without a panic; then a good message arrives", async ({
  page,
  consoleLines,
}) => {
  const child = await openHost(page);
  const refused = child.getByTestId("refused");
  const MAX = 4 * 1024 * 1024;
  // [what, the data (or how the page builds it), why the widget drops it
  // (serde_json adds where it stopped)]
  /** `prefix`, 100 000 `open`, `middle`, 100 000 `close`, `suffix`: built in the page. */
  const nested = (prefix, open, middle, close, suffix) => ({
    prefix,
    repeat: open,
    times: 100_000,
    middle,
    then: close,
    suffix,
  });
  const cases = [
    [
      "one over the 4 MiB limit",
      { repeat: "x", times: MAX + 1 },
      `message is ${MAX + 1} long, over the limit of ${MAX}`,
    ],
    [
      "2 Mi CJK characters: under the limit in UTF-16, over it in UTF-8",
      { repeat: "你", times: 2 * 1024 * 1024 },
      `message is ${6 * 1024 * 1024} long, over the limit of ${MAX}`,
    ],
    [
      "100 000 nested arrays as the body",
      nested('{"crossframe":1,"kind":"message","body":', "[", "", "]", "}"),
      "message body does not match the expected type: expected value",
    ],
    [
      "100 000 nested objects in the body",
      nested('{"crossframe":1,"kind":"message","body":{"Text":', '{"a":', "1", "}", "}}"),
      "message body does not match the expected type: invalid type: map, expected a string",
    ],
    [
      "the version as a string",
      '{"crossframe":"1","kind":"message","body":{"Text":"x"}}',
      'malformed crossframe envelope: version is "1"',
    ],
    ["the version as null", '{"crossframe":null,"kind":"hello"}', "malformed crossframe envelope: version is null"],
    [
      "a negative call id",
      '{"crossframe":1,"kind":"request","id":-1,"body":"Location"}',
      "malformed crossframe envelope: id is -1",
    ],
    [
      "a session as a string",
      '{"crossframe":1,"kind":"connect","session":"x"}',
      'malformed crossframe envelope: session is "x"',
    ],
    [
      "a session over u64",
      '{"crossframe":1,"kind":"connect","session":18446744073709551616}',
      "malformed crossframe envelope: session is 18446744073709551616",
    ],
    [
      "a connect without a port",
      '{"crossframe":1,"kind":"connect","session":1}',
      "malformed crossframe envelope: connect without a port",
    ],
    ["the kind as a number", '{"crossframe":1,"kind":5}', "malformed crossframe envelope: kind is 5"],
    [
      "a message without a body",
      '{"crossframe":1,"kind":"message"}',
      'malformed crossframe envelope: message has no "body"',
    ],
    [
      "a body of the wrong type",
      '{"crossframe":1,"kind":"message","body":{"Text":5}}',
      "message body does not match the expected type: invalid type: integer `5`, expected a string",
    ],
    [
      "a duplicated kind",
      '{"crossframe":1,"kind":"hello","kind":"bye"}',
      "malformed crossframe envelope: duplicate field `kind`",
    ],
    [
      "a call on the window path",
      '{"crossframe":1,"kind":"request","id":1,"body":"Location"}',
      'a "request" frame is not expected here',
    ],
    ["a bye on the window path", '{"crossframe":1,"kind":"bye"}', 'a "bye" frame is not expected here'],
    ["null", null, "data is not a crossframe envelope (a null, not a string)"],
  ];
  for (const [index, [what, data, reason]] of cases.entries()) {
    await page.evaluate(
      ({ data, origin }) => {
        const built =
          data && typeof data === "object"
            ? (data.prefix ?? "") +
              data.repeat.repeat(data.times) +
              (data.middle ?? "") +
              (data.then ?? "").repeat(data.times) +
              (data.suffix ?? "")
            : data;
        document.querySelector("iframe").contentWindow.postMessage(built, origin);
      },
      { data, origin: CHILD },
    );
    await expect(refused, what).toHaveText(withSerdePosition(refusedSummary(index + 1, HOST, reason)));
  }
  await consoleLine(consoleLines, `crossframe: dropped a message from ${HOST}: ${cases[0][2]}`);

  // Nothing was shown, the connection is up, and a good message still arrives.
  await expect(child.locator("[data-testid=received] .text")).toHaveText(["Hello"]);
  await expect(child.getByTestId("state")).toHaveText(`connected to ${HOST}`);
  await page.evaluate(
    ({ good, origin }) => document.querySelector("iframe").contentWindow.postMessage(good, origin),
    { good: envelope("good, after the bad input"), origin: CHILD },
  );
  await expect(child.locator("[data-testid=received] .text")).toHaveText(["Hello", "good, after the bad input"]);
  // Unknown fields are ignored (PROTOCOL.md), even nested 100 000 deep: skipped, not recursed into.
  await page.evaluate((origin) => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const wire = `{"crossframe":1,"kind":"message","extra":${deep},"body":{"Text":"with a deep unknown field"}}`;
    document.querySelector("iframe").contentWindow.postMessage(wire, origin);
  }, CHILD);
  await expect(child.locator("[data-testid=received] .text")).toHaveText([
    "Hello",
    "good, after the bad input",
    "with a deep unknown field",
  ]);
  await expect(refused).toHaveText(withSerdePosition(refusedSummary(cases.length, HOST, cases.at(-1)[2])));
  await stillConnected(page);
});

test("a burst of 100 000 foreign messages: all dropped, and the widget stays responsive", async ({
  page,
  consoleLines,
}) => {
  const child = await openHost(page);
  const BURST = 100_000;
  await page.evaluate(
    ({ burst, origin }) => {
      const w = document.querySelector("iframe").contentWindow;
      const junk = [
        { type: "webpackOk" },
        "garbage{",
        [1, 2, 3],
        '{"crossframe":1,"kind":"explode"}',
        42,
        '{"source":"react-devtools-bridge","payload":{}}',
        null,
        '{"crossframe":1,"kind":"message","body":{"Shout":"x"}}',
      ];
      for (let i = 0; i < burst; i++) w.postMessage(junk[i % junk.length], origin);
    },
    { burst: BURST, origin: CHILD },
  );
  await page.evaluate(
    ({ good, origin }) => document.querySelector("iframe").contentWindow.postMessage(good, origin),
    { good: envelope("after the burst"), origin: CHILD },
  );
  await expect(child.locator("[data-testid=received] .text")).toHaveText(["Hello", "after the burst"]);
  await expect(child.getByTestId("refused")).toContainText(
    `Refused ${BURST} message(s); last: dropped a message from ${HOST}`,
  );
  await consoleLine(consoleLines, 'unknown message kind "explode"');
  await stillConnected(page);
});
