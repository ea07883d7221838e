// Runs the end-to-end suite in each engine, one after the other, and prints
// the engine × test matrix.
//
//   node run.mjs                                  every test in Chromium, Firefox and WebKit
//   node run.mjs --engine firefox                 one engine (or E2E_ENGINES=firefox,webkit)
//   node run.mjs --engine webkit tests/demo.spec.js --grep "typed on either side"
//
// It starts the test server (serve.mjs --record: the release bundles in
// ../dist and ../child/dist, on the origins of tests/sites.js), then, per
// engine, `node --test` on the spec files, one test at a time (each spec
// file's process starts the engine's WebDriver server: harness/engines.mjs).
// On failure a test leaves a screenshot and the console of every frame in
// test-results/<engine>/.
// Exit status: 0 if nothing failed.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { ENGINES, selectedEngines } from "./harness/engines.mjs";
import { SITES } from "./tests/sites.js";

process.chdir(new URL(".", import.meta.url).pathname);

const args = process.argv.slice(2);
const files = [];
let grep = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--engine") process.env.E2E_ENGINES = args[++i];
  else if (args[i] === "--grep") grep = args[++i];
  else files.push(args[i]);
}
const engines = selectedEngines();
const specs = files.length ? files : readdirSync("tests").filter((f) => f.endsWith(".spec.js")).sort().map((f) => `tests/${f}`);

rmSync("test-results", { recursive: true, force: true });
mkdirSync("test-results", { recursive: true });

let stopServer = () => {};
process.on("exit", () => stopServer());
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

async function startServer() {
  const log = createWriteStream("test-results/serve.log");
  const server = spawn(process.execPath, ["serve.mjs", "--record", ...SITES.serveArgs], {
    env: { ...process.env, ...SITES.serveEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  stopServer = () => server.kill();
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${SITES.control}/console?since=-1`)).ok) return;
    } catch {}
    if (server.exitCode !== null) throw new Error(`serve.mjs exited; see test-results/serve.log`);
    if (Date.now() > deadline) throw new Error("serve.mjs did not start within 30 s");
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

function runNodeTest(engine) {
  const results = `test-results/${engine}/results.jsonl`;
  mkdirSync(`test-results/${engine}`, { recursive: true });
  const nodeArgs = [
    "--test",
    "--test-concurrency=1",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=./harness/reporter.mjs",
    `--test-reporter-destination=${results}`,
    ...(grep ? [`--test-name-pattern=${grep}`] : []),
    ...specs,
  ];
  return new Promise((done) => {
    const child = spawn(process.execPath, nodeArgs, {
      env: { ...process.env, E2E_ENGINE: engine },
      stdio: "inherit",
    });
    child.on("exit", () => done(results));
  });
}

function readLines(path) {
  return existsSync(path)
    ? readFileSync(path, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l))
    : [];
}

await startServer();
const started = Date.now();
for (const [index, engine] of engines.entries()) {
  const { name } = ENGINES[engine];
  console.log(`\n\x1b[1m=== ${name} (${index + 1}/${engines.length}) ===\x1b[0m`);
  const engineStarted = Date.now();
  await runNodeTest(engine);
  console.log(`${name}: ${Math.round((Date.now() - engineStarted) / 1000)} s`);
}

// The matrix: one row per test, one column per engine.
const rows = new Map(); // "file › name" -> { engine: cell }
const notes = [];
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = []; // why each failed test failed, printed after the matrix
const note = (text) => {
  let at = notes.indexOf(text);
  if (at < 0) at = notes.push(text) - 1;
  return `[${at + 1}]`;
};
for (const engine of engines) {
  const results = readLines(`test-results/${engine}/results.jsonl`);
  const notesOf = readLines(`test-results/${engine}/notes.jsonl`);
  const fileOf = new Map(readLines(`test-results/${engine}/files.jsonl`).map((f) => [f.name, f.file]));
  if (!results.length) {
    totals.failed += 1;
    rows.set(`(${engine}: no test ran)`, { [engine]: "FAIL" });
  }
  for (const r of results) {
    const key = `${fileOf.get(r.name) ?? r.file} › ${r.name}`;
    if (!rows.has(key)) rows.set(key, {});
    let cell;
    const marks = (kind) => [...new Set(notesOf.filter((n) => n.name === r.name && n.kind === kind).map((n) => note(n.why)))];
    const retried = marks("retried");
    const retry = retried.length ? ` (retried ${retried.join("")})` : "";
    if (r.status === "pass") {
      totals.passed += 1;
      const parts = marks("part skipped");
      cell = (parts.length ? `pass (part skipped ${parts.join("")})` : "pass") + retry;
    } else if (r.status === "skip") {
      totals.skipped += 1;
      cell = `skip ${note(r.reason)}`;
    } else {
      totals.failed += 1;
      cell = `FAIL${retry}`;
      failures.push(`${ENGINES[engine].name} › ${key}\n${r.detail ?? r.reason}`);
    }
    rows.get(key)[engine] = cell;
  }
}
const header = `| test | ${engines.map((e) => ENGINES[e].name).join(" | ")} |`;
const lines = [header, `|---|${engines.map(() => "---").join("|")}|`];
for (const [key, cells] of rows) lines.push(`| ${key} | ${engines.map((e) => cells[e] ?? "-").join(" | ")} |`);
if (notes.length) lines.push("", ...notes.map((n, i) => `[${i + 1}] ${n}`));
const summary = `e2e: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
writeFileSync("test-results/matrix.md", `${lines.join("\n")}\n\n${summary} (${minutes} min)\n`);
console.log(`\n\x1b[1mEngine × test matrix\x1b[0m (also in e2e/test-results/matrix.md; failures leave a screenshot and the console there)\n`);
console.log(lines.join("\n"));
if (failures.length) {
  // Last, so that a log cut to its tail still says why.
  console.log(`\n\x1b[1mWhy each failed\x1b[0m\n`);
  for (const failure of failures) console.log(`${failure.split("\n").map((l) => l.slice(0, 400)).join("\n  ")}\n`);
}
console.log(`\n${summary} (${minutes} min)`);
stopServer();
process.exit(totals.failed ? 1 : 0);
