// Long fuzzing runs of the front end: node bin/run-ts.mjs scripts/fuzz-frontend.ts [COUNT] [SEED]
// Mutates the standard library files and the library test programs; prints
// every failure (exception, slow parse, or printed boxes not parsing back).

import fs from "node:fs";
import path from "node:path";
import { fuzz } from "../src/frontend/fuzz.ts";
import { extractLibraryTests } from "../src/libtests.ts";
import { stdlibFiles } from "../src/stdlib.ts";

const count = Number(process.argv[2] ?? 5000);
const seed = Number(process.argv[3] ?? Date.now() % 100000);
const sources = [
  ...stdlibFiles().map((f) => ({ name: path.basename(f), text: fs.readFileSync(f, "utf8") })),
  ...extractLibraryTests().map((t) => ({ name: t.id, text: t.source })),
];
const t0 = performance.now();
const failures = fuzz(sources, { seed, count, maxMs: 1000 });
for (const f of failures) console.log(`FAIL ${f.name}: ${f.problem}\n--- source (first 400 chars)\n${f.text.slice(0, 400)}\n---`);
console.log(`seed ${seed}: ${count} mutants, ${failures.length} failures, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.exitCode = failures.length ? 1 : 0;
