// The MCP tools' work, as plain functions of validated arguments. They run
// inside a sandbox worker (sandbox.ts), one request at a time, with the
// request's limits: every compilation gets the evaluation limits and the
// import policy, programs calling foreign code that could reach the host are
// refused, text outputs are capped (longer ones go to a file in the output
// folder). A failure is thrown as a ToolFailure (typed), never returned as text.

import fs from "node:fs";
import path from "node:path";
import { DiagnosticError, type Diagnostic } from "../../core/diagnostics.ts";
import { writeFileAtomic } from "../../core/fsutil.ts";
import { compileSignals, evaluateProgram, type CompileOptions, type SignalProgram } from "../../driver/signals.ts";
import { instantiate } from "../../driver/compile.ts";
import { optimizeProgram } from "../../driver/optimize.ts";
import { generateFir, cFunction } from "../../chain/codegen/generate.ts";
import { verifyModule } from "../../core/fir/verify.ts";
import { jsSource } from "../../chain/backends/js.ts";
import { cSource } from "../../chain/backends/c.ts";
import { cppSource } from "../../chain/backends/cpp.ts";
import { compileWasm, wasmModule } from "../../chain/backends/wasm.ts";
import { renderDsp } from "../../chain/backends/render.ts";
import { printModule } from "../../core/fir/print.ts";
import type { FirModule } from "../../core/fir/fir.ts";
import { reachable, type SignalGraph } from "../../core/signals/graph.ts";
import { printSignalsNamed } from "../../core/signals/print.ts";
import type { Sig } from "../../core/signals/signal.ts";
import type { UIItem } from "../../chain/propagate/ui.ts";
import { AnalysisManager } from "../../../analyses/analysis.ts";
import { statsAnalysis } from "../../../analyses/basic.ts";
import { linearityAnalysis } from "../../../analyses/linearity.ts";
import { ltiRegionsAnalysis } from "../../../analyses/lti-regions.ts";
import { transferAnalysis, printTransfer } from "../../../analyses/transfer.ts";
import { rootsZ } from "../../../analyses/zdomain/roots.ts";
import type { Complex } from "../../../analyses/zdomain/complex.ts";
import { compareRendering, measureAccuracy, whiteNoise, type ErrorMeasure } from "../../../reports/accuracy.ts";
import { printPipeline } from "../../../passes/pipeline.ts";
import { parse as parsePipelineText, DEFAULT_OPTIMIZING } from "../../../passes/registry.ts";
import { asciiWaveform, levelStats, renderProgram, resolveControl, spectrumSummary, type ControlEvent, type Stimulus } from "./audio.ts";
import { getSymbol, libraryIndex, listModule, searchSymbols, type LibrarySymbol } from "./library.ts";
import { structuredDiagnostic, ToolFailure, type Limits, type StructuredDiagnostic } from "./protocol.ts";

/** Where a request runs: the folders imports may come from, the program's folder, the output folder. */
export interface SandboxContext {
  readonly limits: Limits;
  /** The allow-listed project folder: the program's imports resolve from it (an empty temporary folder when none is given). */
  readonly projectDir: string;
  /** The standard library folder and the project folder: the import policy's roots. */
  readonly roots: readonly string[];
  /** Files the tools write (large code, wasm modules, WAV, reports). */
  readonly outDir: string;
}

export interface SourceArgs {
  readonly source: string;
  readonly name?: string;
  readonly precision?: "single" | "double";
}

function programSource(a: SourceArgs, ctx: SandboxContext): { text: string; path: string } {
  return { text: a.source, path: path.join(ctx.projectDir, `${a.name ?? "program"}.dsp`) };
}

function limitOptions(ctx: SandboxContext): Pick<CompileOptions, "maxSteps" | "maxDepth" | "importPolicy"> {
  return { maxSteps: ctx.limits.maxSteps, maxDepth: ctx.limits.maxDepth, importPolicy: { roots: ctx.roots } };
}

const asFailure = (e: unknown): never => {
  if (e instanceof DiagnosticError) throw new ToolFailure("diagnostics", e.diagnostics.map((d) => d.message)[0] ?? "compilation failed", e.diagnostics.map(structuredDiagnostic));
  throw e;
};

