// Variant "raw MessagePort", child side: makes a MessageChannel, hands one end
// to the host page (exact origin), then echoes on the other end; counts
// one-way messages and reports the count when asked.
const HOST = new URLSearchParams(location.search).get("host");
const { port1, port2 } = new MessageChannel();
let counted = 0;

port1.onmessage = (event) => {
  const data = event.data;
  if (data.b !== undefined) {
    counted++;
  } else if (data.ack) {
    port1.postMessage({ acked: counted });
    counted = 0;
  } else {
    port1.postMessage(data);
  }
};

window.parent.postMessage({ hello: true }, HOST, [port2]);
