// The measuring half of the plain-JS host pages: installs `window.bench` (the
// page contract in bench/README.md) on top of a small transport object that
// each variant's host.js provides:
//
//   connect(iframe)     -> Promise, resolved when the child is connected
//                          (called right after the iframe was inserted)
//   call(msg, onReply)  send msg; the child echoes it; call onReply(echo) as
//                          soon as the echo has been read (event.data)
//   send(msg)           one-way message; the child only counts it
//   ack(onAck)          ask the child how many one-way messages it has
//                          counted since the last ack; onAck(count)
//
// This file is shared by every plain-JS variant and is left out of their
// bundle sizes. All times come from performance.now() in this page.
import { payload } from "./payloads.js";

const params = new URLSearchParams(location.search);
/** The child page's URL, given by the driver as ?child=. */
export const CHILD_URL = params.get("child");
/** Its exact origin: the only target origin and the only accepted sender. */
export const CHILD_ORIGIN = new URL(CHILD_URL).origin;

const DEADLINE_MS = 60_000; // no operation may hang: each rejects after this

let nextId = 1;

function withDeadline(what, run) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${DEADLINE_MS} ms`)), DEADLINE_MS);
    const done = (fn) => (value) => {
      clearTimeout(timer);
      fn(value);
    };
    try {
      run(done(resolve), done(reject));
    } catch (error) {
      done(reject)(error);
    }
  });
}

export function installBench(transport, describe = {}) {
  let iframe = null;
  window.bench = {
    describe: () => ({ ...describe }),

    /** Inserts the iframe; ms from insertion to connected. */
    connect() {
      return withDeadline("connect", (resolve, reject) => {
        if (iframe) throw new Error("already connected");
        iframe = document.createElement("iframe");
        iframe.allow = "cross-origin-isolated";
        iframe.src = CHILD_URL;
        const t0 = performance.now();
        document.body.appendChild(iframe);
        transport.connect(iframe).then(() => resolve(performance.now() - t0), reject);
      });
    },

    /** `iterations` sequential round trips; each sample in µs. */
    rtt(name, iterations) {
      return withDeadline(`rtt ${name}`, (resolve, reject) => {
        const samples = new Array(iterations);
        let i = 0;
        const next = () => {
          const msg = payload(name, nextId++);
          const t0 = performance.now();
          msg.t = t0;
          transport.call(msg, (echo) => {
            const t1 = performance.now();
            samples[i] = (t1 - t0) * 1000;
            if (echo?.id !== msg.id) return reject(new Error(`rtt ${name}: echo of ${echo?.id} for ${msg.id}`));
            if (i === 0 && JSON.stringify(echo) !== JSON.stringify(msg)) {
              return reject(new Error(`rtt ${name}: the echo differs from what was sent`));
            }
            if (++i < iterations) next();
            else resolve(samples);
          });
        };
        next();
      });
    },

    /** n calls issued at once; calls per second until the last echo. */
    pipelined(n, name = "small") {
      return withDeadline(`pipelined ${n}`, (resolve) => {
        let got = 0;
        const t0 = performance.now();
        for (let i = 0; i < n; i++) {
          transport.call(payload(name, nextId++), () => {
            if (++got === n) resolve(n / ((performance.now() - t0) / 1000));
          });
        }
      });
    },

    /** n one-way messages as fast as possible, then the child's count. */
    burst(n) {
      return withDeadline(`burst ${n}`, (resolve) => {
        const t0 = performance.now();
        for (let i = 0; i < n; i++) transport.send({ b: i });
        transport.ack((acked) => resolve({ sent: n, acked, ms: performance.now() - t0 }));
      });
    },
  };
}
