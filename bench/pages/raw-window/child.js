// Variant "raw window.postMessage", child side: echoes every message from the
// host page (exact origin, parent window) back to event.source; counts
// one-way messages and reports the count when asked.
const HOST = new URLSearchParams(location.search).get("host");
let counted = 0;

window.addEventListener("message", (event) => {
  if (event.origin !== HOST || event.source !== window.parent) return;
  const data = event.data;
  if (data.b !== undefined) {
    counted++;
  } else if (data.ack) {
    event.source.postMessage({ acked: counted }, HOST);
    counted = 0;
  } else {
    event.source.postMessage(data, HOST);
  }
});

window.parent.postMessage({ ready: true }, HOST);
