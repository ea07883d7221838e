#!/usr/bin/env node
// The crossframe benchmark: every variant's host and child pages on two
// origins, driven in headless Chromium and headless Firefox ESR, side by side
// in one run per engine.
//
//   node bench/run.mjs            full run: 5 repetitions, writes bench/results/
//   node bench/run.mjs --quick    smoke run: 1 repetition, small counts, writes bench/results/raw/quick/
//
// Options: --reps N, --out DIR, --only name,name (variants by name),
// --engine chromium,firefox (default both).
// Environment: CHROMIUM (default /usr/bin/chromium), FIREFOX (default
// /usr/bin/firefox-esr), GECKODRIVER (default: the project's tools, then
// /usr/bin, then PATH), BENCH_PORT (first of three ports, default 19040; the
// next free triple up to 19100 (or 60 above) is used when it is taken).
//
// See bench/README.md for the page contract and what each figure means.
// Nothing here asserts on timings: it measures and reports. It exits 0 when
// every variant whose pages exist was measured in every engine that is
// installed, 1 when some measurement failed or an installed engine did not
// start (the report says which), 2 when it could not start at all.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { CHROMIUM_ARGS } from "../e2e/chromium.js";
import { chromiumMissing, launchChromium } from "./lib/chromium.mjs";
import { firefoxMissing, launchFirefox } from "./lib/firefox.mjs";
import { median, summarize } from "./lib/stats.mjs";
import { writeReport } from "./lib/report.mjs";

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, "..");
const SERVE = join(ROOT, "e2e", "serve.mjs");
const PAGES = join(BENCH, "pages");

// ---------------------------------------------------------------------------
// The variants. Each is a host page and a child page that follow the page
// contract (bench/README.md). Paths are URL paths on every origin; `mounts`
// (optional) serves extra folders, relative to bench/, under a URL prefix.
// A variant whose pages are missing is skipped with a note in the report.
export const VARIANTS = [
  {
    name: "raw-window",
    label: "raw window.postMessage",
    hostPath: "/raw-window/host.html",
    childPath: "/raw-window/child.html",
  },
  {
    name: "message-port",
    label: "raw MessagePort",
    hostPath: "/message-port/host.html",
    childPath: "/message-port/child.html",
  },
  {
    // The floor for any Rust/wasm peer: message-port's exchange from Rust
    // (web-sys, postcard, a future per round trip), no crossframe, no Yew.
    name: "wasm-port",
    label: "raw MessagePort from Rust (web-sys, postcard)",
    hostPath: "/wasm-port/host/index.html",
    childPath: "/wasm-port/child/index.html",
    mounts: { "/wasm-port": "../target/bench-pages/wasm-port" },
  },
  {
    name: "penpal",
    label: "penpal 7 echo()",
    hostPath: "/penpal/host.html",
    childPath: "/penpal/child.html",
  },
  {
    name: "crossframe-message",
    label: "crossframe fire-and-forget echo",
    hostPath: "/crossframe-message/host/index.html",
    childPath: "/crossframe-message/child/index.html",
    // Built by build-crossframe.sh (run.sh calls it).
    mounts: { "/crossframe-message": "../target/bench-pages/crossframe-message" },
  },
  {
    name: "crossframe-call",
    label: "crossframe typed request/response (binary batches)",
    hostPath: "/crossframe-call/host/index.html",
    childPath: "/crossframe-call/child/index.html",
    mounts: { "/crossframe-call": "../target/bench-pages/crossframe-call" },
  },
  {
    // The same pages; the host offers v1 JSON only (no batches, no binary),
    // as before the wire features: the lever's before/after in one run.
    name: "crossframe-call-json",
    label: "crossframe typed call, v1 JSON frames",
    hostPath: "/crossframe-call-json/host/index.html",
    childPath: "/crossframe-call/child/index.html",
    mounts: {
      "/crossframe-call-json": "../target/bench-pages/crossframe-call",
      "/crossframe-call": "../target/bench-pages/crossframe-call",
    },
  },
  {
    name: "crossframe-call-batch",
    label: "crossframe typed call, JSON batches",
    hostPath: "/crossframe-call-batch/host/index.html",
    childPath: "/crossframe-call/child/index.html",
    mounts: {
      "/crossframe-call-batch": "../target/bench-pages/crossframe-call",
      "/crossframe-call": "../target/bench-pages/crossframe-call",
    },
  },
  {
    name: "crossframe-embedjs",
    label: "crossframe embed.js (JS host)",
    hostPath: "/crossframe-embedjs/host.html",
    childPath: "/crossframe-embedjs/child/index.html",
    // The plain-JS host loads child/embed.js; the child is the call variant's.
    mounts: {
      "/embedjs": "../child",
      "/crossframe-embedjs/child": "../target/bench-pages/crossframe-call/child",
    },
  },
];
/** The figures of every variant are also given as ratios to these: raw window.postMessage, raw MessagePort (the floor), penpal. */
export const BASELINES = { raw: "raw-window", floor: "message-port", penpal: "penpal" };

