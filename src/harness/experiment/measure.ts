// One run of an experiment: compile a program through a pipeline at a
// precision for a backend, render a stimulus, and measure. Called inside a
// worker (worker.ts) so that a hang or an exhausted heap costs the worker,
// not the batch; every problem the program causes becomes a failed record
// with its diagnostics, never an exception.
//
//   measureRun(run, cache) → RunRecord
//
// The exact reference is faustlab's float64 rendering of the program without
// passes (JS backend), which agrees with the real compiler's float64 within
// 1e-9 of the peak on the library suite (src/harness/difftest.ts). The real
// compiler (src/harness/oracle.ts) renders the same stimulus at the run's
// precision. Controls: the spec's values by address, the others at defaults.

import fs from "node:fs";
import path from "node:path";
import WaveFileModule from "wavefile";
import { DiagnosticError, diag, render, type Diagnostic } from "../../core/diagnostics.ts";
import { reachable, recGroups } from "../../core/signals/graph.ts";
import { verifyModule } from "../../core/fir/verify.ts";
import type { FirModule } from "../../core/fir/fir.ts";
import { printModule } from "../../core/fir/print.ts";
import { generateFir } from "../../chain/codegen/generate.ts";
import { jsSource } from "../../chain/backends/js.ts";
import { cSource } from "../../chain/backends/c.ts";
import { cppSource } from "../../chain/backends/cpp.ts";
import { wasmModule, wasmReference } from "../../chain/backends/wasm.ts";
import { runNative } from "../../chain/backends/native.ts";
import { renderDsp } from "../../chain/backends/render.ts";
import type { CompiledReference } from "../../chain/backends/dsp-json.ts";
import { instantiate } from "../../driver/compile.ts";
import { loadProgram } from "../../driver/program.ts";
import { optimizeProgram } from "../../driver/optimize.ts";
import { loadPasses } from "../../driver/load-pass.ts";
import { programName, type SignalProgram } from "../../driver/signals.ts";
import { transferAnalysis } from "../../../analyses/transfer.ts";
import { compileReference, renderReference } from "../oracle.ts";
import type { PassRegistry } from "../../../passes/pipeline.ts";
import type { DiagnosticRecord, ErrorRecord, RunRecord, TransferRecord } from "./record.ts";
import { stimulusName, type Run, type StimulusSpec } from "./spec.ts";
import { measureSensitivity } from "./sensitivity.ts";

/** What a worker keeps between runs, keyed by content (program hash and run parameters): the exact reference and the real compiler's modules. */
export interface MeasureCache {
  readonly truth: Map<string, Float64Array[]>;
  readonly reference: Map<string, CompiledReference | string>;
  readonly registries: Map<string, PassRegistry>;
}

export function newCache(): MeasureCache {
  return { truth: new Map(), reference: new Map(), registries: new Map() };
}

const bounded = <V>(m: Map<string, V>, k: string, v: V, max = 16) => {
  if (m.size >= max) m.delete(m.keys().next().value!);
  m.set(k, v);
};

export function diagnosticRecord(d: Diagnostic): DiagnosticRecord {
  let location: string | undefined;
  if (d.span) {
    const p = d.span.file.position(d.span.start);
    location = `${d.span.file.path}:${p.line + 1}:${p.col + 1}`;
  }
  return { code: d.code, severity: d.severity, message: d.message, location, text: render(d) };
}

const diagnosticsOf = (e: unknown): DiagnosticRecord[] =>
  e instanceof DiagnosticError
    ? e.diagnostics.map(diagnosticRecord)
    : [diagnosticRecord(diag("FL005", { detail: e instanceof RangeError && /call stack/.test(e.message) ? "stack overflow" : ((e as Error)?.message ?? String(e)) }))];

// ---- stimuli ----

