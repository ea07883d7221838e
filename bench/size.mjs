// Reports bundle sizes: raw and gzip -9 (zlib level 9, as run.mjs measures
// the pages it loads) of each app's wasm-bindgen JS and its `_bg.wasm`, and
// writes results/size.json and results/size.md (a fragment for report.md).
// bench/size.sh builds the folders and calls this; by hand:
//
//   node bench/size.mjs [--out DIR] name=DIST_DIR ...
//
// Names it knows (others are listed as they are): without, with, json, bare
// (the probes of bench/size/), demo-child, demo-host, plain-host.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const KB = 1024;
// The targets of the size issue, in gzip bytes.
const TARGETS = { share: 15 * KB, "demo-child": 110 * KB };
const LABELS = {
  bare: "counter in plain web-sys, no Yew (`bench/size`, `size-bare`)",
  without: "minimal Yew widget without crossframe (`size-without`)",
  json: "the same plus serde_json for one enum (`size-json`)",
  with: "minimal Yew widget with `use_connection` (`size-with`)",
  "demo-child": "demo widget (`child/`)",
  "demo-host": "demo host page (root crate)",
  "plain-host": "host page without Yew (`examples/plain-host`)",
};

let outDir = join(here, "results");
const inputs = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--out") outDir = resolve(args[++i]);
  else {
    const eq = args[i].indexOf("=");
    if (eq < 1) usage(`not name=DIR: ${args[i]}`);
    inputs.push({ name: args[i].slice(0, eq), dir: resolve(args[i].slice(eq + 1)) });
  }
}
if (inputs.length === 0) usage("no bundles given");

function usage(why) {
  console.error(`size.mjs: ${why}\nusage: node bench/size.mjs [--out DIR] name=DIST_DIR ...`);
  process.exit(2);
}

