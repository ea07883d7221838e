// The page contract (bench/README.md) on top of embed.js: calls go through
// widget.call, one-way messages through widget.send. The child is the
// crossframe bench child (a Yew page), so this measures the JS client.
import { payload } from "/common/payloads.js";

const CHILD_URL = new URLSearchParams(location.search).get("child");
const DEADLINE_MS = 60_000;
let widget = null;
let nextId = 1;

function withDeadline(what, promise) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${DEADLINE_MS} ms`)), DEADLINE_MS);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

const echo = (msg) => widget.call({ Echo: msg }, { timeout: DEADLINE_MS }).then((answer) => answer.Echo);

window.bench = {
  describe: () => ({ transport: "crossframe embed.js calls (plain JS host, Yew child)", oneWay: true }),

  connect() {
    const t0 = performance.now();
    widget = window.crossframe.embed({ url: CHILD_URL, container: document.body, title: "bench child" });
    widget.iframe.allow = "cross-origin-isolated";
    return withDeadline("connect", widget.ready.then(() => performance.now() - t0));
  },

  rtt(name, iterations) {
    return withDeadline(`rtt ${name}`, (async () => {
      const samples = [];
      for (let i = 0; i < iterations; i++) {
        const msg = payload(name, nextId++);
        const t0 = performance.now();
        msg.t = t0;
        const reply = await echo(msg);
        samples.push((performance.now() - t0) * 1000);
        if (reply.id !== msg.id) throw new Error(`rtt ${name}: echo of ${reply.id} for ${msg.id}`);
      }
      return samples;
    })());
  },

  pipelined(n, name = "small") {
    return withDeadline(`pipelined ${n}`, (async () => {
      const t0 = performance.now();
      await Promise.all(Array.from({ length: n }, () => echo(payload(name, nextId++))));
      return n / ((performance.now() - t0) / 1000);
    })());
  },

  burst(n) {
    return withDeadline(`burst ${n}`, (async () => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) widget.send({ Burst: i });
      const answer = await widget.call("HowMany", { timeout: DEADLINE_MS });
      return { sent: n, acked: answer.Count, ms: performance.now() - t0 };
    })());
  },
};