/** Samples of a stimulus, per input channel. */
export function stimulusSamples(s: StimulusSpec, channels: number, length: number, sampleRate: number): Float64Array[] {
  const out = Array.from({ length: channels }, () => new Float64Array(length));
  switch (s.kind) {
    case "impulse":
      for (const a of out) if (length) a[0] = 1;
      break;
    case "noise":
      out.forEach((a, ch) => {
        // a different LCG sequence per channel and seed, uniform in [-amp, amp)
        let seed = (0x9e3779b9 ^ Math.imul(ch + 1, 0x85ebca6b) ^ Math.imul(s.seed, 0x27d4eb2d)) >>> 0;
        for (let i = 0; i < length; i++) {
          seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
          a[i] = (seed / 4294967296 - 0.5) * 2 * s.amplitude;
        }
      });
      break;
    case "sweep": {
      // exponential sine sweep from `from` to `to` Hz over the length
      const T = length / sampleRate;
      const k = Math.log(s.to / s.from);
      for (const a of out)
        for (let i = 0; i < length; i++) {
          const t = i / sampleRate;
          a[i] = s.amplitude * Math.sin(((2 * Math.PI * s.from * T) / k) * (Math.exp((t / T) * k) - 1));
        }
      break;
    }
    case "wav": {
      let buf: Buffer;
      try {
        buf = fs.readFileSync(s.path);
      } catch (e) {
        throw new DiagnosticError([diag("FL035", { path: s.path, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message })]);
      }
      let chans: Float64Array[];
      try {
        const w = new WaveFileModule.WaveFile(buf);
        w.toBitDepth("64");
        const got = w.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
        chans = got instanceof Float64Array ? [got] : got;
      } catch (e) {
        throw new DiagnosticError([diag("FL035", { path: s.path, reason: `not a WAV file faustlab reads: ${(e as Error).message}` })]);
      }
      out.forEach((a, ch) => {
        const src = chans[ch % chans.length]!;
        for (let i = 0; i < length && i < src.length; i++) a[i] = src[i]!;
      });
      break;
    }
  }
  return out;
}

// ---- measures ----

/** Error of `got` against `truth` over every output: SNR (dB), max |error|, stability. */
export function compareOutputs(truth: readonly Float64Array[], got: readonly ArrayLike<number>[]): ErrorRecord {
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
      signal += Number.isFinite(a) ? a * a : 0;
      if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
      const e = Math.abs(b - a);
      maxAbsError = Math.max(maxAbsError, Number.isNaN(e) ? Infinity : e);
      noise += e * e;
    }
  }
  const snr = !stable || !Number.isFinite(noise) ? NaN : noise === 0 ? Infinity : signal === 0 ? -Infinity : 10 * Math.log10(signal / noise);
  return { snr, maxAbsError, stable };
}

/** In-place radix-2 FFT (re, im of length 2^k). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len)
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const xr = re[i + k + len / 2]! * wr - im[i + k + len / 2]! * wi;
        const xi = re[i + k + len / 2]! * wi + im[i + k + len / 2]! * wr;
        re[i + k + len / 2] = re[i + k]! - xr;
        im[i + k + len / 2] = im[i + k]! - xi;
        re[i + k] = re[i + k]! + xr;
        im[i + k] = im[i + k]! + xi;
      }
  }
}

const finite = (v: number, dflt = 0) => (Number.isFinite(v) ? v : dflt);
const round = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(7)) : 0);

/** The error of output 0 over time (max |e| per block, `points` blocks) and its spectrum (Hann window, dB, log-spaced bins). */
export function errorProfile(truth: Float64Array, got: ArrayLike<number>, sampleRate: number, points = 128): { time: number[]; spectrum: { freqs: number[]; db: number[] } } {
  const n = truth.length;
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) e[i] = finite(got[i]! - truth[i]!, 0);
  const time: number[] = [];
  const block = Math.max(1, Math.ceil(n / points));
  for (let s = 0; s < n; s += block) {
    let m = 0;
    for (let i = s; i < Math.min(n, s + block); i++) m = Math.max(m, Math.abs(e[i]!));
    time.push(round(m));
  }
  let size = 1;
  while (size * 2 <= Math.min(n, 8192)) size *= 2;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < size; i++) re[i] = e[i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / Math.max(1, size - 1)));
  if (size >= 2) fft(re, im);
  const freqs: number[] = [];
  const db: number[] = [];
  const bins = Math.min(points, size / 2);
  const fmin = sampleRate / size;
  const fmax = sampleRate / 2;
  for (let b = 0; b < bins; b++) {
    const lo = fmin * Math.pow(fmax / fmin, b / bins);
    const hi = fmin * Math.pow(fmax / fmin, (b + 1) / bins);
    let p = 0;
    let c = 0;
    for (let k = Math.max(1, Math.floor((lo * size) / sampleRate)); k <= Math.min(size / 2, Math.ceil((hi * size) / sampleRate)); k++) {
      p += re[k]! * re[k]! + im[k]! * im[k]!;
      c++;
    }
    if (!c) continue;
    freqs.push(round(Math.sqrt(lo * hi)));
    db.push(round(Math.max(-400, 10 * Math.log10(p / c / size + 1e-300))));
  }
  return { time, spectrum: { freqs, db } };
}

