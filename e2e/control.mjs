// The test server's /__control/ endpoints (serve.mjs --record), on every site:
//
//   GET  /__control/console.js          the recorder every served HTML page loads first
//   POST /__control/console             what a recorder reports (a JSON array of lines)
//   GET  /__control/console?since=N     { lines, next }: the lines from N on (N = -1: none, just `next`)
//   GET  /__control/requests?since=N    { requests, next }: every URL asked for, in order
//   POST /__control/release?key=KEY     answers the requests held with ?hold=KEY
//
// The recorder wraps console.log/info/warn/error/debug and listens for
// uncaught errors and rejections, and sends each line as
// "[origin/path] type: text" with navigator.sendBeacon (no CORS needed,
// sandboxed null-origin frames included). It keeps no connection open, so
// pages stay eligible for the back/forward cache.

const RECORDER = `(() => {
  const url = new URL("/__control/console", location.href).href;
  const where = (self.origin === "null" ? "null" : location.origin) + location.pathname;
  const queue = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = queue.splice(0);
    if (batch.length && !navigator.sendBeacon(url, JSON.stringify(batch))) {
      fetch(url, { method: "POST", body: JSON.stringify(batch) }).catch(() => {});
    }
  };
  const show = (value) => {
    if (typeof value === "string") return value;
    if (value instanceof Error) return value.stack || String(value);
    try { return JSON.stringify(value) ?? String(value); } catch { return String(value); }
  };
  const record = (type, values) => {
    queue.push("[" + where + "] " + type + ": " + values.map(show).join(" ").slice(0, 4000));
    if (!scheduled) { scheduled = true; setTimeout(flush, 0); }
  };
  for (const type of ["log", "info", "warn", "error", "debug"]) {
    const original = console[type];
    console[type] = function (...values) {
      try { record(type, values); } catch {}
      return original.apply(this, values);
    };
  }
  addEventListener("error", (event) => record("uncaught", [event.message, ...(event.error && event.error.stack ? ["(stack: " + event.error.stack.trim().split("\\n").join(" <- ") + ")"] : [])]));
  addEventListener("unhandledrejection", (event) => record("uncaught (in promise)", [event.reason]));
  // Not a window listener: tests count the window's pagehide listeners.
  document.addEventListener("visibilitychange", flush);
})();
`;

const MAX_LINES = 200_000;
const FIXTURE_VARS = JSON.parse(process.env.E2E_FIXTURE_VARS || "{}");

export class Control {
  constructor() {
    this.lines = [];
    this.dropped = 0; // lines forgotten to stay under MAX_LINES
    this.requests = [];
    this.holds = new Map(); // key -> { released, waiters }
  }

  /**
   * `body` (an HTML page) with the recorder as its first script, and each
   * %NAME% of E2E_FIXTURE_VARS (a JSON object) replaced by its value.
   */
  instrument(body) {
    let html = body.toString("utf8");
    for (const [name, value] of Object.entries(FIXTURE_VARS)) html = html.replaceAll(`%${name}%`, value);
    const tag = `<script src="/__control/console.js"></script>`;
    const at = html.search(/<head[^>]*>/i);
    if (at < 0) return tag + html;
    const end = html.indexOf(">", at) + 1;
    return html.slice(0, end) + tag + html.slice(end);
  }

  logRequest(url) {
    if (this.requests.length < MAX_LINES) this.requests.push(url);
  }

  /** Resolves once POST /__control/release?key=KEY has come (at most 120 s). */
  held(key) {
    let hold = this.holds.get(key);
    if (!hold) this.holds.set(key, (hold = { released: false, waiters: [] }));
    if (hold.released) return Promise.resolve();
    return new Promise((done) => {
      const timer = setTimeout(done, 120_000);
      hold.waiters.push(() => {
        clearTimeout(timer);
        done();
      });
    });
  }

  /** Answers a /__control/ request; false for any other path. */
  async handle(req, res, pathname, params, headers) {
    if (!pathname.startsWith("/__control/")) return false;
    const json = (value) => {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store", ...headers });
      res.end(JSON.stringify(value));
    };
    const since = Number(params.get("since") ?? 0);
    switch (`${req.method} ${pathname}`) {
      case "GET /__control/console.js":
        res.writeHead(200, { "content-type": "text/javascript", "cache-control": "no-store", ...headers });
        res.end(RECORDER);
        return true;
      case "POST /__control/console": {
        let body = "";
        for await (const chunk of req) body += chunk;
        try {
          for (const line of JSON.parse(body)) this.lines.push(String(line));
        } catch {}
        if (this.lines.length > MAX_LINES) {
          const extra = this.lines.length - MAX_LINES;
          this.lines.splice(0, extra);
          this.dropped += extra;
        }
        res.writeHead(204, headers).end();
        return true;
      }
      case "GET /__control/console": {
        const next = this.dropped + this.lines.length;
        json({ lines: since < 0 ? [] : this.lines.slice(Math.max(0, since - this.dropped)), next });
        return true;
      }
      case "GET /__control/requests":
        json({ requests: since < 0 ? [] : this.requests.slice(since), next: this.requests.length });
        return true;
      case "POST /__control/release": {
        const key = params.get("key");
        const hold = this.holds.get(key) ?? { released: false, waiters: [] };
        hold.released = true;
        hold.waiters.splice(0).forEach((wake) => wake());
        this.holds.set(key, hold);
        json({ released: key });
        return true;
      }
      default:
        res.writeHead(404, headers).end();
        return true;
    }
  }
}
