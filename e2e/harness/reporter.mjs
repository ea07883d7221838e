// A node:test reporter that writes one JSON line per finished top-level test
// ({ file, name, status: "pass" | "fail" | "skip", reason, detail, ms }) for
// the engine × test matrix that e2e/run.mjs prints at the end. `detail` is a
// failure's whole message (with the console of every frame that the harness
// adds), so that the end of the run says why, where CI shows only a tail.
import { relative } from "node:path";

export default async function* matrixReporter(source) {
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { data } = event;
    if (data.nesting !== 0 || data.details?.type === "suite" || !data.file) continue;
    const skipped = data.skip !== undefined && data.skip !== false;
    const error = data.details?.error;
    const failed = event.type === "test:fail";
    const message = failed ? String(error?.cause?.message ?? error?.message ?? error) : null;
    yield JSON.stringify({
      file: relative(process.cwd(), data.file),
      name: data.name,
      status: failed ? "fail" : skipped ? "skip" : "pass",
      reason: skipped ? String(data.skip) : failed ? message.split("\n")[0] : null,
      detail: failed ? message.slice(0, 6_000) : null,
      ms: Math.round(data.details?.duration_ms ?? 0),
    }) + "\n";
  }
}
