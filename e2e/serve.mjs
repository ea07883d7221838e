// A plain static file server for the tests: one folder per origin, no trunk.
//
//   node serve.mjs 127.0.0.1:18080=../dist localhost:18081=../child/dist+/__e2e=fixtures ...
//
// Each argument is HOST:PORT=DIR, optionally followed by +/PREFIX=DIR mounts.
// A mount written +/PREFIX=DIR|FILE answers any path under /PREFIX that DIR
// does not have with FILE, as a server that serves the app at every path
// does (a single-page-app fallback): +/u=uploads|../child/dist/index.html
// serves the widget's page at /u/evil/ and users' files beside it.
// An optional first argument --isolated adds COOP same-origin, COEP require-corp
// and CORP cross-origin to every response (404s too), so the pages are
// cross-origin isolated and performance.now() has 5 µs steps (the benchmark).
// A request with ?delay=MS is answered MS milliseconds late (at most 10 s).
// A request with ?hold=KEY is answered only once POST /__control/release?key=KEY
// comes (at most 120 s later): a slow peer by construction, not by timing.
// --record (the end-to-end tests) also gives every site the /__control/
// endpoints of control.mjs: each HTML page served gets a first <script> that
// reports its console and uncaught errors here, so the tests see the console
// of every frame in every engine; every request is logged too.
// E2E_SITE_HEADERS, if set, is a JSON map from "HOST:PORT" to extra response
// headers for that site (404s too), for example
//   E2E_SITE_HEADERS='{"localhost:18084":{"content-security-policy":"frame-ancestors http://127.0.0.1:18080"}}'
// "localhost" listens on 127.0.0.1 and, where the machine has it, ::1.
// Serves only files inside the given folders; anything else is a 404.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { Control } from "./control.mjs";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

function parseSite(arg) {
  const [site, ...mounts] = arg.split("+");
  const [address, root] = site.split("=");
  const colon = address.lastIndexOf(":");
  return {
    host: address.slice(0, colon),
    port: Number(address.slice(colon + 1)),
    mounts: [
      ...mounts.map((m) => {
        const [prefix, target] = m.split("=");
        const [dir, fallback] = target.split("|");
        return { prefix, dir: resolve(dir), fallback: fallback && resolve(fallback) };
      }),
      { prefix: "", dir: resolve(root) },
    ],
  };
}

async function findFile(mounts, pathname) {
  for (const { prefix, dir, fallback } of mounts) {
    if (prefix && pathname !== prefix && !pathname.startsWith(prefix + "/")) continue;
    let file = resolve(join(dir, decodeURIComponent(pathname.slice(prefix.length))));
    if (file !== dir && !file.startsWith(dir + sep)) return null;
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      return { file, body: await readFile(file) };
    } catch {
      if (fallback) return { file: fallback, body: await readFile(fallback) };
      if (prefix) return null;
    }
  }
  return null;
}

function listen(server, host, port) {
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok());
  });
}

let args = process.argv.slice(2);
const isolated = args[0] === "--isolated";
if (isolated) args = args.slice(1);
const control = args[0] === "--record" ? new Control() : null;
if (control) args = args.slice(1);
const ISOLATION = isolated
  ? {
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
      "cross-origin-resource-policy": "cross-origin",
    }
  : {};
/** Extra response headers per "HOST:PORT" (E2E_SITE_HEADERS, a JSON object). */
const SITE_HEADERS = JSON.parse(process.env.E2E_SITE_HEADERS || "{}");

for (const arg of args) {
  const site = parseSite(arg);
  const extra = { ...ISOLATION, ...SITE_HEADERS[`${site.host}:${site.port}`] };
  const handler = async (req, res) => {
    const { pathname, searchParams } = new URL(req.url, "http://x");
    if (control) {
      control.logRequest(`http://${req.headers.host}${req.url}`);
      if (await control.handle(req, res, pathname, searchParams, extra)) return;
    }
    // ?delay=MS (at most 10 s) holds the response back: a slow child.
    const delay = Math.min(Number(searchParams.get("delay")) || 0, 10_000);
    if (delay > 0) await new Promise((done) => setTimeout(done, delay));
    if (control && searchParams.has("hold")) await control.held(searchParams.get("hold"));
    const found = await findFile(site.mounts, pathname);
    if (!found) {
      res.writeHead(404, { "content-type": "text/plain", ...extra }).end("not found\n");
      return;
    }
    const type = TYPES[extname(found.file)] ?? "application/octet-stream";
    res.writeHead(200, {
      "content-type": type,
      // Always fetched afresh, yet pages may enter the back/forward cache
      // (no-store keeps them out of it: ask for it with ?no-store).
      "cache-control": searchParams.has("no-store") ? "no-store" : "no-cache",
      // An ES module (the widget's embed.mjs) imported by another site's page
      // is fetched with CORS: let any page import it, as deploy/nginx.conf does.
      ...(extname(found.file) === ".mjs" ? { "access-control-allow-origin": "*" } : {}),
      ...extra,
    });
    res.end(control && type.startsWith("text/html") ? control.instrument(found.body) : found.body);
  };
  const hosts = site.host === "localhost" ? ["127.0.0.1", "::1"] : [site.host];
  for (const host of hosts) {
    try {
      await listen(createServer(handler), host, site.port);
    } catch (error) {
      if (host === "::1") continue; // no IPv6 loopback here: 127.0.0.1 is enough
      throw error;
    }
  }
  const headers = Object.keys(SITE_HEADERS[`${site.host}:${site.port}`] ?? {});
  console.log(`serving http://${site.host}:${site.port}/${isolated ? " (isolated)" : ""}${headers.length ? ` (+${headers.join(", ")})` : ""} from ${site.mounts.map((m) => m.prefix + "=" + m.dir).join(" ")}`);
}
