// The differential runner: compiles a program with faustlab (every backend)
// and with the reference compiler, renders both in double precision, and
// compares the samples (`double: false`: both in single precision).
//
//   diffProgram({ text, path, name }, opts) → DiffResult
//
// Inputs: a unit impulse on every input, and, for programs with inputs, a
// deterministic non-trivial signal too (a sine plus LCG noise, different per
// channel). Controls stay at their defaults. Samples agree when
// |a - b| <= tol * max(1, peak), with peak the largest magnitude of that
// reference output (NaN agrees with NaN, infinities with themselves).
// Failures are classified by cause: faustlab rejected the program (a
// diagnostic), crashed (any other exception), gave another arity, or other
// samples (first differing output, index and both values); `backends` when
// the interpreter disagrees with the JS backend.

import path from "node:path";
import { DiagnosticError } from "./diagnostics.ts";
import { compileReference, renderReference } from "./reference.ts";
import { BACKENDS, compileFir, instantiate, type Backend } from "./backends/pipeline.ts";
import { renderDsp, unitImpulse } from "./backends/render.ts";
import type { FirModule } from "./fir/fir.ts";

export interface DiffOptions {
  readonly samples?: number;
  readonly sampleRate?: number;
  readonly blockSize?: number;
  readonly tolerance?: number;
  readonly includeDirs?: readonly string[];
  /** Compile and render both in double (default) or in single precision. */
  readonly double?: boolean;
  /** Backends to run (default: js and interp; the first is compared with the reference, the others with the first). */
  readonly backends?: readonly Backend[];
}

export interface DiffProgram {
  readonly text: string;
  /** A path for the program (imports relative to its folder); need not exist. */
  readonly path: string;
  /** Program name (UI root label); default from the path. */
  readonly name?: string;
}

export type DiffStatus = "pass" | "reference-failed" | "rejected" | "crashed" | "arity" | "samples" | "backends";

export type DiffResult =
  | { readonly status: "pass"; readonly inputs: number; readonly outputs: number }
  | { readonly status: "reference-failed" | "rejected" | "crashed"; readonly message: string }
  | { readonly status: "arity"; readonly expected: string; readonly got: string }
  | {
      readonly status: "samples" | "backends";
      readonly backend: Backend;
      readonly signal: "impulse" | "noise";
      readonly output: number;
      readonly index: number;
      readonly expected: number;
      readonly got: number;
    };

/** A deterministic test signal: a sine (different frequency per channel) plus LCG noise, within [-0.9, 0.9]. */
export function testSignal(): (channel: number, index: number) => number {
  const cache = new Map<number, Float64Array>();
  return (channel, index) => {
    let a = cache.get(channel);
    if (!a || index >= a.length) {
      const n = Math.max(4096, index + 1, (a?.length ?? 0) * 2);
      a = new Float64Array(n);
      let seed = (12345 + 7919 * channel) >>> 0;
      for (let i = 0; i < n; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        const noise = seed / 4294967296 - 0.5;
        a[i] = 0.5 * Math.sin((2 * Math.PI * (220 + 110 * channel) * i) / 44100) + 0.4 * noise;
      }
      cache.set(channel, a);
    }
    return a[index]!;
  };
}

/** The first disagreement between two renderings, or undefined. */
export function firstDifference(
  expected: readonly ArrayLike<number>[],
  got: readonly ArrayLike<number>[],
  tol: number,
): { output: number; index: number; expected: number; got: number } | undefined {
  for (let k = 0; k < expected.length; k++) {
    const e = expected[k]!;
    const g = got[k]!;
    let peak = 0;
    for (let i = 0; i < e.length; i++) if (Number.isFinite(e[i]!)) peak = Math.max(peak, Math.abs(e[i]!));
    const bound = tol * Math.max(1, peak);
    for (let i = 0; i < e.length; i++) {
      const a = e[i]!;
      const b = g[i]!;
      if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
      if (!(Math.abs(a - b) <= bound)) return { output: k, index: i, expected: a, got: b };
    }
  }
  return undefined;
}

const message = (e: unknown) =>
  e instanceof DiagnosticError ? e.diagnostics.map((d) => `${d.code}: ${d.message}`).join("; ") : ((e as Error)?.message ?? String(e));

export async function diffProgram(prog: DiffProgram, opts: DiffOptions = {}): Promise<DiffResult> {
  const n = opts.samples ?? 4096;
  const sr = opts.sampleRate ?? 44100;
  const bs = opts.blockSize ?? 512;
  const tol = opts.tolerance ?? 1e-9;
  const backends = opts.backends ?? BACKENDS;
  const double = opts.double ?? true;
  const name = prog.name ?? path.basename(prog.path).replace(/\.[^.]*$/, "");
  let ref;
  try {
    ref = await compileReference(prog.text, name, { double, includeDirs: opts.includeDirs ?? [], sourceDir: path.dirname(prog.path) });
  } catch (e) {
    return { status: "reference-failed", message: message(e) };
  }
  let m: FirModule;
  try {
    m = compileFir({ text: prog.text, path: prog.path }, { double, name, includeDirs: opts.includeDirs ?? [] });
  } catch (e) {
    return e instanceof DiagnosticError ? { status: "rejected", message: message(e) } : { status: "crashed", message: `compile: ${message(e)}` };
  }
  if (m.inputs !== ref.meta.inputs || m.outputs !== ref.meta.outputs)
    return { status: "arity", expected: `${ref.meta.inputs}->${ref.meta.outputs}`, got: `${m.inputs}->${m.outputs}` };
  const signals: ["impulse" | "noise", (c: number, i: number) => number][] = [["impulse", unitImpulse]];
  if (m.inputs > 0) signals.push(["noise", testSignal()]);
  for (const [signal, input] of signals) {
    let expected: Float64Array[];
    try {
      expected = renderReference(ref, { samples: n, sampleRate: sr, blockSize: bs, input }).data;
    } catch (e) {
      return { status: "reference-failed", message: message(e) };
    }
    let first: Float64Array[] | undefined;
    for (const backend of backends) {
      let got: Float64Array[];
      try {
        got = renderDsp(instantiate(m, backend)(), { samples: n, sampleRate: sr, blockSize: bs, double, input });
      } catch (e) {
        return { status: "crashed", message: `${backend}: ${message(e)}` };
      }
      if (!first) {
        first = got;
        const d = firstDifference(expected, got, tol);
        if (d) return { status: "samples", backend, signal, ...d };
      } else {
        const d = firstDifference(first, got, 0);
        if (d) return { status: "backends", backend, signal, ...d };
      }
    }
  }
  return { status: "pass", inputs: m.inputs, outputs: m.outputs };
}

/** One line describing a result. */
export function describeResult(r: DiffResult): string {
  switch (r.status) {
    case "pass":
      return "pass";
    case "reference-failed":
    case "rejected":
    case "crashed":
      return `${r.status}: ${r.message}`;
    case "arity":
      return `arity: expected ${r.expected}, got ${r.got}`;
    case "samples":
    case "backends":
      return `${r.status} (${r.backend}, ${r.signal}): output ${r.output} sample ${r.index}: expected ${r.expected}, got ${r.got}`;
    default: {
      const never: never = r;
      return String(never);
    }
  }
}
