// TypeScript declarations for this widget's embed.js (one tag) and embed.mjs (ES module).
// Generated from the widget's Rust API by crossframe::typescript: do not edit.
//
// Numbers: every Rust integer is a `number` (64-bit ones too: JSON has no BigInt,
// and embed.js refuses one); beyond Number.MAX_SAFE_INTEGER (2^53 - 1) they are not exact.

/**
 * A fire-and-forget message from the host, shown by the widget.
 */
export type HostToChild = { "Text": string } | { "Tally": number };

/**
 * Calls the widget answers.
 */
export type WidgetRequest = { "Greet": string } | "Location" | { "Add": [number, number] } | { "Wait": number };

/**
 * The widget's answers.
 */
export type WidgetResponse = { "Greeting": { 
/**
 * The greeting shown to people.
 */
text: string, 
/**
 * The widget's `location.href`.
 */
location: string, } } | { "Location": string } | { "Sum": number } | { "Waited": number };

/**
 * A fire-and-forget message from the widget, shown by the host.
 */
export type ChildToHost = { "Text": string } | { "Tally": number };

/**
 * Calls the host answers.
 */
export type HostRequest = "Title";

/**
 * The host's answers.
 */
export type HostResponse = { "Title": string };

/** What the widget accepts (`send`) and answers (`call`): its Rust `crossframe::Api`. */
export interface WidgetApi {
  message: HostToChild;
  request: WidgetRequest;
  response: WidgetResponse;
}

/** What this page accepts (`onMessage`) and answers (`onRequest`): the widget's host `crossframe::Api`. */
export interface HostApi {
  message: ChildToHost;
  request: HostRequest;
  response: HostResponse;
}

/** Why a call, a send or the connection failed. */
export type CrossframeErrorCode =
  /** No answer within the call's timeout. */
  | "timeout"
  /** The call's AbortSignal fired (the widget is not told). */
  | "aborted"
  /** The connection ended while the call waited, or the widget went away or started over. */
  | "disconnected"
  /** This side closed the connection (`destroy()`, or the page was left). */
  | "closed"
  /** The widget answered the call with an error (its text is the message). */
  | "remote"
  /** `send` or `call` while not connected. */
  | "not-connected"
  /** 10 000 calls of this page are already waiting for answers. */
  | "overloaded"
  /** The widget does not allow this page's origin (or the widget URL has no origin). */
  | "refused"
  /** The widget speaks another protocol version. */
  | "version"
  /** The value cannot travel as JSON (a BigInt, a function, undefined, a cycle). */
  | "encode"
  /** A bad argument: a timeout that is not a number of ms above 0, a signal that is not an AbortSignal, no widget URL. */
  | "invalid";

/** A failed call or connection: `code` says why, `message` says it to people. */
export declare class CrossframeError extends Error {
  constructor(code: CrossframeErrorCode, message: string, cause?: unknown);
  readonly name: "CrossframeError";
  readonly code: CrossframeErrorCode;
}

/** The connection's state; `reason` says why it is disconnected. */
export type ConnectionState = "connecting" | "connected" | "disconnected";

/** A message not taken (wrong origin, wrong window, malformed, ...): logged, counted, passed to `onDrop`. */
export interface Dropped {
  origin: string;
  reason: string;
}

/** One call's options. */
export interface CallOptions {
  /** Milliseconds above 0 (`Infinity`: never); default: `embed`'s `timeout`. */
  timeout?: number;
  /** Aborting it rejects the call with code "aborted". */
  signal?: AbortSignal;
}

/** What one side offers: the messages it accepts, the calls it answers, their answers. */
export interface Api {
  message: unknown;
  request: unknown;
  response: unknown;
}

/** The page's handlers, typed by what the page accepts (`Host`). */
export interface Handlers<Host extends Api = HostApi> {
  /** A message from the widget. */
  onMessage?: ((message: Host["message"]) => void) | null;
  /** A call from the widget: its answer (or a promise of it); a throw answers with an error. */
  onRequest?: ((request: Host["request"]) => Host["response"] | PromiseLike<Host["response"]>) | null;
  /** Each change of state, with the reason for a disconnect. */
  onState?: ((state: ConnectionState, reason: CrossframeError | null) => void) | null;
  /** Each message dropped, with why. */
  onDrop?: ((dropped: Dropped) => void) | null;
}

/** `embed`'s options. */
export interface EmbedOptions<Host extends Api = HostApi> extends Handlers<Host> {
  /** The element to put the widget's iframe in, or a selector for it. */
  container: string | Element;
  /** The widget's URL; default: beside embed.js / embed.mjs. */
  url?: string;
  /** The iframe's title (default "embedded widget"). */
  title?: string;
  /** Calls' default timeout in milliseconds (default 5000). */
  timeout?: number;
}

/** An embedded widget: the connection to it, typed by both APIs. */
export interface CrossframeWidget<Widget extends Api = WidgetApi, Host extends Api = HostApi> extends Required<Handlers<Host>> {
  readonly iframe: HTMLIFrameElement;
  /** The widget's origin: every message must come from it. */
  readonly origin: string;
  readonly state: ConnectionState;
  /** Why it is disconnected (null otherwise). */
  readonly reason: CrossframeError | null;
  /** Resolves once connected; rejects (code "refused" or "version") if the widget will not talk. */
  readonly ready: Promise<CrossframeWidget<Widget, Host>>;
  /** Messages taken, and messages dropped. */
  stats(): { delivered: number; dropped: number };
  /** Sends the widget a message (fire-and-forget); throws a CrossframeError ("not-connected", "encode"). */
  send(message: Widget["message"]): void;
  /** Calls the widget; rejects with a CrossframeError. */
  call(request: Widget["request"], options?: CallOptions): Promise<Widget["response"]>;
  /** Says bye, fails pending calls ("disconnected"), removes the iframe. */
  destroy(): void;
}

/** Embeds the widget in `options.container` and connects to it. */
export declare function embed(options: EmbedOptions<HostApi>): CrossframeWidget<WidgetApi, HostApi>;

/** The protocol version embed.js speaks. */
export declare const PROTOCOL_VERSION: 1;

/** `window.crossframe`, made by the one-tag embed.js (not by embed.mjs). */
export interface CrossframeGlobal {
  embed: typeof embed;
  CrossframeError: typeof CrossframeError;
  readonly PROTOCOL_VERSION: typeof PROTOCOL_VERSION;
  /** The first one-tag embed's widget (`data-crossframe-container`), once made. */
  readonly widget: CrossframeWidget<WidgetApi, HostApi> | null;
  /** Every one-tag embed's widget, in order. */
  readonly widgets: readonly CrossframeWidget<WidgetApi, HostApi>[];
}

declare global {
  /** Set by the one-tag embed.js; undefined without it (embed.mjs sets no global). */
  var crossframe: CrossframeGlobal | undefined;
}
