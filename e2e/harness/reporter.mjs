// A node:test reporter that writes one JSON line per finished top-level test
// ({ file, name, status: "pass" | "fail" | "skip", reason, ms }) for the
// engine × test matrix that e2e/run.mjs prints at the end.
import { relative } from "node:path";

export default async function* matrixReporter(source) {
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { data } = event;
    if (data.nesting !== 0 || data.details?.type === "suite" || !data.file) continue;
    const skipped = data.skip !== undefined && data.skip !== false;
    const error = data.details?.error;
    yield JSON.stringify({
      file: relative(process.cwd(), data.file),
      name: data.name,
      status: event.type === "test:fail" ? "fail" : skipped ? "skip" : "pass",
      reason: skipped ? String(data.skip) : event.type === "test:fail" ? String(error?.cause?.message ?? error?.message ?? error).split("\n")[0] : null,
      ms: Math.round(data.details?.duration_ms ?? 0),
    }) + "\n";
  }
}
