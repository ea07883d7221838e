// Variant "raw MessagePort": a one-message handshake on the window (the child
// transfers one end of a MessageChannel to the host at the host's exact
// origin; the host takes it only from the child's origin and window), then
// everything goes over the port.
import { CHILD_ORIGIN, installBench } from "/common/harness.js";

let port = null;
let onAck = null;
const pending = new Map(); // id -> onReply

function onPortMessage(event) {
  const data = event.data;
  if (data.acked !== undefined) {
    onAck(data.acked);
  } else {
    const onReply = pending.get(data.id);
    pending.delete(data.id);
    onReply?.(data);
  }
}

installBench(
  {
    connect(iframe) {
      return new Promise((resolve) => {
        const child = iframe.contentWindow;
        const onHello = (event) => {
          if (event.origin !== CHILD_ORIGIN || event.source !== child) return;
          if (!event.data?.hello || event.ports.length !== 1) return;
          window.removeEventListener("message", onHello);
          port = event.ports[0];
          port.onmessage = onPortMessage; // also starts the port
          resolve();
        };
        window.addEventListener("message", onHello);
      });
    },
    call(msg, onReply) {
      pending.set(msg.id, onReply);
      port.postMessage(msg);
    },
    send(msg) {
      port.postMessage(msg);
    },
    ack(callback) {
      onAck = callback;
      port.postMessage({ ack: true });
    },
  },
  { transport: "MessagePort after a one-message handshake, structured clone", oneWay: true },
);