/** The engines, in the order they run; each gives run.mjs the interface described in lib/chromium.mjs. */
const ENGINES = {
  chromium: { missing: chromiumMissing, launch: () => launchChromium() },
  firefox: { missing: firefoxMissing, launch: (logDir) => launchFirefox(logDir) },
};

/** Served on every origin, besides bench/pages at "/". */
const MOUNTS = { "/vendor/penpal": "node_modules/penpal/dist" };

const PAYLOADS = ["small", "1k", "64k", "64k-obj", "1m"];

const MODES = {
  full: {
    reps: 5,
    iterations: { small: 2000, "1k": 1000, "64k": 400, "64k-obj": 400, "1m": 60 },
    pipelined: 2000,
    burst: 20000,
  },
  quick: {
    reps: 1,
    iterations: { small: 100, "1k": 50, "64k": 20, "64k-obj": 20, "1m": 5 },
    pipelined: 500,
    burst: 2000,
  },
};


const LOAD_DEADLINE_MS = 20_000; // page load, `window.bench` appearing, connect()
const STEP_DEADLINE_MS = 90_000; // any other measurement (the harness's own deadline is 60 s)

// ---------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = { quick: false, reps: null, out: null, only: null, engines: Object.keys(ENGINES) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") opts.quick = true;
    else if (a === "--reps") opts.reps = Number(argv[++i]);
    else if (a === "--out") opts.out = resolve(argv[++i]);
    else if (a === "--only") opts.only = argv[++i].split(",");
    else if (a === "--engine") opts.engines = argv[++i].split(",").map((e) => e.trim()).filter(Boolean);
    else if (a === "--help" || a === "-h") {
      console.log("usage: node bench/run.mjs [--quick] [--reps N] [--out DIR] [--only variant,variant] [--engine chromium,firefox]");
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (opts.reps !== null && !(Number.isInteger(opts.reps) && opts.reps >= 1 && opts.reps <= 50)) {
    throw new Error("--reps takes a whole number from 1 to 50");
  }
  const unknown = opts.engines.filter((e) => !ENGINES[e]);
  if (unknown.length || !opts.engines.length) throw new Error(`--engine takes a list of ${Object.keys(ENGINES).join(", ")}`);
  return opts;
}

const log = (...parts) => console.error(...parts);

/** Rejects after ms with a message; the caller cleans up. */
function deadline(promise, ms, what) {
  let timer;
  const guard = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Where a URL path is on disk, through the mounts (longest prefix first). */
function localFile(mounts, pathname) {
  const entries = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  for (const [prefix, dir] of entries) {
    if (prefix !== "/" && pathname !== prefix && !pathname.startsWith(prefix + "/")) continue;
    const rest = decodeURIComponent(prefix === "/" ? pathname : pathname.slice(prefix.length));
    let file = join(dir, rest);
    if (!file.startsWith(dir)) return null;
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      statSync(file);
      return file;
    } catch {
      if (prefix !== "/") return null;
    }
  }
  return null;
}

function allMounts(variants) {
  const mounts = { "/": PAGES };
  for (const [prefix, dir] of Object.entries(MOUNTS)) mounts[prefix] = join(BENCH, dir);
  for (const v of variants) {
    for (const [prefix, dir] of Object.entries(v.mounts ?? {})) mounts[prefix] = join(BENCH, dir);
  }
  return mounts;
}

// ---------------------------------------------------------------------------
// Serving: e2e/serve.mjs --isolated, three origins with the same content.

