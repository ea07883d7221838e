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
 */
(() => {
  "use strict";
  const VERSION = 1;
  const MAX_LEN = 4 * 1024 * 1024;
  const script = document.currentScript;
  const base = script && script.src ? new URL("./", script.src).href : null;

  /** A failed call or connection: `code` is timeout, disconnected, remote, not-connected, refused, version or encode. */
  class CrossframeError extends Error {
    constructor(code, message) {
      super(message);
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

  /** Parses an envelope; returns null for anything that is not one. */
  function decode(data) {
    // On the port, long envelopes come as UTF-8 bytes (PROTOCOL.md).
    if (data instanceof Uint8Array && data.length <= MAX_LEN) data = utf8.decode(data);
    if (typeof data !== "string" || data.length > MAX_LEN || data[0] !== "{") return null;
    try {
      const envelope = JSON.parse(data);
      return envelope && typeof envelope.crossframe === "number" && typeof envelope.kind === "string"
        ? envelope
        : null;
    } catch {
      return null;
    }
  }

  function embed(options = {}) {
    const url = new URL(options.url || base || "", location.href).href;
    const origin = new URL(url).origin;
    if (origin === "null") throw new CrossframeError("refused", `cannot embed ${url}: it has no origin`);
    const container =
      typeof options.container === "string" ? document.querySelector(options.container) : options.container;
    if (!container) throw new Error(`crossframe: no container ${options.container}`);
    const timeout = options.timeout || 5000;

    const iframe = document.createElement("iframe");
    iframe.src = url;
    iframe.title = options.title || "embedded widget";
    iframe.style.cssText = "width:100%;border:0;display:block;height:150px";

    let port = null;
    let session = 0;
    let nextId = 1;
    const pending = new Map();
    let settle = null;

    const widget = {
      iframe,
      origin,
      state: "connecting",
      reason: null,
      onMessage: options.onMessage || null,
      onRequest: options.onRequest || null,
      onState: options.onState || null,
      ready: null,
      send(message) {
        if (!port || widget.state !== "connected") throw new CrossframeError("not-connected", "not connected");
        port.postMessage(encodeBody("message", { body: message }));
      },
      call(request, callOptions = {}) {
        if (!port || widget.state !== "connected") {
          return Promise.reject(new CrossframeError("not-connected", "not connected"));
        }
        let text;
        const id = nextId++;
        try {
          text = encodeBody("request", { id, body: request });
        } catch (error) {
          return Promise.reject(error);
        }
        const wait = callOptions.timeout || timeout;
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            pending.delete(id);
            reject(new CrossframeError("timeout", `no answer within ${wait} ms`));
          }, wait);
          pending.set(id, { resolve, reject, timer });
          port.postMessage(text);
        });
      },
      destroy() {
        if (port) port.postMessage(encode("bye"));
        disconnect("closed", "this side closed the connection");
        window.removeEventListener("message", onWindowMessage);
        window.removeEventListener("pagehide", onPageHide);
        window.removeEventListener("pageshow", onPageShow);
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
      for (const [, call] of pending) {
        clearTimeout(call.timer);
        call.reject(new CrossframeError("disconnected", `disconnected: ${message}`));
      }
      pending.clear();
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

    function onWindowMessage(event) {
      // Only the widget's own window, on the widget's own origin.
      if (event.source !== iframe.contentWindow || event.origin !== origin) return;
      const envelope = decode(event.data);
      if (!envelope) return;
      if (envelope.crossframe !== VERSION) {
        if (widget.state !== "disconnected") {
          iframe.contentWindow.postMessage(encode("hello"), origin);
          disconnect("version", `the widget speaks protocol version ${envelope.crossframe}, this page ${VERSION}`);
        }
        return;
      }
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
      const envelope = decode(event.data);
      if (!envelope || envelope.crossframe !== VERSION) return;
      switch (envelope.kind) {
        case "ack":
          if (envelope.session === session && widget.state !== "connected") setState("connected", null);
          break;
        case "message":
          if (widget.onMessage) widget.onMessage(envelope.body);
          break;
        case "resize":
          resize(envelope.height);
          break;
        case "response": {
          const call = pending.get(envelope.id);
          if (!call) return;
          pending.delete(envelope.id);
          clearTimeout(call.timer);
          if ("error" in envelope) call.reject(new CrossframeError("remote", envelope.error));
          else call.resolve(envelope.body);
          break;
        }
        case "request":
          answer(envelope.id, envelope.body);
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

    async function answer(id, request) {
      const answeringPort = port;
      let reply;
      try {
        if (!widget.onRequest) throw new Error("this page answers no calls");
        reply = { id, body: await widget.onRequest(request) };
      } catch (error) {
        reply = { id, error: String(error && error.message ? error.message : error) };
      }
      if (answeringPort === port && port) port.postMessage(encode("response", reply));
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
    return widget;
  }

  window.crossframe = { embed, CrossframeError, PROTOCOL_VERSION: VERSION };
  const selector = script && script.dataset.crossframeContainer;
  if (selector) {
    const start = () => {
      window.crossframe.widget = embed({ container: selector });
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})();
