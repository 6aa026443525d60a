// The differential runner: compiles a program with faustlab and with the
// reference compiler, renders it with the reference and with each of
// faustlab's backends (js, interp, wasm, c, cpp), and compares the samples.
//
//   diffProgram({ text, path, name }, opts)      → DiffResult
//   diffPrograms(programs, opts, onResult?)      → DiffResult[] (batches the native builds)
//
// Inputs: a unit impulse on every input, and, for programs with inputs, a
// deterministic non-trivial signal too (a sine plus LCG noise, different per
// channel). Controls stay at their defaults. Everything is rendered in double
// precision (`double: false`: single, for both compilers).
//
// The first backend of `backends` is compared with the reference within
// `tolerance`; every other backend is compared with the first within
// `backendTolerance` (1e-12 in double: the native backends call the C
// library's sin, exp, pow …, which may differ from V8's in the last bit).
// Samples agree when |a - b| <= tol * max(1, peak), with peak the largest
// finite magnitude of that output in the rendering compared against (NaN
// agrees with NaN, infinities with themselves).
//
// The result's status is the first cause met: the reference rejected the
// program, faustlab rejected it (a diagnostic), crashed (any other
// exception, or the first backend failing), gave another arity, the first
// backend's samples differ from the reference's (`samples`), or another
// backend differs from the first or failed (`backends`). Every result that
// got as far as rendering lists one verdict per other backend: `exact`
// (bit-identical to the first), `close` (within backendTolerance, with the
// largest scaled error), `differs` (first difference) or `failed` (its
// diagnostic or exception).
//
// The C and C++ backends are compiled by the system compiler, many programs
// per executable (src/harness/difftest-native.ts); diffPrograms stages `batch`
// programs in process, then builds their native code in the background
// while it stages the next ones.

import path from "node:path";
import { DiagnosticError } from "../core/diagnostics.ts";
import { compileReference, renderReference } from "./oracle.ts";
import { compileFir, instantiate } from "../driver/compile.ts";
import { compileSignals } from "../driver/signals.ts";
import { evaluate as evaluateSignals } from "../core/signals/evaluate.ts";
import { renderDsp, unitImpulse } from "../chain/backends/render.ts";
import { wasmReference } from "../chain/backends/wasm.ts";
import { renderNativeBatch, type NativeRenderJob, type NativeRenderResult } from "./difftest-native.ts";
import { FUNCTIONS, firChildren, type FirModule, type FirNode, type MathFn } from "../core/fir/fir.ts";

export type DiffBackend = "js" | "interp" | "wasm" | "c" | "cpp";
/** Every backend, the JS one first. */
export const DIFF_BACKENDS: readonly DiffBackend[] = ["js", "interp", "wasm", "c", "cpp"];
const NATIVE = ["c", "cpp"] as const;
type NativeBackend = (typeof NATIVE)[number];
const isNative = (b: DiffBackend): b is NativeBackend => b === "c" || b === "cpp";

export interface DiffOptions {
  readonly samples?: number;
  readonly sampleRate?: number;
  readonly blockSize?: number;
  /** Tolerance of the first backend against the reference (default 1e-9). */
  readonly tolerance?: number;
  /** Tolerance of the other backends against the first (default 1e-12 in double, 1e-5 in single). */
  readonly backendTolerance?: number;
  readonly includeDirs?: readonly string[];
  /** Compile and render both in double (default) or in single precision. */
  readonly double?: boolean;
  /** Backends to run (default: js, interp and wasm; the first is compared with the reference, the others with the first). */
  readonly backends?: readonly DiffBackend[];
  /** diffPrograms: programs staged before their native code is built (default 20). */
  readonly batch?: number;
  /**
   * What the first backend is compared with: the real Faust compiler ("faust",
   * default) or faustlab's own signal evaluator on the normalized signals
   * ("signals"), for programs the reference does not accept (fad, rad).
   */
  readonly reference?: "faust" | "signals";
}

export interface DiffProgram {
  readonly text: string;
  /** A path for the program (imports relative to its folder); need not exist. */
  readonly path: string;
  /** Program name (UI root label); default from the path. */
  readonly name?: string;
}

export type DiffStatus = "pass" | "reference-failed" | "rejected" | "crashed" | "arity" | "samples" | "backends";
export type SignalName = "impulse" | "noise";

export interface Difference {
  readonly signal: SignalName;
  readonly output: number;
  readonly index: number;
  readonly expected: number;
  readonly got: number;
}

