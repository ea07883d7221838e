// A host page in TypeScript: embeds the widget with one import and talks to
// it, every message, call and answer typed by the widget's embed.d.ts
// (generated from its Rust types). The end-to-end test (e2e/tests/ts-host.spec.js)
// reads what it did from window.tsHost.
import { CrossframeError, embed } from "crossframe-widget";
import type { ChildToHost, HostRequest, HostResponse, WidgetRequest, WidgetResponse } from "crossframe-widget";

const status = document.querySelector<HTMLElement>("[data-testid=status]")!;
const log = document.querySelector<HTMLElement>("[data-testid=log]")!;

function show(line: string): void {
  const item = document.createElement("li");
  item.textContent = line;
  log.appendChild(item);
}

/** What the widget's messages say, to people. */
function describeMessage(message: ChildToHost): string {
  if ("Text" in message) return `the widget says ${message.Text}`;
  return `tally ${message.Tally}`;
}

/** The page answers the widget's calls; the compiler checks every request is answered. */
function answer(request: HostRequest): HostResponse {
  switch (request) {
    case "Title":
      return { Title: document.title };
  }
}

/** An answer of the widget, to people. */
function describeResponse(response: WidgetResponse): string {
  if (typeof response !== "object") return String(response);
  if ("Greeting" in response) return `${response.Greeting.text} (${response.Greeting.location})`;
  if ("Location" in response) return `the widget runs at ${response.Location}`;
  if ("Sum" in response) return `the sum is ${response.Sum}`;
  return `waited ${response.Waited} ms`;
}

const received: ChildToHost[] = [];
const widget = embed({
  container: "#slot",
  title: "the widget, from TypeScript",
  onMessage(message) {
    received.push(message);
    show(describeMessage(message));
  },
  onRequest: answer,
  onState(state, reason) {
    status.textContent = reason ? `${state}: ${reason.code}: ${reason.message}` : state;
  },
});

/** What the page did, for the end-to-end test. */
const results: { calls: WidgetResponse[]; errors: string[]; received: ChildToHost[] } = {
  calls: [],
  errors: [],
  received,
};

declare global {
  interface Window {
    tsHost: { widget: typeof widget; results: typeof results; done: Promise<void> };
  }
}

async function run(): Promise<void> {
  await widget.ready;
  widget.send({ Text: "Hello from TypeScript" });
  const requests: WidgetRequest[] = ["Location", { Add: [2, 3] }, { Greet: "TypeScript" }];
  for (const request of requests) {
    const response = await widget.call(request);
    results.calls.push(response);
    show(describeResponse(response));
  }
  try {
    await widget.call({ Wait: 60_000 }, { timeout: 100 });
  } catch (error) {
    if (error instanceof CrossframeError) results.errors.push(`${error.code}: ${error.message}`);
  }
}

window.tsHost = { widget, results, done: run() };
