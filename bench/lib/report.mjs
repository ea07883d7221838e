// Writes report.json, report.md and the RTT charts (rtt.svg, rtt-firefox.svg) from one run's figures.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fmt, ratio } from "./stats.mjs";
import { rttChart } from "./svg.mjs";

/** Reference figures from shared/anchors.md (headless Chromium 156, 2 cores): [cross-site, same-site]. */
const ANCHORS = {
  "raw-window": {
    "RTT {id,t} median µs": [480, 30],
    "RTT {id,t} p95 µs": [640, 40],
    "RTT 64 KB median µs": [1220, 135],
    "RTT 1 MB median µs": [8000, 2200],
    "burst msg/s": [26000, 79000],
    "insert → first message ms": [35.7, 13.8],
  },
  "message-port": {
    "RTT {id,t} median µs": [175, 15],
    "RTT {id,t} p95 µs": [225, 20],
    "burst msg/s": [66000, 119000],
  },
  penpal: {
    "RTT {id,t} median µs": [230, 25],
    "RTT {id,t} p95 µs": [300, 40],
    "pipelined calls/s": [14000, 41000],
    "insert → connected ms": [45.6, 21.8],
  },
};

const PAYLOAD_TITLES = {
  small: "{id, t}",
  "1k": "1 KB string",
  "64k": "64 KB string",
  "64k-obj": "64 KB object (870 records)",
  "1m": "1 MB string",
};

const MB = 2 ** 20;

/** The headline figures of one variant in one placement, as plain numbers. */
function figures(r) {
  if (!r) return {};
  return {
    rttSmall: r.rtt.small?.median,
    rttSmallP95: r.rtt.small?.p95,
    rttSmallMin: r.rtt.small?.min,
    rtt1k: r.rtt["1k"]?.median,
    rtt64k: r.rtt["64k"]?.median,
    rtt64kObj: r.rtt["64k-obj"]?.median,
    rtt1m: r.rtt["1m"]?.median,
    pipelined: r.pipelined.median,
    burst: r.burst.median,
    lost: r.burst.values.length ? r.burst.lost : null,
    connect: r.connectMs.median,
    heapPeak: r.heap.peakMedian,
  };
}

const pair = (a, b) => `${a} / ${b}`;

/** A markdown table; `left` = how many leading columns are text (left-aligned), the rest are numbers. */
function table(header, rows, left = 1) {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i < left ? "---" : "---:")).join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

/** Formatting for the tables. */
const us = (x) => fmt(x);
const ms = (x) => fmt(x);
const ms1m = (x) => (x == null ? "–" : fmt(x / 1000));
const rate = (x) => fmt(x, { k: true });
const mb = (x) => (x == null ? "–" : fmt(x / MB));
const kb = (x) => (x == null ? "–" : fmt(x / 1024));

/**
 * One engine's figures, the way the tables read them: Chromium's are at the
 * top level of report.json (as before Firefox was added), the others' under
 * engines.<name>. Null when the engine was not measured.
 */
export function engineView(report, name) {
  const engine = report.engines?.[name] ?? (name === "chromium" ? { status: "measured" } : null);
  if (engine?.status !== "measured") return null;
  const { results, sizes } = name === "chromium" ? report : engine;
  const measured = report.variants.filter((v) => v.status === "measured");
  const F = Object.fromEntries(
    measured.map((v) => [v.name, Object.fromEntries(report.placements.map((p) => [p, figures(results[v.name][p])]))]),
  );
  return { name, engine, results, sizes, measured, F };
}

