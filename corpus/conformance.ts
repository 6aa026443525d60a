// `npm run conformance`: the full conformance run. For now (the foundation
// issue) it re-checks every program of the corpus and every library test
// against the reference compiler's recorded verdicts (corpus/manifest.json,
// corpus/library-manifest.json); the differential runner of faustlab's own
// engines joins it with the backends. Writes out/conformance.json and
// out/conformance.txt atomically; exits 1 when anything disagrees.

import path from "node:path";
import { fileURLToPath } from "node:url";
import fs from "node:fs";
import { writeFileAtomic } from "../src/fsutil.ts";
import { extractLibraryTests } from "../src/libtests.ts";
import { compileReference } from "../src/reference.ts";
import { errorSummary, type LibraryManifest } from "./make-library-manifest.ts";
import { describeProgram, expectedErrors, listPrograms, readManifest } from "./manifest.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, "..", "out");

interface Disagreement {
  readonly program: string;
  readonly expected: unknown;
  readonly got: unknown;
}

const disagreements: Disagreement[] = [];
const t0 = performance.now();

// Our own programs.
const manifest = new Map(readManifest().map((e) => [e.path, e]));
const programs = listPrograms();
for (const rel of programs) {
  const got = await describeProgram(rel);
  const want = manifest.get(rel);
  const same =
    want !== undefined &&
    (got.accepted && want.accepted
      ? got.inputs === want.inputs && got.outputs === want.outputs
      : !got.accepted && !want.accepted && got.error.includes(expectedErrors[rel] ?? want.error));
  if (!same) disagreements.push({ program: rel, expected: want ?? "not in the manifest", got });
}

// The library tests.
const lib = JSON.parse(fs.readFileSync(path.join(here, "library-manifest.json"), "utf8")) as LibraryManifest;
const byId = new Map(lib.tests.map((t) => [t.id, t]));
const tests = extractLibraryTests();
let done = 0;
for (const t of tests) {
  const want = byId.get(t.id);
  let got: { accepted: boolean; inputs?: number; outputs?: number; error?: string };
  try {
    const c = await compileReference(t.source, t.id);
    got = { accepted: true, inputs: c.meta.inputs, outputs: c.meta.outputs };
  } catch (e) {
    got = { accepted: false, error: errorSummary((e as Error).message) };
  }
  if (!want || want.accepted !== got.accepted || want.inputs !== got.inputs || want.outputs !== got.outputs || want.error !== got.error)
    disagreements.push({ program: `library:${t.id}`, expected: want ?? "not in the manifest", got });
  if (++done % 100 === 0) process.stderr.write(`library tests: ${done}/${tests.length}\n`);
}

const seconds = (performance.now() - t0) / 1000;
const summary = {
  date: new Date().toISOString(),
  seconds,
  corpus: { programs: programs.length },
  library: { programs: tests.length, accepted: lib.accepted },
  disagreements,
};
writeFileAtomic(path.join(out, "conformance.json"), JSON.stringify(summary, null, 2) + "\n");
const text = [
  `faustlab conformance (${seconds.toFixed(0)} s)`,
  `corpus programs: ${programs.length}; library tests: ${tests.length} (${lib.accepted} accepted by the reference)`,
  `disagreements with the recorded reference verdicts: ${disagreements.length}`,
  ...disagreements.map((d) => `  ${d.program}: expected ${JSON.stringify(d.expected)}, got ${JSON.stringify(d.got)}`),
].join("\n");
writeFileAtomic(path.join(out, "conformance.txt"), text + "\n");
console.log(text);
process.exitCode = disagreements.length ? 1 : 0;
