/*! crossframe embed.js: put a crossframe widget in any page. No dependencies.
 *
 * One tag (the widget appears in the element the selector names):
 *   <script src="https://widget.example/embed.js" data-crossframe-container="#slot"></script>
 *   ... then window.crossframe.widget is the connection.
 *
 * Or one call:
 *   const widget = crossframe.embed({ container: "#slot", onMessage: (m) => console.log(m) });
 *   await widget.ready;                       // connected (rejects if refused)
 *   widget.send({ Text: "hi" });              // fire-and-forget
 *   const answer = await widget.call("Location", { timeout: 2000 });
 *
 * The widget's origin is taken from this script's own URL, and every message
 * must come from that origin and from the widget's iframe; all traffic after
 * the handshake goes over a private MessagePort. Nothing is ever posted with
 * target origin "*". Wire format: see PROTOCOL.md.
 *
 * Several one-tag embeds on one page (the same widget or others) each get
 * their own handle: crossframe.widgets lists them in order, crossframe.widget
 * is the first.
 *
 * Or as an ES module, embed.mjs (no global; the widget's URL is the module's):
 *   import { embed } from "https://widget.example/embed.mjs";
 *
 * This file is the readable source of both: the build (tools/build-embed.mjs)
 * minifies it into the widget's bundle as embed.js, and makes embed.mjs of
 * it (MODULE_URL below becomes import.meta.url, the wrapper an export).
 * embed.d.ts beside them has the TypeScript types, from the widget's Rust API.
 */
