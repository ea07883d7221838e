// Minifies a release build's wasm-bindgen JS (trunk's own minifier fails on
// it), names it after its new content (trunk's name hashes the unminified
// JS: the same name must never stand for other bytes, it is served
// immutable) and updates index.html: the import, the modulepreload and its
// integrity hash. A trunk post_build hook (see the Trunk.toml files): it runs
// in trunk's staging folder before that becomes dist/, in release builds only.
//
//   TRUNK_PROFILE=release TRUNK_STAGING_DIR=DIR node tools/minify-glue.mjs
//
// About 55% of the glue's bytes, 1.7 KB of a bundle gzipped (bench/README.md,
// "Bundle size"). The minifier is terser at the exact version of
// package-lock.json beside this file: without `npm ci` in tools/ (which
// scripts/build.sh runs first), the glue stays as it is, with a warning.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const staging = process.env.TRUNK_STAGING_DIR;
if (process.env.TRUNK_PROFILE !== "release" || !staging) process.exit(0);

let minify;
try {
  ({ minify } = await import("terser"));
} catch {
  console.warn("minify-glue: terser is not installed (npm ci in tools/): the wasm-bindgen JS stays unminified");
  process.exit(0);
}

const files = readdirSync(staging);
const wasm = files.filter((f) => f.endsWith("_bg.wasm"));
if (wasm.length !== 1) throw new Error(`minify-glue: ${staging} has ${wasm.length} *_bg.wasm files, not one`);
const glue = `${wasm[0].slice(0, -"_bg.wasm".length)}.js`;
const htmlPath = join(staging, "index.html");
const html = readFileSync(htmlPath, "utf8");

const source = readFileSync(join(staging, glue), "utf8");
const { code } = await minify(source, { module: true, ecma: 2020, compress: { passes: 2 }, mangle: true });
const digest = (encoding) => createHash("sha384").update(code).digest(encoding);
const integrity = `sha384-${digest("base64")}`;
// <name>-<16 hex>.js, as trunk names files, with the hex of the minified JS.
const renamed = /-[0-9a-f]{8,16}\.js$/.test(glue) ? glue.replace(/[0-9a-f]{8,16}\.js$/, `${digest("hex").slice(0, 16)}.js`) : glue;

// The one tag that names the glue with an integrity hash: trunk's modulepreload.
let tags = 0;
let updated = html.replace(/<link\b[^>]*>/g, (tag) => {
  if (!tag.includes(`/${glue}"`) || !/\bintegrity="[^"]*"/.test(tag)) return tag;
  tags++;
  return tag.replace(/\bintegrity="[^"]*"/, `integrity="${integrity}"`);
});
if (tags !== 1) throw new Error(`minify-glue: index.html has ${tags} tags with ${glue} and an integrity hash, not one`);
// Every mention of the file: that tag and the module script's import.
const mentions = updated.split(`/${glue}`).length - 1;
if (mentions < 2) throw new Error(`minify-glue: index.html names ${glue} ${mentions} times, expected the import and the modulepreload`);
updated = updated.split(`/${glue}`).join(`/${renamed}`);

writeFileSync(join(staging, renamed), code);
if (renamed !== glue) rmSync(join(staging, glue));
writeFileSync(htmlPath, updated);
console.log(`minify-glue: ${glue} (${source.length} bytes) -> ${renamed} (${code.length} bytes)`);