/** Foreign code a sandboxed program may not use: anything but the math functions, SR and `count`, and soundfiles (they read host files). */
export function hostAccess(outputs: readonly Sig[]): string[] {
  const problems: string[] = [];
  for (const s of reachable(outputs)) {
    if (s.kind === "ffun" && !cFunction(s.name)) problems.push(`foreign function '${s.name}'`);
    else if (s.kind === "fvar" && s.name !== "count") problems.push(`foreign variable '${s.name}'`);
    else if (s.kind === "fconst" && s.name !== "fSamplingFreq" && s.name !== "SR") problems.push(`foreign constant '${s.name}'`);
    else if (s.kind === "soundfile") problems.push(`soundfile '${s.label}'`);
  }
  return [...new Set(problems)];
}

/** Bytes of memory outside the JavaScript heap (delay lines, tables, rendered samples) a request may use. */
const stateBudget = (ctx: SandboxContext) => (ctx.limits.memoryMb << 20) / 2;

/** Compiles to checked signals under the limits, refusing host access. */
function signalsOf(a: SourceArgs, ctx: SandboxContext): SignalProgram {
  let p: SignalProgram;
  try {
    p = compileSignals(programSource(a, ctx), { ...limitOptions(ctx), precision: a.precision ?? "single", name: a.name });
  } catch (e) {
    return asFailure(e);
  }
  const bad = hostAccess(p.outputs);
  if (bad.length) throw new ToolFailure("refused", `the program uses what a sandboxed program may not: ${bad.join(", ")}`);
  const nodes = reachable(p.outputs).length;
  if (nodes > ctx.limits.maxNodes) throw new ToolFailure("limit", `the signal graph has ${nodes} nodes, more than the limit of ${ctx.limits.maxNodes}`);
  // delay lines and tables live outside the worker's heap limit (typed arrays): bound them here,
  // at 16 bytes a sample (double precision, delay lines rounded up to a power of two)
  let state = 0;
  for (const n of p.info.delays.values()) state += n;
  for (const n of p.info.tables.values()) state += n;
  if (state * 16 > stateBudget(ctx)) {
    throw new ToolFailure("limit", `the program's delay lines and tables need ${state} samples of memory, more than the limit of ${Math.floor(stateBudget(ctx) / 16)}`);
  }
  return p;
}

function firOf(p: SignalProgram, double: boolean, pipeline: string | undefined, remarks: Diagnostic[] = []): FirModule {
  try {
    let q = p;
    if (pipeline !== undefined) {
      const o = optimizeProgram(p, pipeline, { context: { precision: double ? "double" : "single" } });
      for (const r of o.run.records) remarks.push(...r.remarks);
      q = o.program;
    }
    const m = generateFir(q, { precision: double ? "double" : "single" });
    const problems = verifyModule(m);
    if (problems.length) throw new DiagnosticError(problems);
    return m;
  } catch (e) {
    return asFailure(e);
  }
}

function checkedPipeline(text: string): string {
  try {
    return printPipeline(parsePipelineText(text));
  } catch (e) {
    return asFailure(e);
  }
}

/** A text result: inline when under the cap, else written to the output folder (its path returned). */
function capped(ctx: SandboxContext, text: string, file: string): { text?: string; path?: string; chars: number } {
  if (text.length <= ctx.limits.maxOutputChars) return { text, chars: text.length };
  const p = path.join(ctx.outDir, file);
  writeFileAtomic(p, text);
  return { path: p, chars: text.length };
}

// ----- check

export function check(a: SourceArgs, ctx: SandboxContext) {
  const src = programSource(a, ctx);
  const opts = { ...limitOptions(ctx), precision: a.precision ?? "single", name: a.name } as const;
  const diagnostics: Diagnostic[] = [...evaluateProgram(src, opts).diagnostics];
  let io: { inputs: number; outputs: number } | undefined;
  let refused: string[] = [];
  if (!diagnostics.some((d) => d.severity === "error")) {
    try {
      const p = compileSignals(src, opts);
      io = { inputs: p.inputs, outputs: p.outputs.length };
      diagnostics.push(...p.warnings);
      refused = hostAccess(p.outputs);
    } catch (e) {
      if (!(e instanceof DiagnosticError)) throw e;
      diagnostics.push(...e.diagnostics);
    }
  }
  // the evaluation runs twice (alone, then inside compileSignals): report each warning once
  const seen = new Set<string>();
  const s = diagnostics.map(structuredDiagnostic).filter((d) => {
    const k = JSON.stringify(d);
    return seen.has(k) ? false : (seen.add(k), true);
  });
  const errors = s.filter((d) => d.severity === "error").length;
  return { ok: errors === 0 && refused.length === 0, errors, diagnostics: s, refused, ...(io ?? {}) };
}

