// Long fuzzing runs of the front end (`npm run fuzz -- [COUNT] [SEED]`):
// mutates the standard library files and the library test programs; prints
// every failure (exception, slow parse, or printed boxes not parsing back).
// Then the same mutants go through the command line, `faustlab check`, in
// batches: every exit status must be 0 or 1, with no internal error (FL005).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { main } from "../cli/cli.ts";
import { fuzz, mutate, prng } from "../harness/fuzz.ts";
import { extractLibraryTests } from "../driver/libtests.ts";
import { stdlibFiles } from "../driver/stdlib.ts";

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

// Through the CLI: mutated programs written to files, one file per run.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-fuzz-"));
const rand = prng(seed + 1);
const statuses = new Map<number, number>();
let cliFailures = 0;
const t1 = performance.now();
const tests = extractLibraryTests();
for (let done = 0; done < count; ) {
  const files: string[] = [];
  for (let k = 0; k < 1 && done < count; k++, done++) {
    const t = tests[Math.floor(rand() * tests.length)]!;
    const f = path.join(dir, `m${done}.dsp`);
    fs.writeFileSync(f, mutate(t.source, rand, 1 + Math.floor(rand() * 3)).text);
    files.push(f);
  }
  let err = "";
  const status = await main(["check", "-q", ...files], { out: () => {}, err: (t) => void (err += t) });
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  if ((status !== 0 && status !== 1) || err.includes("FL005")) {
    cliFailures++;
    console.log(`CLI FAIL (exit ${status}) on ${files[0]}…: ${err.slice(0, 300)}`);
  }
}
fs.rmSync(dir, { recursive: true, force: true });
console.log(`cli: ${count} mutants in ${count} runs of 'faustlab check', exit statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${cliFailures} failures, ${((performance.now() - t1) / 1000).toFixed(1)} s`);
process.exitCode = failures.length || cliFailures ? 1 : 0;