function transferRecords(p: SignalProgram, run: ReturnType<typeof optimizeProgram>["run"]): TransferRecord[] {
  const out: TransferRecord[] = [];
  for (const t of run.analyses.get(transferAnalysis).slice(0, 8)) {
    if (t.kind === "none") out.push({ region: t.region.index, kind: "none", states: 0, reason: t.reason, pairs: [] });
    else if (t.kind === "ltv") out.push({ region: t.region.index, kind: "ltv", states: t.states, pairs: [] });
    else
      out.push({
        region: t.region.index,
        kind: "lti",
        states: t.states,
        pairs: t.pairs.slice(0, 4).filter((q) => q.b.length <= 512 && q.a.length <= 512).map((q) => ({ input: q.inputIndex, output: q.outputIndex, b: [...q.b], a: [...q.a], stages: q.stages.map((st) => ({ b: [...st.b], a: [...st.a] })) })),
      });
  }
  void p;
  return out;
}

// ---- rendering ----

type Rendered = { data: Float64Array[]; ms: number };

function timeIt<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

/** Repeats `f` (one rendering of `samples` samples) until 30 ms have passed (at most 50 times): M samples/s. */
function throughput(f: () => unknown, samples: number): number {
  let reps = 0;
  const t0 = performance.now();
  let el = 0;
  while (reps < 50 && (el = performance.now() - t0) < 30) {
    f();
    reps++;
  }
  el = performance.now() - t0;
  return el > 0 ? (reps * samples) / el / 1000 : 0;
}

async function registryFor(files: readonly string[], cache: MeasureCache): Promise<PassRegistry | undefined> {
  if (!files.length) return undefined;
  const k = files.join("\n");
  let r = cache.registries.get(k);
  if (!r) {
    r = (await loadPasses(files)).registry;
    cache.registries.set(k, r);
  }
  return r;
}

