// Variant "raw window.postMessage": the host posts to the iframe's window at
// the child's exact origin; it accepts only messages whose origin is that
// origin and whose source is that window.
import { CHILD_ORIGIN, installBench } from "/common/harness.js";

let child = null; // the iframe's contentWindow
let onReady = null;
let onAck = null;
const pending = new Map(); // id -> onReply

window.addEventListener("message", (event) => {
  if (event.origin !== CHILD_ORIGIN || event.source !== child) return;
  const data = event.data;
  if (data.ready) {
    onReady?.();
  } else if (data.acked !== undefined) {
    onAck(data.acked);
  } else {
    const onReply = pending.get(data.id);
    pending.delete(data.id);
    onReply?.(data);
  }
});

installBench(
  {
    connect(iframe) {
      child = iframe.contentWindow;
      return new Promise((resolve) => (onReady = resolve));
    },
    call(msg, onReply) {
      pending.set(msg.id, onReply);
      child.postMessage(msg, CHILD_ORIGIN);
    },
    send(msg) {
      child.postMessage(msg, CHILD_ORIGIN);
    },
    ack(callback) {
      onAck = callback;
      child.postMessage({ ack: true }, CHILD_ORIGIN);
    },
  },
  { transport: "window.postMessage, structured clone", oneWay: true },
);