/** The headline table of one engine. */
function headlineTable(report, view) {
  const { F, sizes, measured } = view;
  const [cross, same] = report.placements;
  const both = (name, key, f) => pair(f(F[name][cross][key]), f(F[name][same][key]));
  return table(
    [
      "variant",
      "RTT {id,t} median µs",
      "p95 µs",
      "min µs",
      "RTT 64 KB µs",
      "RTT 64 KB obj µs",
      "RTT 1 MB ms",
      `pipelined ${report.config.pipelined} calls/s`,
      `burst ${report.config.burst} msg/s`,
      "lost",
      "insert → connected ms",
      "child heap peak MB",
      "JS+wasm gzip KB",
    ],
    measured.map((v) => [
      v.label,
      both(v.name, "rttSmall", us),
      both(v.name, "rttSmallP95", us),
      both(v.name, "rttSmallMin", us),
      both(v.name, "rtt64k", us),
      both(v.name, "rtt64kObj", us),
      both(v.name, "rtt1m", ms1m),
      both(v.name, "pipelined", rate),
      both(v.name, "burst", rate),
      both(v.name, "lost", (x) => (x == null ? "–" : String(x))),
      both(v.name, "connect", ms),
      both(v.name, "heapPeak", mb),
      kb(sizes[v.name]?.gzip),
    ]),
  );
}

/**
 * The ratio tables of one engine (to raw window.postMessage, to raw
 * MessagePort: the floor of one-frame-per-message designs, and to penpal),
 * under `heading` markdown headings.
 */
function ratioSections(report, view, heading, engineLabel) {
  const { F, sizes, measured } = view;
  const [cross, same] = report.placements;
  const out = [];
  for (const [base, baseName] of [
    ["raw", report.baselines.raw],
    ["the floor", report.baselines.floor],
    ["penpal", report.baselines.penpal],
  ]) {
    if (!baseName) continue; // a report.json from before that baseline
    if (!F[baseName]) {
      out.push(`(No ratios to ${base} in ${engineLabel}: the ${baseName} variant was not measured.)`);
      out.push("");
      continue;
    }
    out.push(`${heading} Ratios to ${measured.find((v) => v.name === baseName).label} (same run, ${engineLabel})`);
    out.push("");
    out.push("Variant ÷ baseline. For times (RTT, connect) below 1 is faster; for rates (pipelined, burst) above 1 is faster.");
    out.push("");
    const r = (name, key) =>
      pair(
        fmt(ratio(F[name][cross][key], F[baseName][cross][key]), { digits: 2 }),
        fmt(ratio(F[name][same][key], F[baseName][same][key]), { digits: 2 }),
      );
    out.push(
      table(
        ["variant", "RTT {id,t}", "RTT p95", "RTT 1 KB", "RTT 64 KB", "RTT 64 KB obj", "RTT 1 MB", "pipelined", "burst", "insert → connected", "gzip size"],
        measured.map((v) => [
          v.label,
          r(v.name, "rttSmall"),
          r(v.name, "rttSmallP95"),
          r(v.name, "rtt1k"),
          r(v.name, "rtt64k"),
          r(v.name, "rtt64kObj"),
          r(v.name, "rtt1m"),
          r(v.name, "pipelined"),
          r(v.name, "burst"),
          r(v.name, "connect"),
          fmt(ratio(sizes[v.name]?.gzip, sizes[baseName]?.gzip), { digits: 2 }),
        ]),
      ),
    );
    out.push("");
  }
  return out;
}

/** The isolation table of one engine. */
function isolationTable(report, view) {
  return table(
    ["variant", "placement", "host crossOriginIsolated", "child crossOriginIsolated", "performance.now() step µs", "child process"],
    view.measured.flatMap((v) =>
      report.placements.map((p) => {
        const x = view.results[v.name][p];
        return [v.label, p, String(x.isolation?.host ?? "–"), String(x.isolation?.child ?? "–"), fmt(x.isolation?.clockStepUs), x.childProcess ?? "–"];
      }),
    ),
    4,
  );
}

const ENGINE_LABELS = { chromium: "Chromium", firefox: "Firefox ESR" };

/** One line per engine for the introduction: what ran, or why not. */
function engineLine(report, name) {
  const e = report.engines?.[name];
  if (name === "chromium" && (!e || e.status === "measured")) {
    return `Chromium ${report.chromium} (headless, \`${report.chromiumArgs.join(" ")}\`), driven by Playwright ${report.playwright}.`;
  }
  const label = e?.label ?? ENGINE_LABELS[name] ?? name;
  if (e?.status === "measured") {
    return `${label} ${e.version} (\`${e.args.join(" ")}\`), driven by ${e.driver} over WebDriver; ${e.measuringSeconds.toFixed(0)} s of measuring.`;
  }
  return `${label}: not measured (${e?.status ?? "not run"}: ${e?.note ?? "this report predates it"}).`;
}