/**
 * Why a backend differs from the first, as far as the runner can tell:
 * `libm` when it is a native backend, the program calls a C library function
 * whose last bit may differ from V8's (sin, exp, pow …: see `LIBM`), and the
 * difference stays below 1e-9 of the peak (rounding amplified by the program);
 * `other` otherwise (a bug until explained).
 */
export type DifferenceCause = "libm" | "other";

/** Math functions that C's libm and V8 may round differently (the others are exact in both). */
export const LIBM: ReadonlySet<MathFn> = new Set(["acos", "asin", "atan", "cos", "exp", "exp10", "log", "log10", "sin", "tan", "acosh", "asinh", "atanh", "cosh", "sinh", "tanh", "atan2", "pow"]);

/** The LIBM functions a module calls. */
export function libmCalls(m: FirModule): MathFn[] {
  const found = new Set<MathFn>();
  const stack: FirNode[] = FUNCTIONS.flatMap((f) => m.functions[f]);
  while (stack.length) {
    const n = stack.pop()!;
    if (n.kind === "call" && LIBM.has(n.fn)) found.add(n.fn);
    stack.push(...firChildren(n));
  }
  return [...found].sort();
}

export type BackendVerdict =
  | { readonly backend: DiffBackend; readonly status: "exact" }
  | { readonly backend: DiffBackend; readonly status: "close"; readonly error: number }
  | ({ readonly backend: DiffBackend; readonly status: "differs"; readonly cause: DifferenceCause } & Difference)
  | { readonly backend: DiffBackend; readonly status: "failed"; readonly message: string };

export type DiffResult =
  | { readonly status: "pass"; readonly inputs: number; readonly outputs: number; readonly verdicts: readonly BackendVerdict[] }
  | { readonly status: "reference-failed" | "rejected" | "crashed"; readonly message: string }
  | { readonly status: "arity"; readonly expected: string; readonly got: string }
  | ({ readonly status: "samples"; readonly backend: DiffBackend; readonly verdicts: readonly BackendVerdict[] } & Difference)
  | { readonly status: "backends"; readonly verdicts: readonly BackendVerdict[] };

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

const peaks = (e: readonly ArrayLike<number>[]): number[] =>
  e.map((a) => {
    let peak = 0;
    for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]!)) peak = Math.max(peak, Math.abs(a[i]!));
    return peak;
  });

/** The first disagreement between two renderings, or undefined. */
export function firstDifference(
  expected: readonly ArrayLike<number>[],
  got: readonly ArrayLike<number>[],
  tol: number,
): { output: number; index: number; expected: number; got: number } | undefined {
  const peak = peaks(expected);
  for (let k = 0; k < expected.length; k++) {
    const e = expected[k]!;
    const g = got[k]!;
    const bound = tol * Math.max(1, peak[k]!);
    for (let i = 0; i < e.length; i++) {
      const a = e[i]!;
      const b = g[i]!;
      if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
      if (!(Math.abs(a - b) <= bound)) return { output: k, index: i, expected: a, got: b };
    }
  }
  return undefined;
}

/** The largest |a - b| / max(1, peak) over two renderings that agree on NaNs and infinities (0 when bit-identical). */
export function largestError(expected: readonly ArrayLike<number>[], got: readonly ArrayLike<number>[]): number {
  const peak = peaks(expected);
  let worst = 0;
  for (let k = 0; k < expected.length; k++) {
    const e = expected[k]!;
    const g = got[k]!;
    for (let i = 0; i < e.length; i++) {
      const a = e[i]!;
      const b = g[i]!;
      if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) worst = Math.max(worst, Math.abs(a - b) / Math.max(1, peak[k]!));
    }
  }
  return worst;
}

const message = (e: unknown) =>
  e instanceof DiagnosticError ? e.diagnostics.map((d) => `${d.code}: ${d.message}`).join("; ") : ((e as Error)?.message ?? String(e));

interface Settings {
  readonly n: number;
  readonly sr: number;
  readonly bs: number;
  readonly tol: number;
  readonly backendTol: number;
  readonly double: boolean;
  readonly backends: readonly DiffBackend[];
  readonly reference: "faust" | "signals";
}

function settings(opts: DiffOptions): Settings {
  const double = opts.double ?? true;
  return {
    n: opts.samples ?? 4096,
    sr: opts.sampleRate ?? 44100,
    bs: opts.blockSize ?? 512,
    tol: opts.tolerance ?? 1e-9,
    backendTol: opts.backendTolerance ?? (double ? 1e-12 : 1e-5),
    double,
    backends: opts.backends ?? ["js", "interp", "wasm"],
    reference: opts.reference ?? "faust",
  };
}

