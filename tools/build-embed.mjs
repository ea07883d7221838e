// Builds the widget's embed scripts from their one readable source,
// child/embed.js, into the widget's bundle (scripts/build.sh runs it after trunk):
//
//   node tools/build-embed.mjs child/embed.js child/dist
//
//   embed.js   the one-tag classic script, minified (at most MAX_GZIP bytes gzipped)
//   embed.mjs  the same code as an ES module: MODULE_URL is import.meta.url,
//              the wrapper's value is exported (embed, CrossframeError,
//              PROTOCOL_VERSION), no global; minified
//   embed.d.ts, embed.d.mts  the TypeScript declarations of both, copied from
//              embed.d.ts beside the source (generated from the widget's Rust
//              types; .d.mts is where TypeScript looks for embed.mjs's types)
//
// The minifier is terser, at the exact version of package-lock.json beside
// this file (npm ci). Each rewrite must match the source exactly once, or the
// build fails: embed.mjs cannot drift from embed.js.
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { minify } from "terser";

const MAX_GZIP = 4096;
const [source, outDir] = process.argv.slice(2);
if (!source || !outDir) {
  console.error("usage: node tools/build-embed.mjs SOURCE OUTDIR");
  process.exit(2);
}
const text = readFileSync(source, "utf8");

function replaceOnce(input, from, to) {
  const count = input.split(from).length - 1;
  if (count !== 1) throw new Error(`build-embed: ${source} has ${JSON.stringify(from)} ${count} times, not once`);
  return input.replace(from, () => to);
}

const EXPORTS = "embed, CrossframeError, PROTOCOL_VERSION";
let moduleText = replaceOnce(text, "const MODULE_URL = null;", "const MODULE_URL = import.meta.url;");
moduleText = replaceOnce(moduleText, "\n(() => {\n", `\nconst { ${EXPORTS} } = (() => {\n`);
moduleText += `export { ${EXPORTS} };\n`;

const preamble = (name) =>
  `/*! crossframe ${name}: embeds this widget in any page. Readable source: child/embed.js of the crossframe repository; types: embed.d.ts. */`;
const options = (module, name) => ({
  module,
  ecma: 2020,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false, preamble: preamble(name) },
});

const sizes = [];
for (const [name, input, module] of [
  ["embed.js", text, false],
  ["embed.mjs", moduleText, true],
]) {
  const { code } = await minify(input, options(module, name));
  writeFileSync(join(outDir, name), code + "\n");
  const gzipped = gzipSync(code + "\n", { level: 9 }).length;
  sizes.push(`${name} ${code.length} B (${gzipped} B gzipped)`);
  if (gzipped > MAX_GZIP) {
    throw new Error(`build-embed: ${name} is ${gzipped} B gzipped, over the budget of ${MAX_GZIP} B`);
  }
}
console.error(`embed scripts (minified): ${sizes.join(", ")}; readable source ${text.length} B (${gzipSync(text, { level: 9 }).length} B gzipped)`);
for (const name of ["embed.d.ts", "embed.d.mts"]) copyFileSync(join(dirname(source), "embed.d.ts"), join(outDir, name));
