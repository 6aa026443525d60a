// `node bin/run-ts.mjs corpus/never-worse.ts [-n N] [PIPELINE]`: does `-O`
// (default `O1`) ever lower a filter program's float32 accuracy? For every
// accepted corpus program with a filter in it (a stateful linear region that
// goes through a recursion and reads a sample-rate signal, lti or ltv:
// analyses/lti-regions.ts; a counter such as `+(1) ~ _` is not one), the SNR of
// its float32 rendering with and without the pipeline against faustlab's
// float64 rendering without it (reports/accuracy.ts: white noise on every
// input, controls at their defaults, N samples, default 48000). Prints one
// line a program and exits 1 when the pipeline's SNR is lower than the plain
// one's on any of them (an unstable rendering is lower than any stable one).
// corpus/never-worse.test.ts checks a spread of the set on fewer samples.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { AnalysisManager } from "../analyses/analysis.ts";
import { ltiRegionsAnalysis } from "../analyses/lti-regions.ts";
import { DEFAULT_OPTIMIZING } from "../passes/registry.ts";
import { compileSignals } from "../src/driver/signals.ts";
import { typeOf } from "../src/core/signals/types.ts";
import { formatSnr, measureAccuracy, type ErrorMeasure } from "../reports/accuracy.ts";
import { corpusDir, readManifest } from "./manifest.ts";

/** Whether the program's normalized graph has a filter: a stateful linear region through a recursion, reading a sample-rate signal. */
export function hasFilter(file: string): boolean {
  const p = compileSignals(file);
  const regions = new AnalysisManager({ inputs: p.inputs, outputs: p.outputs }).get(ltiRegionsAnalysis);
  return regions.regions.some(
    (r) =>
      r.groups.length > 0 &&
      r.inputs.some((x) => typeOf(x).variability === "sample") &&
      r.members.some((m) => regions.forms.get(m)?.terms.some((t) => t.lag > 0 || t.lagSig !== undefined)),
  );
}

/** The accepted corpus programs with a filter, as absolute paths, in manifest order. */
export function filterPrograms(): string[] {
  return readManifest()
    .filter((e) => e.accepted)
    .map((e) => path.join(corpusDir, e.path))
    .filter(hasFilter);
}

export interface NeverWorseRow {
  readonly file: string;
  readonly plain: ErrorMeasure;
  readonly optimized: ErrorMeasure;
}

/** A measure as a number to compare: unstable or silent is -Infinity, equal to the truth +Infinity. */
const score = (m: ErrorMeasure) => (!m.stable || Number.isNaN(m.snr) ? -Infinity : m.snr);

/** Whether the pipeline's float32 rendering is at least as accurate as the plain one. */
export const neverWorse = (r: NeverWorseRow) => score(r.optimized) >= score(r.plain);

/** The float32 SNR of `file` with and without `passes`. */
export async function measureNeverWorse(file: string, passes: string = DEFAULT_OPTIMIZING, samples = 48000): Promise<NeverWorseRow> {
  const row = await measureAccuracy(file, { passes, samples, reference: false });
  const plain = row.measures.f32;
  const optimized = row.measures["f32+P"];
  if (!plain || !optimized) throw new Error(`${file}: ${row.errors.join("; ")}`);
  return { file, plain, optimized };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf("-n");
  const samples = at >= 0 ? Number(args.splice(at, 2)[1]) : 48000;
  const passes = args[0] ?? DEFAULT_OPTIMIZING;
  const files = filterPrograms();
  let worse = 0;
  process.stdout.write(`float32 SNR in dB against faustlab's float64 without the pipeline, ${samples} samples; without and with '${passes}'\n`);
  for (const file of files) {
    const r = await measureNeverWorse(file, passes, samples);
    const ok = neverWorse(r);
    if (!ok) worse++;
    const name = path.relative(corpusDir, file);
    process.stdout.write(`${name.padEnd(44)} ${formatSnr(r.plain).padStart(8)} ${formatSnr(r.optimized).padStart(8)}${ok ? "" : "  WORSE"}\n`);
  }
  process.stdout.write(`${files.length} filter programs, ${worse} worse with '${passes}'\n`);
  process.exitCode = worse ? 1 : 0;
}