type Rendering = Float64Array[][] | { readonly failed: string; readonly crashed: boolean }; // per signal, per output

/** A program rendered by the reference and the in-process backends, waiting for its native renderings. */
interface Staged {
  readonly module: FirModule;
  readonly signals: readonly SignalName[];
  readonly inputs: readonly Float64Array[][]; // per signal, per input channel
  readonly expected: readonly Float64Array[][]; // per signal, the reference's outputs
  readonly renders: Map<DiffBackend, Rendering>;
}

/** The in-process part: a final result (rejected, arity …) or a staged program. */
async function stage(prog: DiffProgram, s: Settings, includeDirs: readonly string[]): Promise<DiffResult | Staged> {
  const { n, sr, bs, double } = s;
  const name = prog.name ?? path.basename(prog.path).replace(/\.[^.]*$/, "");
  let ref: { meta: { inputs: number; outputs: number }; render: (n: number, input: (c: number, i: number) => number) => Float64Array[] };
  try {
    if (s.reference === "signals") {
      const p = compileSignals({ text: prog.text, path: prog.path }, { includeDirs, name, precision: double ? "double" : "single" });
      ref = {
        meta: { inputs: p.inputs, outputs: p.outputs.length },
        render: (samples, input) =>
          evaluateSignals(p.outputs, { samples, sampleRate: sr, blockSize: bs, inputs: Array.from({ length: p.inputs }, (_, c) => Float64Array.from({ length: samples }, (_, i) => input(c, i))) }),
      };
    } else {
      const c = await compileReference(prog.text, name, { double, includeDirs, sourceDir: path.dirname(prog.path) });
      ref = { meta: c.meta, render: (samples, input) => renderReference(c, { samples, sampleRate: sr, blockSize: bs, input }).data };
    }
  } catch (e) {
    return { status: "reference-failed", message: message(e) };
  }
  let m: FirModule;
  try {
    m = compileFir({ text: prog.text, path: prog.path }, { double, name, includeDirs });
  } catch (e) {
    return e instanceof DiagnosticError ? { status: "rejected", message: message(e) } : { status: "crashed", message: `compile: ${message(e)}` };
  }
  if (m.inputs !== ref.meta.inputs || m.outputs !== ref.meta.outputs)
    return { status: "arity", expected: `${ref.meta.inputs}->${ref.meta.outputs}`, got: `${m.inputs}->${m.outputs}` };
  const signals: SignalName[] = m.inputs > 0 ? ["impulse", "noise"] : ["impulse"];
  const inputs: Float64Array[][] = [];
  const expected: Float64Array[][] = [];
  for (const signal of signals) {
    const fn = signal === "impulse" ? unitImpulse : testSignal();
    inputs.push(Array.from({ length: m.inputs }, (_, c) => Float64Array.from({ length: n }, (_, i) => fn(c, i))));
    const input = (c: number, i: number) => inputs[inputs.length - 1]![c]![i]!;
    try {
      expected.push(ref.render(n, input));
    } catch (e) {
      return { status: "reference-failed", message: message(e) };
    }
  }
  const renders = new Map<DiffBackend, Rendering>();
  for (const backend of s.backends) {
    if (isNative(backend)) continue;
    try {
      const wasm = backend === "wasm" ? wasmReference(m) : undefined;
      const factory = backend === "wasm" ? undefined : instantiate(m, backend);
      renders.set(
        backend,
        inputs.map((channels) => {
          const input = (c: number, i: number) => channels[c]![i]!;
          return wasm
            ? renderReference(wasm, { samples: n, sampleRate: sr, blockSize: bs, input }).data
            : renderDsp(factory!(), { samples: n, sampleRate: sr, blockSize: bs, double, input });
        }),
      );
    } catch (e) {
      renders.set(backend, { failed: message(e), crashed: !(e instanceof DiagnosticError) });
    }
  }
  return { module: m, signals, inputs, expected, renders };
}