// ----- compile

export interface CompileArgs extends SourceArgs {
  readonly target: "js" | "wasm" | "c" | "cpp" | "fir";
  readonly pipeline?: string;
  readonly className?: string;
}

export function compile(a: CompileArgs, ctx: SandboxContext) {
  const p = signalsOf(a, ctx);
  const remarks: Diagnostic[] = [];
  const pipeline = a.pipeline !== undefined ? checkedPipeline(a.pipeline) : undefined;
  const m = firOf(p, a.precision === "double", pipeline, remarks);
  const base = `${a.name ?? "program"}-${process.pid}-${Date.now().toString(36)}`;
  const ui = p.ui as readonly UIItem[];
  const common = { target: a.target, inputs: m.inputs, outputs: m.outputs, ui, warnings: p.warnings.map(structuredDiagnostic), remarks: remarks.length };
  if (a.target === "wasm") {
    const w = wasmModule(m);
    try {
      compileWasm(w.bytes);
    } catch (e) {
      asFailure(e);
    }
    const file = path.join(ctx.outDir, `${base}.wasm`);
    writeFileAtomic(file, w.bytes);
    writeFileAtomic(file.replace(/\.wasm$/, ".json"), w.json);
    return { ...common, path: file, json: file.replace(/\.wasm$/, ".json"), chars: w.bytes.length };
  }
  const className = a.className ?? "mydsp";
  const text = a.target === "fir" ? printModule(m) : a.target === "c" ? cSource(m, { className }) : a.target === "cpp" ? cppSource(m, { className }) : jsSource(m);
  const ext = { fir: "fir", c: "c", cpp: "cpp", js: "mjs" }[a.target];
  const out = capped(ctx, text, `${base}.${ext}`);
  return { ...common, ...(out.text !== undefined ? { code: out.text } : { path: out.path }), chars: out.chars };
}

// ----- render

export interface RenderArgs extends SourceArgs {
  readonly duration?: number;
  readonly samples?: number;
  readonly sampleRate?: number;
  readonly stimulus?: Stimulus;
  readonly controls?: Readonly<Record<string, number>>;
  readonly script?: readonly ControlEvent[];
  readonly wav?: boolean;
}

/** The number of samples a render request asks for (checked against the limit before any work). */
export function requestedSamples(a: Pick<RenderArgs, "duration" | "samples" | "sampleRate">): number {
  return a.samples ?? Math.round((a.duration ?? 1) * (a.sampleRate ?? 44100));
}

function passiveWidgets(items: readonly UIItem[], out: { address: string; label: string; probe?: string }[] = []) {
  for (const it of items) {
    if ("items" in it) passiveWidgets(it.items, out);
    else if (it.type === "hbargraph" || it.type === "vbargraph") {
      const probe = it.meta?.find((m) => "probe" in m)?.probe;
      out.push({ address: it.address, label: it.label, ...(probe !== undefined ? { probe } : {}) });
    }
  }
  return out;
}

