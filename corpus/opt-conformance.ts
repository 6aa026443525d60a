// `npm run conformance:opt [-- PIPELINE]`: does a pass pipeline (default
// `O1`) keep the samples of every program? For every accepted corpus program
// (corpus/manifest.json) and every accepted library test
// (corpus/library-manifest.json), compiled by faustlab with and without the
// pipeline (compileFir's `passes`), rendered by the JS backend in double over
// 4096 samples with a unit impulse and, for programs with inputs, the noise
// signal of src/harness/difftest.ts: how many agree within 1e-9 (`-tolerance T`) of each output's peak,
// how many are bit-identical (NaN equal to NaN, -0 unlike +0), and the others
// by name with their first differing sample. The baseline is the program's
// second compilation in the process: the first one may round differently
// (counted and listed as `coldDiffers`). Writes out/opt-conformance.json
// and out/opt-conformance.txt atomically; exits 1 when a program disagrees or
// fails with the pipeline only. `-limit N` checks only the first N of each set.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DiagnosticError } from "../src/core/diagnostics.ts";
import { compileFir, instantiate } from "../src/driver/compile.ts";
import { renderDsp, unitImpulse } from "../src/chain/backends/render.ts";
import { firstDifference, testSignal } from "../src/harness/difftest.ts";
import { writeFileAtomic } from "../src/core/fsutil.ts";
import { extractLibraryTests } from "../src/driver/libtests.ts";
import type { LibraryManifest } from "./make-library-manifest.ts";
import { readManifest } from "./manifest.ts";
import { instances } from "../passes/registry.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, "..", "out");
const SAMPLES = 4096;
/** `-tolerance T` (default 1e-9): the bound relative to each output's peak. */
let TOLERANCE = 1e-9;

type Verdict =
  | { readonly status: "identical" | "close"; readonly error: number; readonly coldDiffers: boolean }
  | { readonly status: "differs"; readonly signal: string; readonly output: number; readonly index: number; readonly expected: number; readonly got: number }
  | { readonly status: "failed"; readonly message: string }
  | { readonly status: "skipped"; readonly message: string };

interface Row {
  readonly program: string;
  readonly set: "corpus" | "library";
  readonly verdict: Verdict;
}

const message = (e: unknown) => (e instanceof DiagnosticError ? e.diagnostics.map((d) => `${d.code}: ${d.message}`).join("; ") : String((e as Error)?.message ?? e));

function render(text: string, file: string, name: string, passes: string | undefined): { inputs: number; data: Float64Array[][] } {
  const m = compileFir({ text, path: file }, { double: true, name, ...(passes !== undefined ? { passes } : {}) });
  const factory = instantiate(m, "js");
  const signals = m.inputs > 0 ? [unitImpulse, testSignal()] : [unitImpulse];
  return { inputs: m.inputs, data: signals.map((input) => renderDsp(factory(), { samples: SAMPLES, double: true, input })) };
}

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** The largest |a - b| / max(1, peak) (0 when bit-identical; NaN against a number counts as infinite). */
function scaledError(e: readonly Float64Array[], g: readonly Float64Array[]): number {
  let worst = 0;
  for (let k = 0; k < e.length; k++) {
    let peak = 1;
    for (const v of e[k]!) if (Number.isFinite(v)) peak = Math.max(peak, Math.abs(v));
    for (let i = 0; i < e[k]!.length; i++) {
      const a = e[k]![i]!;
      const b = g[k]![i]!;
      if (!same(a, b)) worst = Math.max(worst, a === b ? 0 : Number.isFinite(a - b) ? Math.abs(a - b) / peak : Infinity);
    }
  }
  return worst;
}

const identicalRenderings = (a: readonly Float64Array[][], b: readonly Float64Array[][]) =>
  a.every((sg, s) => sg.every((ch, k) => ch.every((v, i) => same(v, b[s]![k]![i]!))));

function compare(text: string, file: string, name: string, pipeline: string): Verdict {
  // The first compilation of a program in a process may round differently
  // from the later ones (it creates the hash-consed nodes; see the report's
  // `coldDiffers`): the baseline is a second compilation.
  let base, cold;
  try {
    cold = render(text, file, name, undefined);
    base = render(text, file, name, undefined);
  } catch (e) {
    return { status: "skipped", message: `rejected without the pipeline: ${message(e)}` };
  }
  const coldDiffers = !identicalRenderings(cold.data, base.data);
  let opt;
  try {
    opt = render(text, file, name, pipeline);
  } catch (e) {
    return { status: "failed", message: message(e) };
  }
  if (opt.data[0]!.length !== base.data[0]!.length) return { status: "failed", message: `${opt.data[0]!.length} outputs instead of ${base.data[0]!.length}` };
  const signals = ["impulse", "noise"];
  let identical = true;
  let error = 0;
  for (let s = 0; s < base.data.length; s++) {
    const d = firstDifference(base.data[s]!, opt.data[s]!, TOLERANCE);
    if (d) return { status: "differs", signal: signals[s]!, ...d };
    const err = scaledError(base.data[s]!, opt.data[s]!);
    error = Math.max(error, err);
    if (!base.data[s]!.every((ch, k) => ch.every((v, i) => same(v, opt.data[s]![k]![i]!)))) identical = false;
  }
  return { status: identical ? "identical" : "close", error, coldDiffers };
}

