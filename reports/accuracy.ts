// The numerical-accuracy report: how far are single- and double-precision
// renderings of a program, with and without a pass pipeline, and the real
// compiler's, from the exact response?
//
//   measureAccuracy(file, opts) → AccuracyRow      (async: the reference compiler is a wasm module)
//   compareRendering(truth, got) → ErrorMeasure    SNR in dB, max |error|, stability
//   formatAccuracyTable(rows) → string
//
// Truth: faustlab's float64 rendering of the original program (no passes),
// which agrees with the real compiler's float64 within 1e-9 of the peak on
// the library suite (src/harness/difftest.ts); the report shows the real compiler's
// float64 against it as a check ("ref f64"). Inputs: deterministic white
// noise, uniform in [-0.5, 0.5), a different sequence per channel; controls
// at their defaults; 48,000 samples at 44.1 kHz unless told otherwise.

import path from "node:path";
import { compileFir, instantiate } from "../src/driver/compile.ts";
import { renderDsp } from "../src/chain/backends/render.ts";
import { DiagnosticError } from "../src/core/diagnostics.ts";
import { programName, type CompileOptions } from "../src/driver/signals.ts";
import type { ProgramSource } from "../src/chain/eval/eval.ts";
import { readSource } from "../src/core/fsutil.ts";
import { compileReference, renderReference } from "../src/harness/oracle.ts";

export interface AccuracyOptions {
  readonly samples?: number;
  readonly sampleRate?: number;
  /** The pipeline whose effect is measured (e.g. `O1`); none: only the plain renderings. */
  readonly passes?: string;
  readonly includeDirs?: readonly string[];
  /** Also render with the real compiler (default true). */
  readonly reference?: boolean;
  /** Limits for untrusted programs (the MCP server's), passed to every compilation. */
  readonly limits?: Pick<CompileOptions, "maxSteps" | "maxDepth" | "importPolicy">;
}

export interface ErrorMeasure {
  /** 10·log10(Σ truth² / Σ (got − truth)²) over every output; Infinity when equal; NaN when unstable or the truth is silent. */
  readonly snr: number;
  readonly maxAbsError: number;
  /** Every sample finite and within 1000 × the truth's peak (at least 1). */
  readonly stable: boolean;
}

export interface AccuracyRow {
  readonly file: string;
  readonly inputs: number;
  readonly outputs: number;
  readonly samples: number;
  readonly peak: number;
  /** Each rendering against the truth; absent when it could not be made (see `errors`). */
  readonly measures: Readonly<Record<RenderingName, ErrorMeasure | undefined>>;
  readonly errors: readonly string[];
}

export const RENDERINGS = ["f32", "f32+P", "f64+P", "ref f32", "ref f64"] as const;
export type RenderingName = (typeof RENDERINGS)[number];

/** Deterministic white noise in [-0.5, 0.5), one LCG sequence per channel. */
export function whiteNoise(): (channel: number, index: number) => number {
  const cache = new Map<number, Float64Array>();
  return (channel, index) => {
    let a = cache.get(channel);
    if (!a || index >= a.length) {
      const n = Math.max(65536, 2 * index + 1);
      a = new Float64Array(n);
      let seed = (0x9e3779b9 ^ Math.imul(channel + 1, 0x85ebca6b)) >>> 0;
      for (let i = 0; i < n; i++) {
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        a[i] = seed / 4294967296 - 0.5;
      }
      cache.set(channel, a);
    }
    return a[index]!;
  };
}

export function compareRendering(truth: readonly Float64Array[], got: readonly ArrayLike<number>[]): ErrorMeasure {
  let signal = 0;
  let noise = 0;
  let maxAbsError = 0;
  let peak = 0;
  for (const t of truth) for (let i = 0; i < t.length; i++) if (Number.isFinite(t[i]!)) peak = Math.max(peak, Math.abs(t[i]!));
  const bound = 1000 * Math.max(1, peak);
  let stable = true;
  for (let k = 0; k < truth.length; k++) {
    const t = truth[k]!;
    const g = got[k]!;
    for (let i = 0; i < t.length; i++) {
      const a = t[i]!;
      const b = g[i]!;
      if (!Number.isFinite(b) || Math.abs(b) > bound) stable = false;
      if (a === b) {
        signal += a * a;
        continue;
      }
      const e = Math.abs(b - a);
      maxAbsError = Math.max(maxAbsError, Number.isNaN(e) ? Infinity : e);
      signal += a * a;
      noise += e * e;
    }
  }
  const snr = !stable || signal === 0 || !Number.isFinite(noise) ? NaN : noise === 0 ? Infinity : 10 * Math.log10(signal / noise);
  return { snr, maxAbsError, stable };
}