async function startServer(mounts, firstPort) {
  const extra = Object.entries(mounts)
    .filter(([prefix]) => prefix !== "/")
    .map(([prefix, dir]) => `+${prefix}=${dir}`)
    .join("");
  const lastPort = Math.max(19100, firstPort + 62);
  for (let base = firstPort; base + 2 <= lastPort; base += 3) {
    const origins = {
      host: `http://127.0.0.1:${base}`,
      "cross-site": `http://localhost:${base + 1}`,
      "same-site": `http://127.0.0.1:${base + 2}`,
    };
    const args = Object.values(origins).map((o) => `${o.slice(7)}=${mounts["/"]}${extra}`);
    const child = spawn(process.execPath, [SERVE, "--isolated", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const started = await new Promise((ok) => {
      let lines = 0;
      let stderr = "";
      const timer = setTimeout(() => ok({ error: "the server did not start within 10 s" }), 10_000);
      child.stdout.on("data", (chunk) => {
        lines += chunk.toString().split("\n").filter((l) => l.startsWith("serving")).length;
        if (lines >= 3) {
          clearTimeout(timer);
          ok({});
        }
      });
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.once("exit", (code) => {
        clearTimeout(timer);
        ok({ error: `the server exited (${code}): ${stderr.split("\n").find((l) => /Error/.test(l)) ?? stderr.trim()}` });
      });
    });
    if (!started.error) return { child, origins, ports: [base, base + 1, base + 2] };
    child.kill();
    log(`ports ${base}-${base + 2}: ${started.error}`);
    if (!/EADDRINUSE/.test(started.error)) throw new Error(started.error);
    if (base - firstPort >= 30) break;
  }
  throw new Error(`no free port triple in ${firstPort}-${lastPort}`);
}

// ---------------------------------------------------------------------------
// One variant in one placement: a fresh page (Chromium: a fresh browser
// context; Firefox: a new tab), through the interface of lib/chromium.mjs.

async function measure(engine, variant, placement, origins, mode, mounts) {
  const hostOrigin = origins.host;
  const childOrigin = origins[placement];
  const childUrl = `${childOrigin}${variant.childPath}?host=${encodeURIComponent(hostOrigin)}`;
  const hostUrl = `${hostOrigin}${variant.hostPath}?child=${encodeURIComponent(childUrl)}`;
  const result = { variant: variant.name, placement, errors: [], pageErrors: [] };
  let page;
  try {
    // Firefox may first have to start afresh (lib/firefox.mjs): up to 90 s.
    page = await deadline(engine.openPage(), STEP_DEADLINE_MS, "opening a page");
  } catch (error) {
    result.errors.push(`open: ${error.message.split("\n")[0]}`);
    return result;
  }
  const bench = (method, ...args) =>
    deadline(
      page.evaluate(([m, a]) => window.bench[m](...a), [method, args]),
      method === "connect" ? LOAD_DEADLINE_MS : STEP_DEADLINE_MS,
      `${variant.name} ${placement} ${method}(${args.join(", ")})`,
    );
  const brief = (promise, what) => deadline(promise, LOAD_DEADLINE_MS, what); // calls that measure nothing
  let step = "load";
  try {
    // page.goto() gives each of loading and `window.bench` appearing LOAD_DEADLINE_MS.
    await deadline(page.goto(hostUrl, LOAD_DEADLINE_MS), 2 * LOAD_DEADLINE_MS + 5_000, "loading the host page");
    result.describe = await brief(page.evaluate(() => window.bench.describe?.() ?? null), "describe()");

    step = "connect";
    result.connectMs = await bench("connect");
    await brief(page.findChild(childOrigin), "finding the child frame");
    result.isolation = {
      host: await brief(page.evaluate(() => self.crossOriginIsolated), "reading crossOriginIsolated"),
      child: await brief(page.evaluateInChild(() => self.crossOriginIsolated), "reading the child's crossOriginIsolated"),
      clockStepUs: await brief(page.evaluate(() => {
        // smallest step of performance.now() seen in a few ms of spinning
        let step = Infinity;
        let last = performance.now();
        const end = last + 5;
        for (let i = 0; i < 1e7; i++) {
          const now = performance.now();
          if (now !== last) {
            step = Math.min(step, now - last);
            last = now;
          }
          if (now > end) break;
        }
        return Math.round(step * 1000 * 100) / 100;
      }), "measuring the clock step"),
    };
    // Where the engine cannot tell (Firefox over WebDriver), both stay null: n/a.
    result.childProcess = page.childProcess;
    const heap = page.heap && (async () => await brief(page.heap.usedSize(), "reading the heap usage"));

    step = "rtt";
    result.rtt = {};
    result.rttSamples = {};
    for (const name of PAYLOADS) {
      const n = mode.iterations[name];
      try {
        await bench("rtt", name, Math.max(3, Math.ceil(n / 10))); // warm-up, discarded
        const samples = await bench("rtt", name, n);
        result.rttSamples[name] = samples.map((v) => Math.round(v * 100) / 100);
        result.rtt[name] = summarize(samples);
      } catch (error) {
        if (/no result within/.test(error.message)) throw error; // the page may be stuck: give up on it
        result.errors.push(`rtt ${name}: ${error.message.split("\n")[0]}`);
      }
    }

    step = "pipelined";
    result.pipelined = await bench("pipelined", mode.pipelined, "small");

    step = "burst";
    if (heap) {
      // Start from a collected heap, so the figures are the burst's own.
      await brief(page.heap.collectGarbage(), "collecting garbage").catch(() => {});
      result.heapBeforeBurst = await heap();
      let peak = result.heapBeforeBurst;
      let polling = false;
      const poller = setInterval(async () => {
        if (polling) return;
        polling = true;
        try {
          peak = Math.max(peak, await heap());
        } catch {
          // the page is going away
        }
        polling = false;
      }, 50);
      try {
        result.burst = await bench("burst", mode.burst);
      } finally {
        clearInterval(poller);
      }
      result.heapAfterBurst = await heap();
      result.heapPeak = Math.max(peak, result.heapAfterBurst);
    } else {
      result.burst = await bench("burst", mode.burst);
      result.heapBeforeBurst = result.heapPeak = result.heapAfterBurst = null;
    }

    step = "size";
    result.size = await brief(bundleSize(page, mounts), "listing what the pages loaded");
  } catch (error) {
    result.errors.push(`${step}: ${error.message.split("\n")[0]}`);
  } finally {
    await deadline(page.close(), 90_000, "closing the page").catch(() => {});
    result.pageErrors = page.errors.slice(0, 10);
  }
  return result;
}

/** gzip -9 size of the JS and wasm both pages loaded, without the shared /common/ harness. */
async function bundleSize(page, mounts) {
  const list = () => ({
    urls: [location.href, ...performance.getEntriesByType("resource").map((e) => e.name)],
    inline: [...document.scripts].filter((s) => !s.src).map((s) => s.textContent),
  });
  const files = new Map();
  let inline = [];
  for (const got of [await page.evaluate(list), await page.evaluateInChild(list)]) {
    inline = inline.concat(got.inline.filter((t) => t.trim()));
    for (const url of got.urls) {
      const { pathname } = new URL(url);
      if (pathname.startsWith("/common/")) continue;
      if (![".js", ".mjs", ".wasm"].includes(extname(pathname))) continue;
      const file = localFile(mounts, pathname);
      if (file) files.set(pathname, file); // the same file on two origins counts once
    }
  }
  const out = { files: [], raw: 0, gzip: 0 };
  for (const [pathname, file] of files) {
    const body = readFileSync(file);
    const gz = gzipSync(body, { level: 9 }).length;
    out.files.push({ path: pathname, raw: body.length, gzip: gz });
    out.raw += body.length;
    out.gzip += gz;
  }
  for (const text of inline) {
    const body = Buffer.from(text);
    const gz = gzipSync(body, { level: 9 }).length;
    out.files.push({ path: "(inline script)", raw: body.length, gzip: gz });
    out.raw += body.length;
    out.gzip += gz;
  }
  return out;
}

// ---------------------------------------------------------------------------

function aggregate(runs, variants, placements) {
  const out = {};
  for (const v of variants) {
    out[v.name] = {};
    for (const p of placements) {
      const mine = runs.filter((r) => r.variant === v.name && r.placement === p);
      const ok = (f) => mine.map(f).filter((x) => x !== undefined && x !== null);
      const rtt = {};
      for (const name of PAYLOADS) {
        const pooled = mine.flatMap((r) => r.rttSamples?.[name] ?? []);
        const s = summarize(pooled);
        if (s) rtt[name] = { ...s, repMedians: ok((r) => r.rtt?.[name]?.median) };
      }
      const bursts = ok((r) => r.burst);
      out[v.name][p] = {
        runs: mine.length,
        failedRuns: mine.filter((r) => r.errors.length).length,
        rtt,
        connectMs: { median: median(ok((r) => r.connectMs)), values: ok((r) => r.connectMs) },
        pipelined: { median: median(ok((r) => r.pipelined)), values: ok((r) => r.pipelined) },
        burst: {
          median: median(bursts.map((b) => b.sent / (b.ms / 1000))),
          values: bursts,
          sent: bursts.reduce((a, b) => a + b.sent, 0),
          lost: bursts.reduce((a, b) => a + (b.sent - b.acked), 0),
        },
        heap: {
          beforeMedian: median(ok((r) => r.heapBeforeBurst)),
          peakMedian: median(ok((r) => r.heapPeak)),
          afterMedian: median(ok((r) => r.heapAfterBurst)),
        },
        childProcess: mine.find((r) => r.childProcess)?.childProcess ?? null,
        isolation: mine.find((r) => r.isolation)?.isolation ?? null,
        describe: mine.find((r) => r.describe)?.describe ?? null,
        errors: mine.flatMap((r) => [...r.errors, ...r.pageErrors]),
      };
    }
  }
  return out;
}

/** The repetitions in one engine, in alternating order; pushes every run to `runs`. */
async function measureAll(engine, variants, placements, origins, mode, mounts, quick, runs) {
  if (!quick && variants.length) {
    // One discarded pass per placement first: the first pages a fresh browser opens are slow.
    for (const placement of placements) await measure(engine, variants[0], placement, origins, MODES.quick, mounts);
  }
  for (let rep = 0; rep < mode.reps; rep++) {
    // alternate the order: forward on even repetitions, backward on odd ones
    const order = rep % 2 ? [...variants].reverse() : variants;
    const places = rep % 2 ? [...placements].reverse() : placements;
    for (const placement of places) {
      for (const variant of order) {
        const r = await measure(engine, variant, placement, origins, mode, mounts);
        r.rep = rep;
        runs.push(r);
        const small = r.rtt?.small;
        log(
          `[${engine.info.label} ${rep + 1}/${mode.reps}] ${placement.padEnd(10)} ${variant.name.padEnd(20)}` +
            ` connect ${r.connectMs?.toFixed(1) ?? "–"} ms` +
            `, rtt small ${small ? `${small.median.toFixed(0)}/${small.p95.toFixed(0)} µs` : "–"}` +
            `, pipelined ${r.pipelined ? Math.round(r.pipelined) : "–"}/s` +
            `, burst ${r.burst ? `${Math.round(r.burst.sent / (r.burst.ms / 1000))}/s acked ${r.burst.acked}/${r.burst.sent}` : "–"}` +
            (r.errors.length ? `  ERRORS: ${r.errors.join("; ")}` : ""),
        );
      }
    }
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const modeName = opts.quick ? "quick" : "full";
  const mode = { ...MODES[modeName], reps: opts.reps ?? MODES[modeName].reps };
  const outDir = opts.out ?? (opts.quick ? join(BENCH, "results", "raw", "quick") : join(BENCH, "results"));
  const placements = ["cross-site", "same-site"];

  const wanted = VARIANTS.filter((v) => !opts.only || opts.only.includes(v.name));
  if (!wanted.length) throw new Error(`--only matches no variant (${VARIANTS.map((v) => v.name).join(", ")})`);
  const mounts = allMounts(wanted);
  const skipped = [];
  const variants = [];
  for (const v of wanted) {
    const missing = [v.hostPath, v.childPath].filter((p) => !localFile(mounts, p));
    if (missing.length) skipped.push({ name: v.name, label: v.label, note: `pages not found: ${missing.join(", ")}` });
    else variants.push(v);
  }
  for (const s of skipped) log(`skipping ${s.name}: ${s.note}`);
  if (!existsSync(join(BENCH, MOUNTS["/vendor/penpal"], "penpal.min.js"))) {
    throw new Error("penpal is not installed: run `npm ci` in bench/ (or use bench/run.sh)");
  }

  const server = await startServer(mounts, Number(process.env.BENCH_PORT ?? 19040));
  const cleanup = () => server.child.kill();
  process.on("exit", cleanup);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      cleanup();
      process.exit(130);
    });
  }
  log(`serving: host ${server.origins.host}, cross-site child ${server.origins["cross-site"]}, same-site child ${server.origins["same-site"]}`);

  const rawDir = opts.out || opts.quick ? outDir : join(BENCH, "results", "raw");
  mkdirSync(rawDir, { recursive: true });
  const loadBefore = os.loadavg();
  if (loadBefore[0] > 1) log(`note: load average ${loadBefore[0].toFixed(2)} before measuring: other work on this machine will show in the figures`);

  // One engine after the other, each in one browser: the figures compare
  // variants within an engine; across engines only their ratios compare.
  const runs = [];
  const engines = {};
  for (const name of Object.keys(ENGINES)) {
    if (!opts.engines.includes(name)) {
      engines[name] = { status: "not selected", note: `not in --engine ${opts.engines.join(",")}` };
      continue;
    }
    const missing = ENGINES[name].missing();
    if (missing) {
      // Like a variant whose pages are missing: said in the report, not a failure.
      log(`skipping ${name}: ${missing}`);
      engines[name] = { status: "unavailable", note: missing };
      continue;
    }
    let engine;
    try {
      engine = await deadline(ENGINES[name].launch(rawDir), 150_000, `starting ${name}`);
    } catch (error) {
      log(`${name} did not start: ${error.message}`);
      engines[name] = { status: "failed", note: `did not start: ${error.message.split("\n")[0]}` };
      continue;
    }
    log(`${engine.info.label} ${engine.info.version} (${engine.info.driver})`);
    const started = Date.now();
    const mine = [];
    try {
      await measureAll(engine, variants, placements, server.origins, mode, mounts, opts.quick, mine);
    } finally {
      await deadline(engine.close(), 30_000, `closing ${name}`).catch(() => {});
    }
    for (const r of mine) runs.push({ engine: name, ...r });
    engines[name] = {
      status: "measured",
      ...engine.info,
      measuringSeconds: (Date.now() - started) / 1000,
      results: aggregate(mine, variants, placements),
      sizes: Object.fromEntries(variants.map((v) => [v.name, mine.find((r) => r.variant === v.name && r.size)?.size ?? null])),
    };
  }
  const measured = Object.keys(engines).filter((name) => engines[name].status === "measured");
  if (!measured.length) {
    throw new Error(`no engine could run: ${Object.entries(engines).map(([name, e]) => `${name} ${e.status} (${e.note})`).join("; ")}`);
  }

  // report.json: Chromium's figures stay at the top level, as before Firefox
  // was added (chromium, chromiumArgs, playwright, measuringSeconds,
  // results, sizes); `engines` has every engine's status, and the other
  // engines' figures in the same shape (engines.firefox.results, .sizes).
  const { results: chromiumResults, sizes: chromiumSizes, ...chromium } = engines.chromium;
  const report = {
    generated: new Date().toISOString(),
    mode: modeName,
    command: `node bench/run.mjs${process.argv.slice(2).length ? " " + process.argv.slice(2).join(" ") : ""}`,
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? "unknown",
      kernel: os.release(),
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      loadAverage: { before: loadBefore, after: os.loadavg() },
    },
    engines: { ...engines, chromium },
    chromium: chromium.version ?? null,
    chromiumArgs: CHROMIUM_ARGS,
    playwright: JSON.parse(readFileSync(join(BENCH, "node_modules/@playwright/test/package.json"), "utf8")).version,
    penpal: JSON.parse(readFileSync(join(BENCH, "node_modules/penpal/package.json"), "utf8")).version,
    origins: server.origins,
    reps: mode.reps,
    config: { iterations: mode.iterations, pipelined: mode.pipelined, burst: mode.burst, payloads: PAYLOADS },
    measuringSeconds: chromium.measuringSeconds ?? null,
    baselines: BASELINES,
    variants: [
      ...variants.map((v) => ({ name: v.name, label: v.label, hostPath: v.hostPath, childPath: v.childPath, status: "measured" })),
      ...skipped.map((s) => ({ ...s, status: "skipped" })),
    ],
    placements,
    results: chromiumResults ?? {},
    sizes: chromiumSizes ?? {},
  };

  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(rawDir, "runs.json"),
    JSON.stringify(runs.map(({ rttSamples, ...rest }) => ({ ...rest, rttSamples })), null, 0),
  );
  writeReport(outDir, report);
  const seconds = measured.map((name) => `${name} ${engines[name].measuringSeconds.toFixed(1)} s`).join(", ");
  log(`wrote ${join(outDir, "report.md")}, report.json, rtt*.svg (measuring: ${seconds}; samples in ${join(rawDir, "runs.json")})`);

  const failed = runs.filter((r) => r.errors.length);
  if (failed.length) log(`${failed.length} of ${runs.length} runs had errors (see the report)`);
  const broken = Object.keys(engines).filter((name) => engines[name].status === "failed");
  if (broken.length) log(`${broken.join(", ")} did not start (see the report)`);
  return failed.length || broken.length ? 1 : 0;
}

// The whole run has a deadline too: nothing may hang.
const watchdog = setTimeout(
  () => {
    console.error("bench: the whole run took too long; giving up");
    process.exit(3);
  },
  (process.argv.includes("--quick") ? 5 : 60) * 60_000,
);
watchdog.unref();

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`bench: ${error.stack ?? error}`);
    process.exit(2);
  },
);