export async function render(a: RenderArgs, ctx: SandboxContext) {
  const samples = requestedSamples(a);
  if (samples > ctx.limits.maxSamples) throw new ToolFailure("limit", `a render of ${samples} samples exceeds the limit of ${ctx.limits.maxSamples}`);
  const sr = a.sampleRate ?? 44100;
  const p = signalsOf(a, ctx);
  if (samples * p.outputs.length * 8 > stateBudget(ctx)) {
    throw new ToolFailure("limit", `a render of ${samples} samples on ${p.outputs.length} outputs needs more memory than the limit of ${ctx.limits.memoryMb} MB allows`);
  }
  const double = a.precision === "double";
  const dsp = instantiate(firOf(p, double, undefined), "js")();
  const params = dsp.getParams();
  const resolve = (name: string) => {
    const r = resolveControl(params, name);
    if (!r) throw new ToolFailure("invalid", `no control '${name}' (controls: ${params.join(", ") || "none"})`);
    return r;
  };
  const controls = Object.fromEntries(Object.entries(a.controls ?? {}).map(([k, v]) => [resolve(k), v]));
  const script = (a.script ?? []).map((e) => ({ ...e, control: resolve(e.control) }));
  const passive = passiveWidgets(p.ui);
  const r = renderProgram(dsp, { samples, sampleRate: sr, double, stimulus: a.stimulus ?? { kind: "impulse" }, controls, script, passive: passive.map((w) => w.address) });
  const outputs = r.outputs.map((x, channel) => ({ channel, ...levelStats(x), spectrum: spectrumSummary(x, sr), waveform: asciiWaveform(x) }));
  let wavPath: string | undefined;
  if (a.wav && r.outputs.length) {
    const mod = (await import("wavefile")) as unknown as { WaveFile?: typeof import("wavefile").WaveFile; default?: { WaveFile: typeof import("wavefile").WaveFile } };
    const WaveFile = (mod.WaveFile ?? mod.default?.WaveFile)!;
    const wav = new WaveFile();
    wav.fromScratch(r.outputs.length, sr, "32f", r.outputs.map((x) => Array.from(x, (v) => (Number.isFinite(v) ? v : 0))));
    wavPath = path.join(ctx.outDir, `${a.name ?? "program"}-${process.pid}-${Date.now().toString(36)}.wav`);
    writeFileAtomic(wavPath, wav.toBuffer());
  }
  const round = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : v > 0 ? 1e300 : v < 0 ? -1e300 : 0);
  return {
    sampleRate: sr,
    samples,
    inputs: p.inputs,
    outputs,
    passive: r.passive.map((t, i) => ({ ...passive[i]!, times: t.times.map(round), values: t.values.map(round), min: round(t.min), max: round(t.max), last: round(t.last) })),
    ...(wavPath ? { wav: wavPath } : {}),
    warnings: p.warnings.map(structuredDiagnostic),
  };
}

// ----- analyze

const cplx = (z: Complex) => ({ re: z.re, im: z.im, magnitude: Math.hypot(z.re, z.im) });

function accuracyOf(m: ErrorMeasure | undefined) {
  if (!m) return null;
  return {
    snrDb: Number.isFinite(m.snr) ? Math.round(m.snr * 100) / 100 : m.snr === Infinity ? "exact" : "undefined",
    maxAbsError: Number.isFinite(m.maxAbsError) ? m.maxAbsError : null,
    stable: m.stable,
  };
}

export interface AnalyzeArgs extends SourceArgs {
  readonly accuracy?: boolean;
  readonly pipeline?: string;
  readonly samples?: number;
}

