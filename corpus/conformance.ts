// `npm run conformance`: the full conformance run. Part 1 re-checks every
// program of the corpus and every library test against the reference
// compiler's recorded verdicts (corpus/manifest.json,
// corpus/library-manifest.json). Part 2 is the differential run of faustlab
// against the reference (src/harness/difftest.ts): every accepted program of both
// sets compiled by faustlab and by the reference, rendered in double over
// 4096 samples by the reference and by the five backends (js, interp, wasm,
// c, cpp); the JS backend's samples compared with the reference's (1e-9),
// every other backend's with the JS backend's (1e-12, scaled by the peak).
// Writes out/conformance.json, out/conformance.txt (part 1) and
// out/difftest.json, out/difftest.txt (part 2: agreement per backend, then
// failures sorted by cause) atomically; exits 1 when a recorded verdict
// disagrees.
// `npm run conformance -- -diff-only` skips part 1;
// `-backends js,interp,wasm` runs only those backends in part 2.
// `npm run sanitize` (`-diff-only -sanitize`): part 2 with the JS, C and C++
// backends, the native code built with -fsanitize=address,undefined (added to
// $CFLAGS/$CXXFLAGS, so $CC/$CXX still choose the compiler) and no recovery,
// so a sanitizer report fails the program; writes out/sanitize.{json,txt}.

import path from "node:path";
import { fileURLToPath } from "node:url";
import fs from "node:fs";
import { writeFileAtomic } from "../src/core/fsutil.ts";
import { extractLibraryTests } from "../src/driver/libtests.ts";
import { compileReference } from "../src/harness/oracle.ts";
import { DIFF_BACKENDS, describeResult, diffPrograms, type DiffBackend, type DiffProgram } from "../src/harness/difftest.ts";
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
const sanitize = process.argv.includes("-sanitize");
if (sanitize) {
  const flags = "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer";
  for (const v of ["CFLAGS", "CXXFLAGS"]) process.env[v] = `${process.env[v] ?? ""} ${flags}`.trim();
}
const reportName = sanitize ? "sanitize" : "difftest";
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

/** Part 2: faustlab against the reference on every accepted program, every backend. */
async function differential(): Promise<void> {
  const t1 = performance.now();
  const at = process.argv.indexOf("-backends");
  const backends = (at >= 0 ? (process.argv[at + 1] ?? "").split(",") : sanitize ? ["js", "c", "cpp"] : DIFF_BACKENDS) as DiffBackend[];
  const unknown = backends.filter((b) => !DIFF_BACKENDS.includes(b));
  if (unknown.length || backends.length === 0) {
    console.error(`conformance: -backends needs a comma-separated list of ${DIFF_BACKENDS.join(", ")}, not '${process.argv[at + 1] ?? ""}'`);
    process.exit(1);
  }
  const programs: { program: string; set: "corpus" | "library"; source: DiffProgram }[] = [];
  for (const e of readManifest()) {
    if (!e.accepted) continue;
    const file = path.join(here, e.path);
    programs.push({ program: e.path, set: "corpus", source: { text: fs.readFileSync(file, "utf8"), path: file } });
  }
  const lib = JSON.parse(fs.readFileSync(path.join(here, "library-manifest.json"), "utf8")) as LibraryManifest;
  const accepted = new Set(lib.tests.filter((t) => t.accepted).map((t) => t.id));
  for (const t of extractLibraryTests().filter((t) => accepted.has(t.id)))
    programs.push({ program: `library:${t.id}`, set: "library", source: { text: t.source, path: `/library-tests/${t.id}.dsp`, name: t.name } });
  let done = 0;
  const list = await diffPrograms(
    programs.map((p) => p.source),
    { backends },
    () => {
      if (++done % 100 === 0) process.stderr.write(`differential: ${done}/${programs.length} programs (${((performance.now() - t1) / 1000).toFixed(0)} s)\n`);
    },
  );
  const results = programs.map((p, i) => ({ program: p.program, set: p.set, result: list[i]! }));
  const seconds = (performance.now() - t1) / 1000;
  const count = (set: string, status?: string) => results.filter((r) => r.set === set && (!status || r.result.status === status)).length;
  const causes = ["rejected", "crashed", "arity", "samples", "backends", "reference-failed"] as const;
  const bySet = (set: string) => ({ total: count(set), pass: count(set, "pass"), ...Object.fromEntries(causes.map((c) => [c, count(set, c)])) });
  // per backend: the first against the reference, the others against the first
  const rendered = results.filter((r) => "verdicts" in r.result);
  const perBackend = backends.map((backend, k) => {
    if (k === 0) {
      const agree = rendered.filter((r) => r.result.status !== "samples").length;
      return { backend, against: "reference", rendered: rendered.length, agree, exact: 0, close: 0, differs: rendered.length - agree, libm: 0, failed: 0, worst: 0 };
    }
    const vs = rendered.map((r) => ("verdicts" in r.result ? r.result.verdicts : []).find((v) => v.backend === backend)!);
    const n = (s: string) => vs.filter((v) => v.status === s).length;
    const worst = Math.max(0, ...vs.map((v) => (v.status === "close" ? v.error : 0)));
    const libm = vs.filter((v) => v.status === "differs" && v.cause === "libm").length;
    return { backend, against: backends[0]!, rendered: rendered.length, agree: n("exact") + n("close"), exact: n("exact"), close: n("close"), differs: n("differs"), libm, failed: n("failed"), worst };
  });
  const summary = {
    date: new Date().toISOString(),
    seconds,
    backends: perBackend,
    corpus: bySet("corpus"),
    library: bySet("library"),
    failures: results.filter((r) => r.result.status !== "pass").map((r) => ({ program: r.program, ...r.result })),
  };
  writeFileAtomic(path.join(out, `${reportName}.json`), JSON.stringify(summary, null, 2) + "\n");
  const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
  const failures = results.filter((r) => r.result.status !== "pass");
  failures.sort((a, b) => causes.indexOf(a.result.status as (typeof causes)[number]) - causes.indexOf(b.result.status as (typeof causes)[number]) || a.program.localeCompare(b.program));
  const text = [
    `faustlab vs reference, double precision, 4096 samples, backends ${backends.join(", ")}${sanitize ? ` (native code with ${process.env["CFLAGS"]})` : ""} (${seconds.toFixed(0)} s)`,
    `corpus: ${summary.corpus.pass}/${summary.corpus.total} pass (${pct(summary.corpus.pass, summary.corpus.total)})`,
    `library tests: ${summary.library.pass}/${summary.library.total} pass (${pct(summary.library.pass, summary.library.total)})`,
    `per backend, over the ${rendered.length} programs faustlab compiled and rendered:`,
    ...perBackend.map((b, k) =>
      k === 0
        ? `  ${b.backend}: ${b.agree}/${b.rendered} agree with the reference within 1e-9`
        : `  ${b.backend}: ${b.agree}/${b.rendered} agree with ${b.against} within 1e-12 (${b.exact} bit-identical, ${b.close} within, worst ${b.worst.toExponential(1)}), ${b.differs} differ (${b.libm} of them by libm rounding, below 1e-9), ${b.failed} failed`,
    ),
    `failures by cause: ${causes.map((c) => `${c} ${failures.filter((f) => f.result.status === c).length}`).join(", ")}`,
    ...failures.map((f) => `  ${f.program}: ${describeResult(f.result)}`),
  ].join("\n");
  writeFileAtomic(path.join(out, `${reportName}.txt`), text + "\n");
  console.log(text);
}