export function buildMarkdown(report) {
  const { placements } = report;
  const measured = report.variants.filter((v) => v.status === "measured");
  const skipped = report.variants.filter((v) => v.status === "skipped");
  const [cross, same] = placements;
  const chromium = engineView(report, "chromium");
  const firefox = engineView(report, "firefox");

  const out = [];
  out.push(`# crossframe benchmark (${report.mode} run)`);
  out.push("");
  out.push(
    `Generated ${report.generated} by \`${report.command}\`. ` +
      `Machine: ${report.machine.cores} cores (${report.machine.cpu}), Linux ${report.machine.kernel}, ` +
      `${report.machine.memoryGiB} GiB, Node ${report.machine.node}; ` +
      `load average (1 min) ${report.machine.loadAverage.before[0].toFixed(2)} before, ${report.machine.loadAverage.after[0].toFixed(2)} after the run. ` +
      `penpal ${report.penpal}.`,
  );
  out.push("");
  for (const name of ["chromium", "firefox"]) out.push(`- ${engineLine(report, name)}`);
  out.push("");
  out.push(
    `${report.reps} repetition${report.reps > 1 ? "s" : ""} per engine, all variants in the same browser, order alternating ` +
      `(forward in repetitions 1, 3, 5…, backward in 2, 4…; placements likewise), each variant and placement in a fresh browser context (Firefox: a new tab). ` +
      (report.measuringSeconds != null ? `${report.measuringSeconds.toFixed(0)} s of measuring in Chromium. ` : "") +
      `Host \`${report.origins.host}\`; child \`${report.origins[cross]}\` (cross-site) or \`${report.origins[same]}\` (same-site). ` +
      `RTT iterations per repetition: ${Object.entries(report.config.iterations).map(([k, v]) => `${k} ${v}`).join(", ")} ` +
      `(after a discarded warm-up of a tenth); pipelined ${report.config.pipelined} concurrent calls; burst ${report.config.burst} messages.`,
  );
  out.push("");
  out.push("Every figure is the median over repetitions (RTTs: over all samples of all repetitions), **cross-site / same-site**.");
  out.push(
    "The sections up to *Firefox ESR* are Chromium's; *Firefox ESR* gives the headline and the ratios in Firefox. " +
      "Compare engines by their ratios, not their absolute figures: each engine has its own clock step and its own process model.",
  );
  out.push("No figure here is a pass/fail criterion: the benchmark measures, it does not test.");
  out.push("");

  if (chromium) out.push(...chromiumSections(report, chromium));
  else out.push("(No Chromium figures: Chromium was not measured.)", "");

  out.push("## Firefox ESR");
  out.push("");
  if (firefox) out.push(...firefoxSection(report, firefox));
  else {
    out.push(engineLine(report, "firefox"));
    out.push("");
  }

  out.push("## Variants");
  out.push("");
  for (const v of measured) {
    const d = [chromium, firefox].map((e) => e && (e.results[v.name][cross].describe ?? e.results[v.name][same].describe)).find(Boolean);
    out.push(`- **${v.label}** (\`${v.name}\`): \`${v.hostPath}\` + \`${v.childPath}\`${d?.transport ? ` — ${d.transport}` : ""}${d?.oneWay === false ? "; no one-way messages, so its burst is un-awaited calls (each answered)" : ""}.`);
  }
  for (const v of skipped) out.push(`- **${v.label}** (\`${v.name}\`): skipped — ${v.note}.`);
  out.push("");

  const errors = [chromium, firefox].filter(Boolean).flatMap((e) =>
    measured.flatMap((v) => placements.flatMap((p) => e.results[v.name][p].errors.map((x) => `${e.name} ${v.name} ${p}: ${x}`))),
  );
  for (const [name, e] of Object.entries(report.engines ?? {})) {
    if (e.status === "failed") errors.unshift(`${name}: ${e.note}`);
  }
  if (errors.length) {
    out.push("## Errors");
    out.push("");
    for (const e of errors.slice(0, 40)) out.push(`- ${e}`);
    out.push("");
  }
  out.push("How each figure is measured: bench/README.md.");
  out.push("");
  return out.join("\n");
}