export async function analyze(a: AnalyzeArgs, ctx: SandboxContext) {
  const p = signalsOf(a, ctx);
  const graph: SignalGraph = { inputs: p.inputs, outputs: p.outputs };
  const am = new AnalysisManager(graph, { precision: a.precision ?? "single" });
  const lin = am.get(linearityAnalysis);
  const regions = am.get(ltiRegionsAnalysis);
  const transfers = am.get(transferAnalysis);
  const { name } = printSignalsNamed(p.outputs, { localGroupNames: true });
  const linearity = p.outputs.map((s, index) => {
    const n = lin.nodes.get(s);
    return { output: index, class: n?.cls ?? "constant", ...(n?.rate ? { rate: n.rate } : {}), ...(n?.reason ? { reason: n.reason } : {}), ...(n?.origin ? { origin: name(n.origin) } : {}) };
  });
  let unstable = false;
  let anyLti = false;
  const tf = transfers.map((t) => {
    const region = { index: t.region.index, kind: t.region.kind, members: t.region.members.length, inputs: t.region.inputs.map(name), outputs: t.region.outputs.map(name) };
    if (t.kind === "none") return { region, kind: t.kind, reason: t.reason, pairs: [] };
    if (t.kind === "ltv") return { region, kind: t.kind, states: t.states, pairs: t.pairs.map((q) => ({ input: name(q.input), output: name(q.output), states: q.states })) };
    anyLti = true;
    return {
      region,
      kind: t.kind,
      states: t.states,
      pairs: t.pairs.map((q) => {
        const poles = rootsZ(q.a).roots.map(cplx);
        const zeros = rootsZ(q.b).roots.map(cplx);
        const radius = poles.reduce((r, z) => Math.max(r, z.magnitude), 0);
        const stable = radius < 1;
        if (!stable) unstable = true;
        return { input: name(q.input), output: name(q.output), b: [...q.b], a: [...q.a], poles, zeros, maxPoleRadius: radius, stable };
      }),
    };
  });
  const text = capped(ctx, printTransfer(transfers, { graph, name }), `transfer-${process.pid}-${Date.now().toString(36)}.txt`);
  let accuracy: unknown = null;
  if (a.accuracy ?? true) {
    const pipeline = checkedPipeline(a.pipeline ?? DEFAULT_OPTIMIZING);
    try {
      const row = await measureAccuracy(programSource(a, ctx), { samples: a.samples ?? 8192, passes: pipeline, reference: false, limits: limitOptions(ctx) });
      accuracy = { pipeline, samples: row.samples, peak: row.peak, float32: accuracyOf(row.measures.f32), float32Optimized: accuracyOf(row.measures["f32+P"]), float64Optimized: accuracyOf(row.measures["f64+P"]), errors: row.errors };
    } catch (e) {
      asFailure(e);
    }
  }
  return {
    inputs: p.inputs,
    outputs: p.outputs.length,
    linearity,
    regions: regions.regions.length,
    transfers: tf,
    /** true: every LTI pair has its poles inside the unit circle; false: some pole is on or outside it; null: no LTI region. */
    stable: anyLti ? !unstable : null,
    ...(text.text !== undefined ? { transferText: text.text } : { transferPath: text.path }),
    accuracy,
  };
}

// ----- optimize

export interface OptimizeArgs extends SourceArgs {
  readonly pipeline?: string;
  readonly samples?: number;
}

function timeRender(m: FirModule, samples: number): number {
  const make = instantiate(m, "js");
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const dsp = make();
    const t0 = performance.now();
    renderDsp(dsp, { samples, double: m.precision === "double", input: whiteNoise() });
    best = Math.min(best, performance.now() - t0);
  }
  return Math.round(best * 1000) / 1000;
}

export function optimize(a: OptimizeArgs, ctx: SandboxContext) {
  const p = signalsOf(a, ctx);
  const pipeline = checkedPipeline(a.pipeline ?? DEFAULT_OPTIMIZING);
  const double = a.precision === "double";
  let o: ReturnType<typeof optimizeProgram>;
  try {
    o = optimizeProgram(p, pipeline, { context: { precision: double ? "double" : "single" } });
  } catch (e) {
    return asFailure(e);
  }
  const nodes = (outputs: readonly Sig[]) => new AnalysisManager({ inputs: p.inputs, outputs }).get(statsAnalysis).nodes;
  const samples = Math.min(a.samples ?? 44100, ctx.limits.maxSamples);
  const truthM = firOf(p, true, undefined);
  const input = whiteNoise();
  const truth = renderDsp(instantiate(truthM, "js")(), { samples, double: true, input });
  const beforeM = firOf(p, double, undefined);
  const afterM = firOf(o.program, double, undefined);
  const measure = (m: FirModule) => accuracyOf(compareRendering(truth, renderDsp(instantiate(m, "js")(), { samples, double, input })));
  const before = timeRender(beforeM, samples);
  const after = timeRender(afterM, samples);
  return {
    pipeline,
    changed: o.program !== p,
    passes: o.run.records.map((r) => ({ pass: r.pass, changed: r.changed, stats: { ...r.stats }, milliseconds: Math.round(r.milliseconds * 1000) / 1000, remarks: r.remarks.map((d) => d.message) })),
    nodes: { before: nodes(p.outputs), after: nodes(o.program.outputs) },
    accuracy: { reference: "float64 rendering of the original program, white noise input", before: measure(beforeM), after: measure(afterM) },
    speed: { samples, beforeMs: before, afterMs: after, speedup: after > 0 ? Math.round((before / after) * 1000) / 1000 : null },
  };
}