/** Measures one run; never throws for a problem of the program (a failed record instead). */
export async function measureRun(run: Run, cache: MeasureCache = newCache()): Promise<RunRecord> {
  const t0 = performance.now();
  const stages: Record<string, number> = {};
  const passMs: Record<string, number> = {};
  const notes: string[] = [];
  const base = {
    key: run.key,
    program: run.program.id,
    programHash: run.program.hash,
    pipelineName: run.pipelineName,
    pipeline: run.pipeline,
    precision: run.precision,
    backend: run.backend,
    ...(run.schedule !== undefined ? { schedule: run.schedule } : {}),
    stimulus: stimulusName(run.stimulus),
    length: run.length,
    sampleRate: run.sampleRate,
  };
  const failed = (failedAt: string, e: unknown, extra: Partial<RunRecord> = {}): RunRecord => ({
    ...base,
    status: "failed",
    failedAt,
    diagnostics: diagnosticsOf(e),
    ...extra,
    timing: { stages, passes: passMs, total: performance.now() - t0 },
  });
  if (run.program.problem || run.program.text === undefined) return failed("read", new DiagnosticError([run.program.problem ?? diag("FL001", { path: run.program.path, reason: "unreadable" })]));
  const source = { text: run.program.text, path: run.program.path };
  const double = run.precision === "double";
  const has = (m: string) => run.metrics.includes(m as never);
  const warnings: DiagnosticRecord[] = [];

  // 1. source → signals (the run's precision), and the exact reference's program
  let program: SignalProgram;
  try {
    const t = timeIt(() => loadProgram(source, { includeDirs: run.includeDirs, precision: run.precision }));
    program = t.value;
    stages.read = t.ms;
    for (const w of program.warnings) warnings.push(diagnosticRecord(w));
  } catch (e) {
    return failed("compile", e);
  }
  const inputs = program.inputs;
  const outputs = program.outputs.length;
  const sizes = { nodes: { before: reachable(program.outputs).length, after: 0 }, recursions: { before: recGroups(program.outputs).length, after: 0 } };

  // 2. the pipeline
  let registry: PassRegistry | undefined;
  try {
    registry = await registryFor(run.loadPasses, cache);
  } catch (e) {
    return failed("passes", e, { inputs, outputs });
  }
  let optimized: ReturnType<typeof optimizeProgram>;
  try {
    const t = timeIt(() => optimizeProgram(program, run.pipeline, { context: { precision: run.precision }, registry }));
    optimized = t.value;
    stages.passes = t.ms;
    for (const r of optimized.run.records) passMs[r.pass] = (passMs[r.pass] ?? 0) + r.milliseconds;
  } catch (e) {
    return failed("passes", e, { inputs, outputs, ...sizes });
  }
  const p = optimized.program;
  sizes.nodes.after = reachable(p.outputs).length;
  sizes.recursions.after = recGroups(p.outputs).length;
  const passes = optimized.run.records.map((r) => ({ pass: r.pass, changed: r.changed, stats: r.stats }));
  const remarks = optimized.run.records.flatMap((r) => r.remarks.map((d) => render(d, { snippet: false }).split("\n")[0]!)).slice(0, 200);
  let transfer: TransferRecord[] | undefined;
  if (has("transfer")) {
    try {
      transfer = transferRecords(p, optimized.run);
    } catch (e) {
      notes.push(`transfer analysis failed: ${(e as Error).message}`);
    }
  }
  const done = { inputs, outputs, ...sizes, passes, remarks, transfer };

  // 3. FIR and the backend
  let m: FirModule;
  try {
    const t = timeIt(() => {
      const mod = generateFir(p, { precision: run.precision, schedule: run.schedule, lockstep: run.lockstep ?? true });
      const problems = verifyModule(mod);
      if (problems.length) throw new DiagnosticError(problems);
      return mod;
    });
    m = t.value;
    stages.codegen = t.ms;
  } catch (e) {
    return failed("codegen", e, done);
  }

  // 4. the stimulus, the exact reference
  let input: Float64Array[];
  try {
    input = stimulusSamples(run.stimulus, inputs, run.length, run.sampleRate);
  } catch (e) {
    return failed("render", e, done);
  }
  const inputFn = (ch: number, i: number) => input[ch]![i]!;
  const controls = run.controls;
  const truthKey = JSON.stringify([run.program.hash, base.stimulus, run.length, run.sampleRate, controls, run.includeDirs]);
  let truth = cache.truth.get(truthKey);
  if (!truth && (has("accuracy") || has("response"))) {
    try {
      const p64 = loadProgram(source, { includeDirs: run.includeDirs, precision: "double" });
      const m64 = generateFir(p64, { precision: "double" });
      truth = renderDsp(instantiate(m64, "js")(), { samples: run.length, sampleRate: run.sampleRate, double: true, input: inputFn, controls });
      bounded(cache.truth, truthKey, truth);
    } catch (e) {
      notes.push(`no exact reference: ${diagnosticsOf(e)[0]!.message}`);
    }
  }

  // 5. the run's backend: code, rendering, speed
  let codeSize: number | undefined;
  let rendered: Rendered;
  let speed: number | undefined;
  let renderOnce: (() => Float64Array[]) | undefined;
  let impulseData: number[] | undefined;
  try {
    if (run.backend === "c" || run.backend === "cpp") {
      const lang = run.backend;
      const t = timeIt(() => (lang === "c" ? cSource : cppSource)(m));
      codeSize = t.value.length;
      stages.backend = t.ms;
      if (Object.keys(controls).length) notes.push("the C/C++ driver runs every control at its default: the spec's control values are not applied");
      const r = timeIt(() => runNative(lang, [{ module: m, samples: run.length, sampleRate: run.sampleRate, input }])[0]!);
      rendered = { data: r.value, ms: r.ms };
      stages.render = r.ms;
      notes.push("C/C++: the render time includes the system compiler's build; no throughput measured");
    } else if (run.backend === "wasm") {
      const t = timeIt(() => wasmReference(m));
      codeSize = wasmModule(m).bytes.length;
      stages.backend = t.ms;
      const ref = t.value;
      renderOnce = () => renderReference(ref, { samples: run.length, sampleRate: run.sampleRate, input: inputFn, controls }).data;
    } else {
      const t = timeIt(() => instantiate(m, run.backend as "js" | "interp"));
      codeSize = run.backend === "js" ? jsSource(m).length : printModule(m).length;
      stages.backend = t.ms;
      const factory = t.value;
      renderOnce = () => renderDsp(factory(), { samples: run.length, sampleRate: run.sampleRate, double, input: inputFn, controls });
    }
    if (renderOnce) {
      const r = timeIt(renderOnce);
      rendered = { data: r.value, ms: r.ms };
      stages.render = r.ms;
      if (has("throughput")) speed = throughput(renderOnce, run.length);
      if (has("response") && run.stimulus.kind === "impulse") impulseData = Array.from(r.value[0]?.subarray(0, 2048) ?? [], round);
      else if (has("response") && inputs <= 8) {
        const imp = stimulusSamples({ kind: "impulse" }, inputs, Math.min(2048, run.length), run.sampleRate);
        if (run.backend === "wasm") {
          const ref = wasmReference(m);
          impulseData = Array.from(renderReference(ref, { samples: imp[0]?.length ?? Math.min(2048, run.length), sampleRate: run.sampleRate, input: (c, i) => imp[c]![i]!, controls }).data[0] ?? [], round);
        } else {
          const f = instantiate(m, run.backend as "js" | "interp");
          impulseData = Array.from(renderDsp(f(), { samples: Math.min(2048, run.length), sampleRate: run.sampleRate, double, input: (c, i) => (i === 0 ? 1 : 0), controls })[0] ?? [], round);
        }
      }
    }
  } catch (e) {
    return failed(stages.backend === undefined ? "backend" : "render", e, { ...done, codeSize });
  }

  let sensitivity: RunRecord["sensitivity"];
  if (has("sensitivity")) {
    try {
      sensitivity = measureSensitivity(p, { length: run.length, sampleRate: run.sampleRate, input: inputFn, controls });
      if (!sensitivity) notes.push("sensitivity: the program has no slider or number entry");
    } catch (e) {
      notes.push(`sensitivity not measured: ${diagnosticsOf(e)[0]?.message ?? String(e)}`);
    }
  }

  // 6. measures: exact reference, the real compiler
  const record: {
    exact?: ErrorRecord;
    faust?: RunRecord["faust"];
    errorTime?: number[];
    errorSpectrum?: { freqs: number[]; db: number[] };
    faustThroughput?: number;
  } = {};
  if (truth && has("accuracy")) {
    record.exact = compareOutputs(truth, rendered!.data);
    if (truth.length > 0 && rendered!.data[0]) {
      const prof = errorProfile(truth[0]!, rendered!.data[0], run.sampleRate);
      record.errorTime = prof.time;
      record.errorSpectrum = prof.spectrum;
    }
  }
  if (has("reference")) {
    const refKey = JSON.stringify([run.program.hash, run.precision, run.includeDirs]);
    let ref = cache.reference.get(refKey);
    if (ref === undefined) {
      try {
        ref = await compileReference(run.program.text, programName(run.program.path), { double, includeDirs: run.includeDirs, sourceDir: run.program.path.startsWith("/library-tests/") ? undefined : path.dirname(run.program.path) });
      } catch (e) {
        ref = (e as Error).message.split("\n")[0]!;
      }
      bounded(cache.reference, refKey, ref);
    }
    if (typeof ref === "string") record.faust = { error: `the real compiler rejected the program: ${ref}` };
    else {
      try {
        const c = ref;
        const fr = () => renderReference(c, { samples: run.length, sampleRate: run.sampleRate, input: inputFn, controls }).data;
        const fdata = fr();
        record.faust = { vsFaust: compareOutputs(fdata, rendered!.data), faustVsExact: truth ? compareOutputs(truth, fdata) : undefined };
        if (run.backend === "wasm" && has("throughput")) record.faustThroughput = throughput(fr, run.length);
      } catch (e) {
        record.faust = { error: `the real compiler's module did not render: ${(e as Error).message}` };
      }
    }
  }
  return {
    ...base,
    status: "ok",
    diagnostics: warnings,
    ...done,
    exact: record.exact,
    faust: record.faust,
    codeSize: has("codesize") ? codeSize : undefined,
    impulse: impulseData,
    errorTime: record.errorTime,
    errorSpectrum: record.errorSpectrum,
    sensitivity,
    notes: notes.length ? notes : undefined,
    timing: { stages, passes: passMs, throughput: speed, faustThroughput: record.faustThroughput, total: performance.now() - t0 },
  };
}