const args = process.argv.slice(2);
const limitAt = args.indexOf("-limit");
/** `-limit N`: only the first N programs of each set (a quick look). */
const limit = limitAt >= 0 ? Number(args.splice(limitAt, 2)[1]) : Infinity;
const tolAt = args.indexOf("-tolerance");
if (tolAt >= 0) TOLERANCE = Number(args.splice(tolAt, 2)[1]);
const pipeline = args.find((a) => !a.startsWith("-")) ?? "O1";
/** The passes the pipeline runs (a named pipeline expanded). */
const expanded = instances(pipeline)
  .map((i) => i.text)
  .join(",");
const t0 = performance.now();
const rows: Row[] = [];
for (const e of readManifest().filter((m) => m.accepted).slice(0, limit)) {
  const file = path.join(here, e.path);
  const name = path.basename(e.path).replace(/\.dsp$/, "");
  rows.push({ program: e.path, set: "corpus", verdict: compare(fs.readFileSync(file, "utf8"), file, name, pipeline) });
}
const lib = JSON.parse(fs.readFileSync(path.join(here, "library-manifest.json"), "utf8")) as LibraryManifest;
const accepted = new Set(lib.tests.filter((t) => t.accepted).map((t) => t.id));
const tests = extractLibraryTests()
  .filter((t) => accepted.has(t.id))
  .slice(0, limit);
let done = 0;
for (const t of tests) {
  rows.push({ program: `library:${t.id}`, set: "library", verdict: compare(t.source, `/library-tests/${t.id}.dsp`, t.name, pipeline) });
  if (++done % 100 === 0) process.stderr.write(`opt-conformance: ${done}/${tests.length} library tests\n`);
}
const seconds = (performance.now() - t0) / 1000;

const count = (set: string, ...status: string[]) => rows.filter((r) => r.set === set && status.includes(r.verdict.status)).length;
const bySet = (set: string) => {
  const total = rows.filter((r) => r.set === set).length;
  const skipped = count(set, "skipped");
  const coldDiffers = rows.filter((r) => r.set === set && (r.verdict.status === "identical" || r.verdict.status === "close") && r.verdict.coldDiffers).length;
  return { total, compared: total - skipped, identical: count(set, "identical"), within: count(set, "identical", "close"), differs: count(set, "differs"), failed: count(set, "failed"), skipped, coldDiffers };
};
const summary = {
  date: new Date().toISOString(),
  pipeline,
  passes: expanded,
  samples: SAMPLES,
  tolerance: TOLERANCE,
  seconds,
  corpus: bySet("corpus"),
  library: bySet("library"),
  largestCloseError: Math.max(0, ...rows.map((r) => (r.verdict.status === "close" ? r.verdict.error : 0))),
  close: rows.filter((r) => r.verdict.status === "close").map((r) => ({ program: r.program, ...r.verdict })),
  coldDiffers: rows.filter((r) => "coldDiffers" in r.verdict && r.verdict.coldDiffers).map((r) => r.program),
  others: rows.filter((r) => !["identical", "close"].includes(r.verdict.status)).map((r) => ({ program: r.program, ...r.verdict })),
};
writeFileAtomic(path.join(out, "opt-conformance.json"), JSON.stringify(summary, null, 2) + "\n");

const line = (s: ReturnType<typeof bySet>, what: string) =>
  `${what}: ${s.within}/${s.compared} within ${TOLERANCE} of the peak, ${s.identical} bit-identical; ${s.differs} differ, ${s.failed} fail with the pipeline only${s.skipped ? `, ${s.skipped} rejected without it (skipped)` : ""}`;
const describe = (v: Verdict): string => {
  switch (v.status) {
    case "identical":
    case "close":
      return `${v.status} (largest error ${v.error.toExponential(2)} of the peak)`;
    case "differs":
      return `differs: ${v.signal} input, output ${v.output}, sample ${v.index}: ${v.expected} without, ${v.got} with the pipeline`;
    case "failed":
    case "skipped":
      return `${v.status}: ${v.message}`;
    default: {
      const never: never = v;
      return never;
    }
  }
};
const text = [
  `faustlab with and without the pipeline '${pipeline}'${expanded !== pipeline ? ` ('${expanded}')` : ""}, JS backend, double, ${SAMPLES} samples, impulse + noise (${seconds.toFixed(0)} s)`,
  line(summary.corpus, "corpus"),
  line(summary.library, "library tests"),
  `largest error among the close ones: ${summary.largestCloseError.toExponential(2)} of the peak`,
  `first compilation in the process not bit-identical to the second (without the pipeline): corpus ${summary.corpus.coldDiffers}, library ${summary.library.coldDiffers}` +
    (summary.coldDiffers.length ? ` (${summary.coldDiffers.slice(0, 20).join(", ")}${summary.coldDiffers.length > 20 ? ", …" : ""})` : ""),
  ...rows.filter((r) => r.verdict.status !== "identical").map((r) => `  ${r.program}: ${describe(r.verdict)}`),
].join("\n");
writeFileAtomic(path.join(out, "opt-conformance.txt"), text + "\n");
console.log(text);
process.exitCode = summary.corpus.differs + summary.corpus.failed + summary.library.differs + summary.library.failed ? 1 : 0;
