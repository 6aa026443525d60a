// `npm run conformance`: the full conformance run. Part 1 re-checks every
// program of the corpus and every library test against the reference
// compiler's recorded verdicts (corpus/manifest.json,
// corpus/library-manifest.json). Part 2 is the differential run of faustlab
// against the reference (src/difftest.ts): every accepted program of both
// sets compiled by faustlab (JS backend, and the FIR interpreter checked
// against it) and by the reference, rendered in double over 4096 samples,
// samples compared. Writes out/conformance.json, out/conformance.txt (part 1)
// and out/difftest.json, out/difftest.txt (part 2, failures sorted by cause)
// atomically; exits 1 when a recorded verdict disagrees.
// `npm run conformance -- -diff-only` skips part 1.

import path from "node:path";
import { fileURLToPath } from "node:url";
import fs from "node:fs";
import { writeFileAtomic } from "../src/fsutil.ts";
import { extractLibraryTests } from "../src/libtests.ts";
import { compileReference } from "../src/reference.ts";
import { describeResult, diffProgram, type DiffResult } from "../src/difftest.ts";
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
const diffOnly = process.argv.includes("-diff-only");
if (!diffOnly) await verdicts();
await differential();

async function verdicts(): Promise<void> {
  // Part 1: the recorded verdicts. Our own programs.
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
}

/** Part 2: faustlab against the reference on every accepted program. */
async function differential(): Promise<void> {
  const t1 = performance.now();
  const results: { program: string; set: "corpus" | "library"; result: DiffResult }[] = [];
  for (const e of readManifest()) {
    if (!e.accepted) continue;
    const file = path.join(here, e.path);
    results.push({ program: e.path, set: "corpus", result: await diffProgram({ text: fs.readFileSync(file, "utf8"), path: file }) });
  }
  const lib = JSON.parse(fs.readFileSync(path.join(here, "library-manifest.json"), "utf8")) as LibraryManifest;
  const accepted = new Set(lib.tests.filter((t) => t.accepted).map((t) => t.id));
  const tests = extractLibraryTests().filter((t) => accepted.has(t.id));
  let done = 0;
  for (const t of tests) {
    results.push({ program: `library:${t.id}`, set: "library", result: await diffProgram({ text: t.source, path: `/library-tests/${t.id}.dsp`, name: t.name }) });
    if (++done % 100 === 0) process.stderr.write(`differential: ${done}/${tests.length} library tests\n`);
  }
  const seconds = (performance.now() - t1) / 1000;
  const count = (set: string, status?: string) => results.filter((r) => r.set === set && (!status || r.result.status === status)).length;
  const causes = ["rejected", "crashed", "arity", "samples", "backends", "reference-failed"] as const;
  const bySet = (set: string) => ({ total: count(set), pass: count(set), ...Object.fromEntries(causes.map((c) => [c, count(set, c)])) });
  const summary = {
    date: new Date().toISOString(),
    seconds,
    corpus: { ...bySet("corpus"), pass: count("corpus", "pass") },
    library: { ...bySet("library"), pass: count("library", "pass") },
    failures: results.filter((r) => r.result.status !== "pass").map((r) => ({ program: r.program, ...r.result })),
  };
  writeFileAtomic(path.join(out, "difftest.json"), JSON.stringify(summary, null, 2) + "\n");
  const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
  const failures = results.filter((r) => r.result.status !== "pass");
  failures.sort((a, b) => causes.indexOf(a.result.status as (typeof causes)[number]) - causes.indexOf(b.result.status as (typeof causes)[number]) || a.program.localeCompare(b.program));
  const text = [
    `faustlab vs reference, double precision, 4096 samples (${seconds.toFixed(0)} s)`,
    `corpus: ${summary.corpus.pass}/${summary.corpus.total} same samples (${pct(summary.corpus.pass, summary.corpus.total)})`,
    `library tests: ${summary.library.pass}/${summary.library.total} same samples (${pct(summary.library.pass, summary.library.total)})`,
    `failures by cause: ${causes.map((c) => `${c} ${failures.filter((f) => f.result.status === c).length}`).join(", ")}`,
    ...failures.map((f) => `  ${f.program}: ${describeResult(f.result)}`),
  ].join("\n");
  writeFileAtomic(path.join(out, "difftest.txt"), text + "\n");
  console.log(text);
}
