// The negative type test: tsc --strict (scripts/build.sh) must find an error
// on every line after `// @ts-expect-error`, or the build fails ("Unused
// '@ts-expect-error' directive"). So the generated declarations catch these
// mistakes. Compiled, never run.
import { embed } from "crossframe-widget";
import type { CrossframeErrorCode, CrossframeWidget, WidgetResponse } from "crossframe-widget";

declare const widget: CrossframeWidget;

// Right: these type-check.
widget.send({ Text: "hi" });
widget.send({ Tally: 1 });
void widget.call("Location", { timeout: 2000 });
void widget.call({ Add: [2, 3] });

// @ts-expect-error: no such message (a typo of Text)
widget.send({ Txt: "hi" });
// @ts-expect-error: a Tally is a number
widget.send({ Tally: "1" });
// @ts-expect-error: a 64-bit integer is a number, never a bigint (embed.js refuses BigInt)
void widget.call({ Add: [2n, 3n] });
// @ts-expect-error: Add takes two numbers
void widget.call({ Add: [2] });
// @ts-expect-error: Title is the host's call, not the widget's
void widget.call("Title");
// @ts-expect-error: no such call option
void widget.call("Location", { timeOut: 2000 });

async function answers(): Promise<void> {
  const response: WidgetResponse = await widget.call("Location");
  // @ts-expect-error: the answer is the union of the widget's responses, not a string
  const text: string = response;
  void text;
}
void answers;

embed({
  container: "#slot",
  // @ts-expect-error: the page is sent ChildToHost messages, which have no "Greeting"
  onMessage: (message) => message.Greeting,
});
embed({
  container: "#slot",
  // @ts-expect-error: the page answers Title with its text, not a number
  onRequest: () => ({ Title: 1 }),
});
// @ts-expect-error: embed needs a container
embed({});

// @ts-expect-error: not one of embed.js's error codes
const code: CrossframeErrorCode = "timed-out";
void code;

// The one-tag script's global, typed too.
const first = window.crossframe?.widget;
first?.send({ Text: "hi" });
// @ts-expect-error: not a message the widget accepts
first?.send("hi");