/** The comparisons, once every backend has rendered. */
function judge(st: Staged, s: Settings): DiffResult {
  const [first, ...others] = s.backends;
  const base = st.renders.get(first!)!;
  if (!Array.isArray(base)) return { status: "crashed", message: `${first}: ${base.failed}` };
  const verdicts: BackendVerdict[] = others.map((backend) => {
    const r = st.renders.get(backend)!;
    if (!Array.isArray(r)) return { backend, status: "failed", message: r.failed };
    let error = 0;
    for (let k = 0; k < st.signals.length; k++) {
      const d = firstDifference(base[k]!, r[k]!, s.backendTol);
      if (d) {
        const small = st.signals.every((_, j) => firstDifference(base[j]!, r[j]!, 1e-9) === undefined);
        const cause: DifferenceCause = isNative(backend) && small && libmCalls(st.module).length > 0 ? "libm" : "other";
        return { backend, status: "differs", cause, signal: st.signals[k]!, ...d };
      }
      error = Math.max(error, largestError(base[k]!, r[k]!));
    }
    return error === 0 ? { backend, status: "exact" } : { backend, status: "close", error };
  });
  for (let k = 0; k < st.signals.length; k++) {
    const d = firstDifference(st.expected[k]!, base[k]!, s.tol);
    if (d) return { status: "samples", backend: first!, signal: st.signals[k]!, ...d, verdicts };
  }
  if (verdicts.some((v) => v.status === "differs" || v.status === "failed")) return { status: "backends", verdicts };
  return { status: "pass", inputs: st.module.inputs, outputs: st.module.outputs, verdicts };
}

/** Builds and runs the native backends of the staged programs (both languages at once), filling in their renderings. */
async function renderNative(staged: readonly Staged[], s: Settings): Promise<void> {
  const langs = s.backends.filter(isNative);
  if (!langs.length || !staged.length) return;
  const jobs: NativeRenderJob[] = staged.map((st) => ({ module: st.module, samples: s.n, sampleRate: s.sr, blockSize: s.bs, inputSets: st.inputs }));
  const results = await Promise.all(langs.map((lang) => renderNativeBatch(lang, jobs)));
  langs.forEach((lang, l) =>
    staged.forEach((st, k) => {
      const r: NativeRenderResult = results[l]![k]!;
      st.renders.set(lang, r.ok ? r.outputs : { failed: `${r.diagnostic.code}: ${r.diagnostic.message}`, crashed: false });
    }),
  );
}

/** Runs the differential test on many programs, in order; `onResult` sees each result as it is known. */
export async function diffPrograms(
  progs: readonly DiffProgram[],
  opts: DiffOptions = {},
  onResult?: (index: number, result: DiffResult) => void,
): Promise<DiffResult[]> {
  const s = settings(opts);
  const batch = Math.max(1, opts.batch ?? 20);
  const results: DiffResult[] = new Array(progs.length);
  const done = (i: number, r: DiffResult) => {
    results[i] = r;
    onResult?.(i, r);
  };
  let inFlight: Promise<void> = Promise.resolve();
  for (let start = 0; start < progs.length; start += batch) {
    const staged: [number, Staged][] = [];
    for (let i = start; i < Math.min(progs.length, start + batch); i++) {
      const r = await stage(progs[i]!, s, opts.includeDirs ?? []);
      if ("status" in r) done(i, r);
      else staged.push([i, r]);
    }
    await inFlight; // one batch of native builds at a time, overlapping the staging of the next
    inFlight = renderNative(
      staged.map(([, st]) => st),
      s,
    ).then(() => staged.forEach(([i, st]) => done(i, judge(st, s))));
  }
  await inFlight;
  return results;
}

export async function diffProgram(prog: DiffProgram, opts: DiffOptions = {}): Promise<DiffResult> {
  return (await diffPrograms([prog], opts))[0]!;
}

/** One line describing a verdict. */
export function describeVerdict(v: BackendVerdict): string {
  switch (v.status) {
    case "exact":
      return `${v.backend} exact`;
    case "close":
      return `${v.backend} within ${v.error.toExponential(1)}`;
    case "differs":
      return `${v.backend} differs (${v.cause}, ${v.signal}): output ${v.output} sample ${v.index}: expected ${v.expected}, got ${v.got}`;
    case "failed":
      return `${v.backend} failed: ${v.message}`;
    default: {
      const never: never = v;
      return String(never);
    }
  }
}

const badVerdicts = (vs: readonly BackendVerdict[]) =>
  vs
    .filter((v) => v.status === "differs" || v.status === "failed")
    .map(describeVerdict)
    .join("; ");

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
    case "samples": {
      const also = badVerdicts(r.verdicts);
      return `samples (${r.backend}, ${r.signal}): output ${r.output} sample ${r.index}: expected ${r.expected}, got ${r.got}${also ? `; also ${also}` : ""}`;
    }
    case "backends":
      return `backends: ${badVerdicts(r.verdicts)}`;
    default: {
      const never: never = r;
      return String(never);
    }
  }
}