// ----- experiment

export interface ExperimentArgs extends SourceArgs {
  /** The variants compared: a pipeline each (none: the plain compilation); the precisions of all variants are crossed with them. */
  readonly variants: readonly { readonly name: string; readonly pipeline?: string; readonly precision?: "single" | "double" }[];
  readonly samples?: number;
  readonly sampleRate?: number;
  readonly stimulus?: "impulse" | "noise" | "sweep";
}

/**
 * One program's variants through issue 13's experiment API (runExperiment,
 * reports/experiment.ts), on a spec this tool builds itself: the program is
 * first compiled here under the sandbox's limits and import policy, then
 * written to its own folder; the spec names only that file, the project
 * folder as include folder, no loaded passes, no WAV stimuli, and the
 * sandbox's time and memory limits. Results, JSONL and the HTML report go
 * to the output folder.
 */
export async function experiment(a: ExperimentArgs, ctx: SandboxContext) {
  if (a.variants.length === 0) throw new ToolFailure("invalid", "an experiment needs at least one variant");
  const names = new Set<string>();
  const pipelines: Record<string, string> = {};
  for (const v of a.variants) {
    if (!/^[A-Za-z0-9_.+-]{1,64}$/.test(v.name)) throw new ToolFailure("invalid", `variant name '${v.name}': letters, digits and _ . + - only`);
    if (names.has(v.name)) throw new ToolFailure("invalid", `variant '${v.name}' is named twice`);
    names.add(v.name);
    pipelines[v.name] = v.pipeline !== undefined ? checkedPipeline(v.pipeline) : "";
  }
  const precisions = [...new Set(a.variants.map((v) => v.precision ?? "single"))];
  for (const precision of precisions) signalsOf({ ...a, precision }, ctx);
  const dir = path.join(ctx.outDir, `experiment-${process.pid}-${Date.now().toString(36)}`);
  const file = path.join(dir, `${a.name ?? "program"}.dsp`);
  writeFileAtomic(file, a.source);
  const { runExperiment } = await import("../../../reports/experiment.ts");
  let r: Awaited<ReturnType<typeof runExperiment>>;
  try {
    r = await runExperiment(
      {
        name: a.name ?? "program",
        programs: [file],
        pipelines,
        precisions,
        backends: ["js"],
        stimuli: [a.stimulus ?? "noise"],
        length: Math.min(a.samples ?? 8192, ctx.limits.maxSamples),
        sampleRate: a.sampleRate ?? 44100,
        metrics: ["accuracy", "throughput", "transfer", "codesize"],
        timeLimit: Math.max(1, ctx.limits.timeoutMs / 1000),
        memoryLimit: Math.max(64, ctx.limits.memoryMb >> 1),
        includeDirs: [ctx.projectDir],
      },
      { out: path.join(dir, "results"), jobs: 1 },
    );
  } catch (e) {
    return asFailure(e);
  }
  const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
  const variants = r.records.map((x) => ({
    name: x.pipelineName,
    pipeline: x.pipeline === "" ? null : x.pipeline,
    precision: x.precision,
    status: x.status,
    ...(x.status === "failed" ? { failure: x.diagnostics[0] ? `${x.diagnostics[0].code}: ${x.diagnostics[0].message}` : (x.failedAt ?? "failed") } : {}),
    nodes: x.nodes?.after ?? null,
    snrDb: x.exact ? (num(x.exact.snr) ?? (x.exact.snr === Infinity ? "exact" : "undefined")) : null,
    stable: x.exact?.stable ?? null,
    throughput: num(x.timing.throughput),
    codeSize: x.codeSize ?? null,
  }));
  const s = r.summary;
  const fastest = [...variants].filter((v) => v.throughput !== null).sort((x, y) => y.throughput! - x.throughput!)[0];
  return {
    samples: Math.min(a.samples ?? 8192, ctx.limits.maxSamples),
    variants,
    summary: `${s.ok} of ${s.selected} runs ok${s.failed ? `, ${s.failed} failed` : ""}${fastest ? `; fastest: ${fastest.name} ${fastest.precision} (${fastest.throughput} M samples/s)` : ""}`,
    results: r.resultsPath,
    report: r.reportPath ?? null,
  };
}