(() => {
  "use strict";
  const VERSION = 1;
  const MAX_LEN = 4 * 1024 * 1024;
  /** The longest delay a browser timer holds (2^31 - 1 ms, ~24.8 days); longer waits re-arm. */
  const MAX_TIMER = 2 ** 31 - 1;
  /** At most this many of the widget's calls are answered at once; more are answered "busy". */
  const MAX_ANSWERING = 1000;
  /** At most this many of the page's calls wait for answers at once; more fail "overloaded" (as in Rust). */
  const MAX_PENDING = 10000;
  /** At most this many drops are logged a second; the rest are summed up in one line. */
  const DROP_LOG_LIMIT = 20;
  /** The kinds taken on the window (from the widget), on the port, at all; the integer field each must have. */
  const ON_WINDOW = "hello refused resize message".split(" ");
  const ON_PORT = "ack message request response resize bye ping pong".split(" ");
  const KINDS = [...ON_PORT, "hello", "refused", "connect"];
  const NUMBER = { connect: "session", ack: "session", request: "id", response: "id", resize: "height" };
  const FOREIGN = "data is not a crossframe envelope";
  /** embed.mjs: the module's own URL (the build writes import.meta.url here); null in embed.js. */
  const MODULE_URL = null;

  // This script's own element and URL, read through the prototypes' getters:
  // markup can shadow document.currentScript (an <img name="currentScript">,
  // a <form> or <iframe> of that name: DOM clobbering), never these getters.
  const getter = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
  const current = getter(Document.prototype, "currentScript").call(document);
  const script = current instanceof HTMLScriptElement ? current : null;
  const src = script ? getter(HTMLScriptElement.prototype, "src").call(script) : "";
  const base = MODULE_URL || src ? new URL("./", MODULE_URL || src).href : null;
  const dataset = (name) => (script ? Element.prototype.getAttribute.call(script, name) : null);

  /** A failed call or connection: `code` is timeout, aborted, disconnected, remote, not-connected, refused, version, encode or invalid. */
  class CrossframeError extends Error {
    constructor(code, message, cause) {
      super(message, arguments.length > 2 ? { cause } : undefined);
      this.name = "CrossframeError";
      this.code = code;
    }
  }

  const encode = (kind, fields) => JSON.stringify(Object.assign({ crossframe: VERSION, kind }, fields));

  /** Encodes an application value, or throws a clear error for one JSON cannot carry. */
  function encodeBody(kind, fields) {
    let body;
    try {
      body = JSON.stringify(fields.body);
    } catch (error) {
      throw new CrossframeError("encode", `cannot send this value: ${error.message}`);
    }
    if (body === undefined) {
      throw new CrossframeError("encode", `cannot send ${typeof fields.body} values: JSON has no ${typeof fields.body}`);
    }
    return encode(kind, fields);
  }

  const utf8 = new TextDecoder();

  /** Calls `fn` after `ms` milliseconds, however long (past MAX_TIMER it re-arms); returns a cancel function. */
  function later(ms, fn) {
    const due = performance.now() + ms;
    let timer;
    const arm = () => {
      const left = due - performance.now();
      timer = left > MAX_TIMER ? setTimeout(arm, MAX_TIMER) : setTimeout(fn, Math.max(left, 0));
    };
    if (ms !== Infinity) arm();
    return () => clearTimeout(timer);
  }

  /** A call's timeout: a number of milliseconds > 0 (Infinity: never), or the default. */
  function callTimeout(value, fallback) {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "number" || !(value > 0)) {
      throw new CrossframeError("invalid", `timeout must be a number of milliseconds above 0, not ${String(value)}`);
    }
    return value;
  }

  /** An error's text for the peer, whatever was thrown. */
  function describe(error) {
    try {
      return String(error && error.message !== undefined ? error.message : error);
    } catch {
      return "the page's onRequest failed";
    }
  }

  /** Parses data with crossframe's marker; for anything else, says why it is not ours. */
  function parse(data) {
    // On the port, long envelopes come as UTF-8 bytes (PROTOCOL.md).
    if (data instanceof Uint8Array && data.length <= MAX_LEN) data = utf8.decode(data);
    if (typeof data !== "string" && !(data instanceof Uint8Array)) return `${FOREIGN} (a ${typeof data}, not a string)`;
    if (data.length > MAX_LEN) return `message is ${data.length} long, over the limit of ${MAX_LEN}`;
    if (data[0] !== "{") return `${FOREIGN}: not a JSON object`;
    try {
      const envelope = JSON.parse(data);
      return "crossframe" in envelope ? envelope : `${FOREIGN}: no "crossframe" field`;
    } catch (error) {
      return `${FOREIGN}: ${error.message}`;
    }
  }

  /** Why a marked envelope is not one to take here (`kinds`), or "". */
  function refuse(envelope, kinds) {
    const { crossframe: version, kind, error } = envelope;
    const field = NUMBER[kind];
    const bad = `malformed crossframe envelope: ${kind} has no`;
    return version !== VERSION
      ? `protocol version ${JSON.stringify(version)} is not supported (this side speaks ${VERSION})`
      : !kinds.includes(kind)
        ? KINDS.includes(kind) ? `a "${kind}" frame is not expected here` : `unknown message kind ${JSON.stringify(kind)}`
        : field && !(Number.isSafeInteger(envelope[field]) && envelope[field] >= 0)
          ? `${bad} "${field}"`
          : kind === "response" && error !== undefined
            ? typeof error === "string" ? "" : `${bad} text in "error"`
            : /^(message|request|response)$/.test(kind) && !("body" in envelope) ? `${bad} "body"` : "";
  }

  // Drops are logged at most DROP_LOG_LIMIT a second, as on the Rust side.
  let logStart = 0;
  let logged = 0;
  let quiet = 0;
  function logDrop(text) {
    const now = Date.now();
    if (now - logStart >= 1000) {
      if (quiet) console.warn(`crossframe: ${quiet} more messages dropped (logging at most ${DROP_LOG_LIMIT} a second)`);
      logStart = now;
      logged = quiet = 0;
    }
    if (logged < DROP_LOG_LIMIT) {
      logged += 1;
      console.warn(`crossframe: ${text}`);
    } else quiet += 1;
  }

  function embed(options = {}) {
    if (!options.url && !base) {
      // Never fall back to the page's own URL or anything else: say why.
      throw new CrossframeError(
        "invalid",
        "crossframe: no widget URL: load embed.js with a <script src> tag, or pass { url } to embed()",
      );
    }
    const url = new URL(options.url || base, location.href).href;
    const origin = new URL(url).origin;
    if (origin === "null") throw new CrossframeError("refused", `cannot embed ${url}: it has no origin`);
    const container =
      typeof options.container === "string" ? document.querySelector(options.container) : options.container;
    if (!container) throw new Error(`crossframe: no container ${options.container}`);
    const timeout = callTimeout(options.timeout, 5000);

    const iframe = document.createElement("iframe");
    iframe.src = url;
    iframe.title = options.title || "embedded widget";
    iframe.style.cssText = "width:100%;border:0;display:block;height:150px";

    let port = null;
    let session = 0;
    let nextId = 1;
    let answering = 0;
    const pending = new Map();
    const stats = { delivered: 0, dropped: 0 };
    let settle = null;

    const widget = {
      iframe,
      origin,
      state: "connecting",
      reason: null,
      onMessage: options.onMessage || null,
      onRequest: options.onRequest || null,
      onState: options.onState || null,
      onDrop: options.onDrop || null,
      ready: null,
      /** Messages taken, and messages dropped (each logged with its reason and passed to onDrop). */
      stats: () => ({ ...stats }),
      send(message) {
        if (!port || widget.state !== "connected") throw new CrossframeError("not-connected", "not connected");
        port.postMessage(encodeBody("message", { body: message }));
      },
      call(request, callOptions = {}) {
        if (!port || widget.state !== "connected") {
          return Promise.reject(new CrossframeError("not-connected", "not connected"));
        }
        if (pending.size >= MAX_PENDING) {
          return Promise.reject(new CrossframeError("overloaded", `${MAX_PENDING} calls are already waiting for answers`));
        }
        let text;
        let wait;
        const id = nextId++;
        const signal = callOptions.signal;
        const aborted = () => new CrossframeError("aborted", "the call was aborted", signal.reason);
        try {
          wait = callTimeout(callOptions.timeout, timeout);
          if (signal != null && !(signal instanceof AbortSignal)) {
            throw new CrossframeError("invalid", `signal must be an AbortSignal, not ${String(signal)}`);
          }
          if (signal && signal.aborted) throw aborted();
          text = encodeBody("request", { id, body: request });
        } catch (error) {
          return Promise.reject(error);
        }
        // However it ends (answer, timeout, abort, disconnect): not pending, no timer, no listener.
        // An abort is not told to the widget: its answer will be dropped.
        return new Promise((resolve, reject) => {
          const end = (settle) => (value) => {
            pending.delete(id);
            stop();
            if (signal) signal.removeEventListener("abort", onAbort);
            settle(value);
          };
          const fail = end(reject);
          const stop = later(wait, () => fail(new CrossframeError("timeout", `no answer within ${wait} ms`)));
          const onAbort = () => fail(aborted());
          if (signal) signal.addEventListener("abort", onAbort);
          pending.set(id, { resolve: end(resolve), reject: fail });
          port.postMessage(text);
        });
      },
      destroy() {
        if (port) port.postMessage(encode("bye"));
        disconnect("closed", "this side closed the connection");
        window.removeEventListener("message", onWindowMessage);
        window.removeEventListener("pagehide", onPageHide);
        window.removeEventListener("pageshow", onPageShow);
        frames.delete(iframe);
        iframe.remove();
      },
    };
    widget.ready = new Promise((resolve, reject) => {
      settle = { resolve, reject };
    });
    widget.ready.catch(() => {}); // callers that never await it are not "unhandled"

    function setState(state, reason) {
      widget.state = state;
      widget.reason = reason;
      if (state === "connected") settle.resolve(widget);
      if (state === "disconnected" && (reason.code === "refused" || reason.code === "version")) {
        settle.reject(reason);
        console.warn(`crossframe: ${reason.message}`);
      }
      if (widget.onState) widget.onState(state, reason);
    }

    function disconnect(code, message) {
      if (port) port.close();
      port = null;
      const error = new CrossframeError(code, message);
      for (const [, call] of pending) call.reject(new CrossframeError("disconnected", `disconnected: ${message}`));
      setState("disconnected", error);
    }

    function openChannel() {
      if (port) port.close();
      const channel = new MessageChannel();
      session += 1;
      port = channel.port1;
      port.onmessage = onPortMessage;
      iframe.contentWindow.postMessage(encode("connect", { session }), origin, [channel.port2]);
    }

    function resize(height) {
      if (Number.isFinite(height) && height >= 0) iframe.style.height = `${Math.ceil(height)}px`;
    }

    /** Counts a dropped message, logs it (rate-limited) and tells onDrop. */
    function drop(from, reason) {
      stats.dropped += 1;
      logDrop(`dropped a message from ${from}: ${reason}`);
      if (widget.onDrop) widget.onDrop({ origin: from, reason });
    }

    function onWindowMessage(event) {
      const mine = event.source === iframe.contentWindow;
      const envelope = parse(event.data);
      // The page is not ours: from other windows, messages without our
      // marker (other scripts') and those of other embed.js's widgets are
      // not for us. Whatever else is not taken is dropped. We take only the
      // widget's own window, on the widget's own origin.
      if (!mine && (typeof envelope === "string" || [...frames].some((f) => f.contentWindow === event.source))) return;
      const reason =
        event.origin !== origin
          ? `origin ${event.origin} is not allowed`
          : !mine
            ? "sender is not the embedded iframe's window"
            : typeof envelope === "string"
              ? envelope
              : refuse(envelope, ON_WINDOW);
      if (reason) {
        const version = envelope.crossframe;
        if (mine && event.origin === origin && typeof version === "number" && version !== VERSION && widget.state !== "disconnected") {
          iframe.contentWindow.postMessage(encode("hello"), origin);
          disconnect("version", `the widget speaks protocol version ${version}, this page ${VERSION}`);
        }
        return drop(event.origin, reason);
      }
      stats.delivered += 1;
      switch (envelope.kind) {
        case "hello":
          if (widget.state !== "connecting") disconnect("disconnected", "the widget started over");
          setState("connecting", null);
          openChannel();
          break;
        case "refused":
          disconnect("refused", `the widget at ${origin} does not allow this page's origin (${location.origin})`);
          break;
        case "resize":
          resize(envelope.height);
          break;
        case "message":
          if (widget.onMessage) widget.onMessage(envelope.body);
          break;
      }
    }

    function onPortMessage(event) {
      const envelope = parse(event.data);
      const { kind, id } = envelope;
      const reason =
        typeof envelope === "string"
          ? envelope
          : refuse(envelope, ON_PORT) ||
            (kind === "ack" && (envelope.session !== session || widget.state === "connected")
              ? `an ack of session ${envelope.session} is not expected here`
              : kind === "response" && !pending.has(id)
                ? `a response to call ${id}, which is not waiting (timed out, aborted or never made)`
                : "");
      if (reason) return drop(`${origin} (private channel)`, reason);
      if (kind !== "ping" && kind !== "pong") stats.delivered += 1;
      switch (kind) {
        case "ack":
          setState("connected", null);
          break;
        case "message":
          if (widget.onMessage) widget.onMessage(envelope.body);
          break;
        case "resize":
          resize(envelope.height);
          break;
        case "response": {
          const call = pending.get(id);
          if ("error" in envelope) call.reject(new CrossframeError("remote", envelope.error));
          else call.resolve(envelope.body);
          break;
        }
        case "request":
          answer(id, envelope.body);
          break;
        case "bye":
          disconnect("disconnected", "the widget went away");
          break;
        case "ping":
          port.postMessage(encode("pong"));
          break;
        case "pong":
          clearTimeout(pingTimer);
          break;
      }
    }

    // A new document in the iframe: the old one may be gone without a "bye"
    // (cross-site navigation). No pong within a second: the widget is gone.
    let pingTimer = null;
    function ping() {
      if (widget.state !== "connected" || !port) return;
      const pinged = port;
      clearTimeout(pingTimer);
      pingTimer = setTimeout(() => {
        if (port === pinged) disconnect("disconnected", "the widget went away");
      }, 1000);
      port.postMessage(encode("ping"));
    }

    /**
     * Answers the widget's call `id` exactly once, on the port it came on:
     * onRequest's value, or an error saying why not (no handler, it threw or
     * returned nothing, its value cannot travel as JSON, too many at once).
     */
    async function answer(id, request) {
      const answeringPort = port;
      let reply;
      if (answering >= MAX_ANSWERING) {
        reply = encode("response", { id, error: `busy: ${MAX_ANSWERING} calls are being answered` });
      } else {
        answering += 1;
        try {
          if (!widget.onRequest) throw new Error("this page answers no calls");
          const body = await widget.onRequest(request);
          if (body === undefined) throw new Error("the page's onRequest returned nothing");
          reply = encodeBody("response", { id, body });
        } catch (error) {
          reply = encode("response", { id, error: describe(error) });
        } finally {
          answering -= 1;
        }
      }
      if (answeringPort === port && port) port.postMessage(reply);
    }

    // Leaving the page (it may go into the back/forward cache): say bye and
    // fail pending calls now, as the widget does. Back again from that cache
    // (`persisted`): start over, as on a fresh load. A page that reloads
    // instead starts from scratch anyway.
    function onPageHide() {
      if (port) port.postMessage(encode("bye"));
      if (widget.state !== "disconnected") disconnect("closed", "this page was left");
    }
    function onPageShow(event) {
      if (!event.persisted) return;
      clearTimeout(pingTimer);
      setState("connecting", null);
      iframe.contentWindow.postMessage(encode("hello"), origin);
    }

    window.addEventListener("message", onWindowMessage);
    window.addEventListener("pagehide", onPageHide);
    window.addEventListener("pageshow", onPageShow);
    // The widget announces itself when it loads; our hello covers a widget
    // that loaded before this listener existed.
    iframe.addEventListener("load", () => {
      if (widget.state === "connecting") iframe.contentWindow.postMessage(encode("hello"), origin);
      else ping();
    });
    container.appendChild(iframe);
    frames.add(iframe);
    return widget;
  }

  /**
   * Every iframe an embed.js or embed.mjs on this page made, shared by all of
   * them (a symbol-keyed property of window: markup cannot forge it).
   */
  const FRAMES = Symbol.for("crossframe embed.js frames");
  const frames = window[FRAMES] || (window[FRAMES] = new Set());
  // embed.mjs: no global; the module exports these (the build adds the export).
  if (MODULE_URL) return { embed, CrossframeError, PROTOCOL_VERSION: VERSION };

  // One `crossframe` for the page, shared by every embed.js on it: the first
  // creates it (an own property of window, which no named element shadows),
  // the others add their widgets to it. Markup cannot forge the mark.
  const MARK = Symbol.for("crossframe embed.js");
  const found = Object.getOwnPropertyDescriptor(window, "crossframe");
  const shared =
    found && found.value && found.value[MARK]
      ? found.value
      : { embed, CrossframeError, PROTOCOL_VERSION: VERSION, widget: null, widgets: [], [MARK]: true };
  window.crossframe = shared;
  const selector = dataset("data-crossframe-container");
  if (selector) {
    const start = () => {
      const widget = embed({ container: selector });
      shared.widgets.push(widget);
      if (!shared.widget) shared.widget = widget;
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})();
