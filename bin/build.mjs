#!/usr/bin/env node
// `npm run build` (run by `prepare`, so `npm ci` builds it): the command line
// and the fuzzing worker as compiled JavaScript in dist/ (ignored by git),
// bundled by esbuild with code splitting, so each command's chain is loaded
// when first needed. dist/build.json lists the sources that went in, with
// the build's start time: bin/faustlab.mjs uses dist/ only while no source is
// newer (else it runs the TypeScript through tsx, as in development).
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
const started = Date.now();
const tmp = path.join(root, `.dist-${process.pid}`);
fs.rmSync(tmp, { recursive: true, force: true });

// The parser's identity (src/driver/parse-cache.ts), fixed at build time.
const parserSources = ["src/chain/frontend/lexer.ts", "src/chain/frontend/parser.ts", "src/core/boxes/box.ts", "src/chain/frontend/parsed-form.ts"];
const formVersion = /PARSED_FORM_VERSION = (\d+)/.exec(fs.readFileSync(path.join(root, "src/chain/frontend/parsed-form.ts"), "utf8"))[1];
const h = crypto.createHash("sha256").update(`v${formVersion}\0`);
for (const f of parserSources) h.update(fs.readFileSync(path.join(root, f))).update("\0");
const parserKey = h.digest("hex").slice(0, 16);

const result = await build({
  absWorkingDir: root,
  // the workers' tasks are entries too: a bundled caller's import.meta.url is in
  // dist/chunks, so pools name their worker shim by its source path (which
  // loads the entry below when dist/ is fresh)
  entryPoints: {
    cli: "src/cli/cli.ts",
    "fuzz-worker": "src/tools/fuzz-worker.ts",
    "mcp-worker": "src/cli/mcp/worker.ts",
    "experiment-worker": "src/harness/experiment/worker.ts",
  },
  outdir: tmp,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]-[hash]",
  define: { __FAUSTLAB_PARSER_KEY__: JSON.stringify(parserKey) },
  metafile: true,
  logLevel: "warning",
  legalComments: "none",
});
const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith("node_modules/")).sort();
fs.writeFileSync(path.join(tmp, "build.json"), JSON.stringify({ builtAt: started, parserKey, inputs }, null, 1) + "\n");
// Swap the new build in (a concurrent reader sees the old or the new folder, never half of one).
const old = path.join(root, `.dist-old-${process.pid}`);
if (fs.existsSync(dist)) fs.renameSync(dist, old);
fs.renameSync(tmp, dist);
fs.rmSync(old, { recursive: true, force: true });
const bytes = fs.readdirSync(dist, { recursive: true }).filter((f) => String(f).endsWith(".mjs")).reduce((n, f) => n + fs.statSync(path.join(dist, String(f))).size, 0);
console.log(`built dist/ (${inputs.length} sources, ${(bytes / 1024).toFixed(0)} KB of JavaScript) in ${Date.now() - started} ms`);