function measure(path) {
  const body = readFileSync(path);
  return { file: path.split("/").pop(), raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
}

/** The app's wasm (`*_bg.wasm`) and the wasm-bindgen JS that index.html imports. */
function bundle({ name, dir }) {
  const wasms = readdirSync(dir).filter((f) => f.endsWith("_bg.wasm"));
  if (wasms.length !== 1) throw new Error(`${dir}: expected one *_bg.wasm, found ${wasms.length}`);
  const imported = readFileSync(join(dir, "index.html"), "utf8").match(/\bimport init\b[^'"]*['"]([^'"]+\.js)['"]/);
  if (!imported) throw new Error(`${dir}/index.html: no \`import init ... from "....js"\` (trunk's module script)`);
  const wasm = measure(join(dir, wasms[0]));
  const js = measure(join(dir, imported[1].split("/").pop()));
  return { name, label: LABELS[name] ?? name, dir, js, wasm, raw: js.raw + wasm.raw, gzip: js.gzip + wasm.gzip };
}

const bundles = {};
for (const input of inputs) bundles[input.name] = bundle(input);

// The probe without crossframe must not contain it (its JSON marker, its
// messages): otherwise the difference is not crossframe's share.
if (bundles.without && readFileSync(join(bundles.without.dir, bundles.without.wasm.file)).includes("crossframe")) {
  console.error("size.mjs: the `without` probe's wasm contains \"crossframe\": it is not a bundle without crossframe");
  process.exit(1);
}

const diff = (a, b) =>
  bundles[a] && bundles[b]
    ? {
        js: { raw: bundles[a].js.raw - bundles[b].js.raw, gzip: bundles[a].js.gzip - bundles[b].js.gzip },
        wasm: { raw: bundles[a].wasm.raw - bundles[b].wasm.raw, gzip: bundles[a].wasm.gzip - bundles[b].wasm.gzip },
        raw: bundles[a].raw - bundles[b].raw,
        gzip: bundles[a].gzip - bundles[b].gzip,
      }
    : null;

const share = diff("with", "without");
// What each layer adds, from the probes (differences of whole bundles).
const parts = [
  ["Rust's runtime (allocator, panics, formatting) and wasm-bindgen, in a web-sys counter", bundles.bare ?? null],
  ["Yew (the minimal widget minus the web-sys counter)", diff("without", "bare")],
  ["serde_json with crossframe's features (raw_value, float_roundtrip): one enum encoded and decoded", diff("json", "without")],
  ["crossframe beyond serde_json: its code, postcard, its hooks' Yew code, its strings", diff("with", "json")],
  ["**crossframe's share** (the two rows above)", share],
  ["the demo widget's own (its UI, plain mode, config loading, its message types)", diff("demo-child", "with")],
].filter(([, value]) => value);

const version = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
};
const report = {
  date: new Date().toISOString(),
  commit: version("git", ["-C", here, "describe", "--always", "--dirty"]),
  tools: {
    rustc: version("rustc", ["--version"]),
    trunk: version("trunk", ["--version"]),
    wasmOpt: version("wasm-opt", ["--version"]),
  },
  gzip: "zlib level 9 (gzip -9), per file",
  bundles,
  share: share && { ...share, target: TARGETS.share, met: share.gzip <= TARGETS.share },
  targets: {
    share: TARGETS.share,
    "demo-child": TARGETS["demo-child"],
    demoChildMet: bundles["demo-child"] ? bundles["demo-child"].gzip <= TARGETS["demo-child"] : null,
  },
  parts: parts.map(([what, value]) => ({ what: what.replace(/\*/g, ""), ...value })),
};

const kb = (bytes) => (bytes / KB).toFixed(1);
const target = (bytes, limit) =>
  limit == null ? "" : bytes <= limit ? `≤ ${kb(limit)}: met` : `≤ ${kb(limit)}: **over by ${kb(bytes - limit)}**`;
const row = (cells) => `| ${cells.join(" | ")} |`;
const md = [];
md.push("## Bundle sizes of the apps (bench/size.sh)");
md.push("");
md.push(
  `Each app's wasm-bindgen JS and \`_bg.wasm\`, release build by trunk as the apps ship (wasm-opt -Oz, the JS minified), in KB (1 024 bytes); ` +
    `gzip -9 per file, summed. ${report.commit ? `Commit \`${report.commit}\`, ` : ""}` +
    `${[report.tools.rustc, report.tools.trunk, report.tools.wasmOpt].filter(Boolean).join(", ")}.`,
);
md.push("");
md.push(row(["bundle", "JS raw", "JS gzip", "wasm raw", "wasm gzip", "total gzip", "target (gzip)"]));
md.push(row(["---", "---:", "---:", "---:", "---:", "---:", "---"]));
const order = ["without", "with", "demo-child", "demo-host", "plain-host"];
const listed = [...order.filter((n) => bundles[n]), ...Object.keys(bundles).filter((n) => !order.includes(n) && !["json", "bare"].includes(n))];
for (const name of listed) {
  const b = bundles[name];
  md.push(row([b.label, kb(b.js.raw), kb(b.js.gzip), kb(b.wasm.raw), kb(b.wasm.gzip), `**${kb(b.gzip)}**`, target(b.gzip, TARGETS[name])]));
  if (name === "with" && share) {
    md.push(row(["crossframe's share (with − without)", kb(share.js.raw), kb(share.js.gzip), kb(share.wasm.raw), kb(share.wasm.gzip), `**${kb(share.gzip)}**`, target(share.gzip, TARGETS.share)]));
  }
}
md.push("");
if (parts.length) {
  md.push("What each layer adds (differences between the probes' whole bundles, JS + wasm):");
  md.push("");
  md.push(row(["layer", "raw KB", "gzip KB"]));
  md.push(row(["---", "---:", "---:"]));
  for (const [what, value] of parts) md.push(row([what, kb(value.raw), kb(value.gzip)]));
  md.push("");
  md.push("bench/README.md, \"Bundle size\", breaks these down further (twiggy).");
  md.push("");
}

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "size.json"), JSON.stringify(report, null, 2) + "\n");
writeFileSync(join(outDir, "size.md"), md.join("\n"));
console.log(md.join("\n"));
console.error(`size.mjs: wrote ${join(outDir, "size.json")} and size.md`);