// ----- diagram

export interface DiagramArgs extends SourceArgs {
  readonly kind?: "box" | "signal";
  /** For signal diagrams: the pipeline run first ("" or none: the normalized graph). */
  readonly pipeline?: string;
}

/**
 * The program's block diagram, or its signal graph after a pipeline, as SVG
 * (issue 18's reports/diagram). The program is compiled under the sandbox's
 * limits first; a signal diagram draws that graph, a block diagram
 * re-evaluates the same source (its imports were just checked). Files go to
 * the output folder; the main SVG comes back inline when short enough.
 */
export async function diagram(a: DiagramArgs, ctx: SandboxContext) {
  const p = signalsOf(a, ctx);
  const d = await import("../../../reports/diagram/index.ts");
  const dir = path.join(ctx.outDir, `diagram-${process.pid}-${Date.now().toString(36)}`);
  let files: { file: string; svg: string }[];
  if ((a.kind ?? "box") === "signal") {
    const pipeline = a.pipeline ? checkedPipeline(a.pipeline) : "";
    const q = pipeline ? optimizeProgram(p, pipeline, { context: { precision: a.precision ?? "single" } }).program : p;
    files = [await d.drawSignalGraph({ inputs: q.inputs, outputs: q.outputs }, pipeline ? `${a.name ?? "program"} after '${pipeline}'` : (a.name ?? "program"))];
  } else {
    try {
      files = await d.drawBoxDiagram(programSource(a, ctx), { precision: a.precision ?? "single" });
    } catch (e) {
      return asFailure(e);
    }
  }
  const paths = d.writeDiagramFiles(dir, files);
  const main = files[0]!;
  return {
    kind: a.kind ?? "box",
    files: paths,
    ...(main.svg.length <= ctx.limits.maxOutputChars ? { svg: main.svg } : {}),
    chars: main.svg.length,
  };
}

// ----- library

export interface LibraryArgs {
  readonly action: "list_module" | "get_symbol" | "search";
  readonly module?: string;
  readonly name?: string;
  readonly query?: string;
  readonly limit?: number;
}

const brief = (s: LibrarySymbol) => ({ name: s.qualified, library: s.library, signature: s.signature ?? null, summary: s.description.split("\n")[0] ?? "" });
const full = (s: LibrarySymbol) => ({ ...brief(s), line: s.line, description: s.description, usage: [...s.usage], parameters: [...s.parameters], test: s.test ?? null });

// The documentation index of the (immutable, versioned) standard library folder: built once per worker.
let indexCache: LibrarySymbol[] | undefined;

export function library(a: LibraryArgs) {
  const index = (indexCache ??= libraryIndex());
  switch (a.action) {
    case "list_module": {
      if (!a.module) throw new ToolFailure("invalid", "list_module needs 'module' (a prefix such as fi, or a file such as filters.lib)");
      const syms = listModule(index, a.module);
      if (!syms) throw new ToolFailure("invalid", `no library '${a.module}' (libraries: ${[...new Set(index.map((s) => s.library))].join(", ")})`);
      return { action: a.action, module: syms[0]?.library ?? a.module, symbols: syms.map(brief) };
    }
    case "get_symbol": {
      if (!a.name) throw new ToolFailure("invalid", "get_symbol needs 'name' (e.g. fi.lowpass)");
      const s = getSymbol(index, a.name);
      if (!s) {
        const near = searchSymbols(index, a.name, 5).map((h) => h.symbol.qualified);
        throw new ToolFailure("invalid", `no documented symbol '${a.name}'${near.length ? ` (did you mean ${near.join(", ")}?)` : ""}`);
      }
      return { action: a.action, symbol: full(s) };
    }
    case "search": {
      if (!a.query) throw new ToolFailure("invalid", "search needs 'query'");
      return { action: a.action, query: a.query, results: searchSymbols(index, a.query, a.limit ?? 20).map((h) => ({ ...brief(h.symbol), score: h.score })) };
    }
  }
}

/** The files of the output folder are the tools' own: make sure it exists. */
export function ensureOutDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
}

export type { StructuredDiagnostic };