/** Firefox's section: its headline, its ratios and its isolation check. */
function firefoxSection(report, view) {
  const e = view.engine;
  const out = [];
  out.push(
    `${e.label} ${e.version}, headless, driven by ${e.driver} over WebDriver (no Playwright: it drives only its own Firefox build); ` +
      `the same pages, origins and counts as in Chromium, measured after Chromium in the same run. ` +
      "Not measurable over WebDriver, so n/a (–): the child's heap and whether the child has its own process. Chart: `rtt-firefox.svg`.",
  );
  out.push("");
  out.push("### Headline");
  out.push("");
  out.push(headlineTable(report, view));
  out.push("");
  out.push(...ratioSections(report, view, "###", "Firefox"));
  out.push("### Isolation check");
  out.push("");
  out.push(isolationTable(report, view));
  out.push("");
  return out;
}

/** The sections of the report before Firefox was added, for Chromium. */
function chromiumSections(report, view) {
  const { results, sizes, measured } = view;
  const { placements } = report;
  const [cross, same] = placements;
  const out = [];
  out.push("## Headline (Chromium)");
  out.push("");
  out.push(headlineTable(report, view));
  out.push("");
  out.push(...ratioSections(report, view, "##", "Chromium"));

  out.push("## RTT per payload");
  out.push("");
  out.push("Median / p95 / min in µs over all samples; below it, the spread of the per-repetition medians (min–max). Chart: `rtt.svg`.");
  out.push("");
  for (const p of placements) {
    out.push(`### ${p}`);
    out.push("");
    out.push(
      table(
        ["variant", ...report.config.payloads.map((n) => PAYLOAD_TITLES[n] ?? n)],
        measured.flatMap((v) => {
          const rtt = results[v.name][p].rtt;
          return [
            [v.label, ...report.config.payloads.map((n) => (rtt[n] ? `${us(rtt[n].median)} / ${us(rtt[n].p95)} / ${us(rtt[n].min)}` : "–"))],
            [
              "  ↳ rep medians",
              ...report.config.payloads.map((n) =>
                rtt[n]?.repMedians.length ? `${us(Math.min(...rtt[n].repMedians))}–${us(Math.max(...rtt[n].repMedians))}` : "–",
              ),
            ],
          ];
        }),
      ),
    );
    out.push("");
  }

  out.push("## Throughput, connection and memory per repetition");
  out.push("");
  for (const p of placements) {
    out.push(`### ${p}`);
    out.push("");
    out.push(
      table(
        ["variant", "pipelined calls/s", "burst msg/s", "burst acked / sent", "insert → connected ms", "child heap MB: before / peak / after burst", "child process"],
        measured.map((v) => {
          const x = results[v.name][p];
          return [
            v.label,
            x.pipelined.values.map((n) => fmt(n, { k: true })).join(", ") || "–",
            x.burst.values.map((b) => fmt(b.sent / (b.ms / 1000), { k: true })).join(", ") || "–",
            x.burst.values.length ? `${x.burst.sent - x.burst.lost} / ${x.burst.sent}` : "–",
            x.connectMs.values.map((n) => fmt(n)).join(", ") || "–",
            `${mb(x.heap.beforeMedian)} / ${mb(x.heap.peakMedian)} / ${mb(x.heap.afterMedian)}`,
            x.childProcess ?? "–",
          ];
        }),
      ),
    );
    out.push("");
  }
  out.push(
    "Child heap: V8 `Runtime.getHeapUsage().usedSize` of the child's renderer over CDP: after a forced garbage collection just before the burst, " +
      "the highest value sampled every 50 ms during the burst, and right after the ack. " +
      "Cross-site, the child has its own renderer, so this is the child's heap alone; same-site, host and child share one renderer and one V8 heap, " +
      "so it is both pages together. Wasm linear memory is not part of the JS heap.",
  );
  out.push("");

  out.push("## Bundle size");
  out.push("");
  out.push("The JS (and wasm) that the host and child pages loaded, gzip -9 per file, without the benchmark's own shared harness (`/common/`).");
  out.push("");
  out.push(
    table(
      ["variant", "gzip KB", "raw KB", "files"],
      measured.map((v) => {
        const s = sizes[v.name];
        return [
          v.label,
          kb(s?.gzip),
          kb(s?.raw),
          s ? s.files.map((f) => `\`${f.path}\` ${fmt(f.gzip / 1024)}`).join(", ") : "–",
        ];
      }),
    ),
  );
  out.push("");
  // The apps' bundles and crossframe's share of a widget, from bench/size.sh
  // (run.sh runs it before a full run).
  const sizeMd = new URL("../results/size.md", import.meta.url);
  if (existsSync(sizeMd)) {
    out.push(readFileSync(sizeMd, "utf8").replace(/^## /gm, "### ").trim());
    out.push("");
  }

  out.push("## Isolation check");
  out.push("");
  out.push(isolationTable(report, view));
  out.push("");

  const anchorRows = [];
  const mine = {
    "RTT {id,t} median µs": (x) => x.rtt.small?.median,
    "RTT {id,t} p95 µs": (x) => x.rtt.small?.p95,
    "RTT 64 KB median µs": (x) => x.rtt["64k"]?.median,
    "RTT 1 MB median µs": (x) => x.rtt["1m"]?.median,
    "burst msg/s": (x) => x.burst.median,
    "pipelined calls/s": (x) => x.pipelined.median,
    "insert → first message ms": (x) => x.connectMs.median,
    "insert → connected ms": (x) => x.connectMs.median,
  };
  for (const [name, refs] of Object.entries(ANCHORS)) {
    const v = measured.find((m) => m.name === name);
    if (!v) continue;
    for (const [metric, [rc, rs]] of Object.entries(refs)) {
      const big = /msg\/s|calls\/s/.test(metric);
      const f = (n) => fmt(n, { k: big });
      anchorRows.push([
        v.label,
        metric,
        pair(f(rc), f(rs)),
        pair(f(mine[metric](results[name][cross])), f(mine[metric](results[name][same]))),
      ]);
    }
  }
  if (anchorRows.length) {
    out.push("## Against the reference figures (shared/anchors.md)");
    out.push("");
    out.push(table(["variant", "figure", "reference cross / same", "this run cross / same"], anchorRows, 2));
    out.push("");
  }

  return out;
}

/** The RTT chart of one engine ("chromium" or "firefox"); null when it was not measured. */
export function buildChart(report, name = "chromium") {
  const view = engineView(report, name);
  if (!view) return null;
  const allNames = report.variants.map((v) => v.name);
  const engine = name === "chromium" ? `Chromium ${report.chromium}` : `${view.engine.label} ${view.engine.version}`;
  return rttChart({
    title: `Round-trip time in headless ${name === "chromium" ? "Chromium" : view.engine.label}: crossframe and the baselines`,
    subtitle:
      `${engine}, ${report.machine.cores} cores, ${report.reps} repetition(s), ${report.mode} run. ` +
      "Box p25–p75, whiskers p5–p95, black tick median (value at the right), dot minimum; log scale.",
    panels: report.config.payloads.map((payload) => ({
      title: `payload ${PAYLOAD_TITLES[payload] ?? payload}`,
      rows: report.placements.flatMap((p) =>
        view.measured.map((v) => ({
          label: `${p}: ${v.label}`,
          group: p,
          variantIndex: allNames.indexOf(v.name),
          faded: p === "same-site",
          stats: view.results[v.name][p].rtt[payload] ?? null,
        })),
      ),
    })),
  });
}

/** report.json, report.md, and the RTT chart of each measured engine: rtt.svg (Chromium), rtt-firefox.svg. */
export function writeReport(dir, report) {
  writeFileSync(join(dir, "report.json"), JSON.stringify(report, null, 2) + "\n");
  writeFileSync(join(dir, "report.md"), buildMarkdown(report));
  for (const [name, file] of [["chromium", "rtt.svg"], ["firefox", "rtt-firefox.svg"]]) {
    const svg = buildChart(report, name);
    if (svg) writeFileSync(join(dir, file), svg);
  }
}