const message = (e: unknown) =>
  e instanceof DiagnosticError ? e.diagnostics.map((d) => `${d.code}: ${d.message}`).join("; ") : ((e as Error)?.message ?? String(e));

export async function measureAccuracy(source: ProgramSource, opts: AccuracyOptions = {}): Promise<AccuracyRow> {
  const file = typeof source === "string" ? source : source.path;
  const n = opts.samples ?? 48000;
  const sr = opts.sampleRate ?? 44100;
  const includeDirs = opts.includeDirs ?? [];
  const input = whiteNoise();
  const errors: string[] = [];
  const render = (double: boolean, passes: string | undefined): Float64Array[] => {
    const m = compileFir(source, { ...opts.limits, double, includeDirs, passes });
    return renderDsp(instantiate(m, "js")(), { samples: n, sampleRate: sr, double, input });
  };
  // the truth: errors here are the program's own (a diagnostic for the user)
  const m64 = compileFir(source, { ...opts.limits, double: true, includeDirs });
  const truth = renderDsp(instantiate(m64, "js")(), { samples: n, sampleRate: sr, double: true, input });
  const measures: Record<RenderingName, ErrorMeasure | undefined> = { f32: undefined, "f32+P": undefined, "f64+P": undefined, "ref f32": undefined, "ref f64": undefined };
  const attempt = (name: RenderingName, f: () => Float64Array[]) => {
    try {
      measures[name] = compareRendering(truth, f());
    } catch (e) {
      errors.push(`${name}: ${message(e)}`);
    }
  };
  attempt("f32", () => render(false, undefined));
  if (opts.passes !== undefined) {
    attempt("f32+P", () => render(false, opts.passes));
    attempt("f64+P", () => render(true, opts.passes));
  }
  if (opts.reference ?? true) {
    const text = typeof source === "string" ? readSource(file) : source.text;
    for (const double of [false, true]) {
      const name: RenderingName = double ? "ref f64" : "ref f32";
      try {
        const c = await compileReference(text, programName(file), { double, includeDirs, sourceDir: path.dirname(file) });
        measures[name] = compareRendering(truth, renderReference(c, { samples: n, sampleRate: sr, input }).data);
      } catch (e) {
        errors.push(`${name}: ${message(e)}`);
      }
    }
  }
  let peak = 0;
  for (const t of truth) for (const v of t) if (Number.isFinite(v)) peak = Math.max(peak, Math.abs(v));
  return { file, inputs: m64.inputs, outputs: m64.outputs, samples: n, peak, measures, errors };
}

/** SNR as a table cell: `115.5`, `exact`, `unstable`, `-` (not rendered). */
export function formatSnr(m: ErrorMeasure | undefined): string {
  if (!m) return "-";
  if (!m.stable) return "unstable";
  if (m.snr === Infinity) return "exact";
  if (Number.isNaN(m.snr)) return "silent";
  return m.snr.toFixed(1);
}

/** The report as a text table: SNR in dB of each rendering against the truth (higher is better). */
export function formatAccuracyTable(rows: readonly AccuracyRow[], passes: string | undefined): string {
  const cols = RENDERINGS.filter((r) => passes !== undefined || !r.endsWith("+P"));
  const head = ["program", ...cols.map((c) => (passes !== undefined ? c.replace("+P", ` ${passes}`) : c))];
  const body = rows.map((r) => [path.basename(r.file), ...cols.map((c) => formatSnr(r.measures[c]))]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const lines = [`SNR in dB against faustlab's float64 rendering of the original program (higher is better)`, line(head), ...body.map(line)];
  for (const r of rows) for (const e of r.errors) lines.push(`${path.basename(r.file)}: ${e}`);
  return lines.join("\n") + "\n";
}
