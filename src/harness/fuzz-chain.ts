// Whole-chain fuzzing: programs (mutated corpus programs, library tests,
// library sources, and generated programs of the size families of issue 14)
// go through the front end, the evaluator, propagation, normalization, FIR
// generation and every backend (FIR text, JavaScript and the FIR interpreter
// rendered and compared, C, C++, wasm compiled and rendered). The contract: a
// case ends with output or with diagnostics from the catalog; never an
// exception, never a diagnostic that names a bug of ours (FL005 internal
// error, FL601 ill-formed FIR, FL613 invalid wasm), and the two in-process
// engines agree sample for sample.
//
// Case generation is deterministic for a seed (`fuzzCase`); running a case is
// `runChainCase` (used in-process by fuzz-chain.test.ts and inside piscina
// workers by `npm run fuzz`); `reduceCase` shrinks a failing input by
// deleting token ranges while the failure keeps its signature.

import { DiagnosticError, SourceFile, type Diagnostic } from "../core/diagnostics.ts";
import { lex } from "../chain/frontend/lexer.ts";
import { compileFir } from "../driver/compile.ts";
import { printModule } from "../core/fir/print.ts";
import { jsSource, loadJs } from "../chain/backends/js.ts";
import { interpret } from "../core/fir/interp.ts";
import { renderDsp } from "../chain/backends/render.ts";
import { cSource } from "../chain/backends/c.ts";
import { cppSource } from "../chain/backends/cpp.ts";
import { wasmReference } from "../chain/backends/wasm.ts";
import { OracleError, renderReference } from "./oracle.ts";
import { T } from "../chain/frontend/lexer.ts";
import { fuzzOne, mutate, prng } from "./fuzz.ts";

/** Diagnostic codes that report a bug of faustlab, not of the program. */
export const BUG_CODES: ReadonlySet<string> = new Set(["FL005", "FL601", "FL613"]);

export type CaseOutcome =
  | "ok" // compiled and ran through every backend
  | "diagnostic" // rejected with catalog diagnostics only
  | "internal" // an exception, or a diagnostic naming a bug of ours
  | "mismatch" // the JavaScript and interpreter engines disagree
  | "trap"; // the wasm module trapped while rendering

export interface CaseResult {
  readonly outcome: CaseOutcome;
  /** For diagnostics: the codes, in order; for failures: a one-line signature. */
  readonly codes?: readonly string[];
  /** Error diagnostics without a span (not a failure; counted). */
  readonly unlocated?: number;
  readonly detail?: string;
  readonly ms: number;
}

export interface ChainCase {
  readonly name: string;
  readonly text: string;
}

export interface RunOptions {
  /** Samples rendered per engine (default 64). */
  readonly samples?: number;
  /** The precisions compiled (default both). */
  readonly precisions?: readonly ("single" | "double")[];
}

function sameSamples(a: readonly Float64Array[], b: readonly Float64Array[]): string | undefined {
  if (a.length !== b.length) return `${a.length} outputs against ${b.length}`;
  for (let k = 0; k < a.length; k++)
    for (let i = 0; i < a[k]!.length; i++) {
      const x = a[k]![i]!, y = b[k]![i]!;
      if (!(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)) || x === y)) return `output ${k} sample ${i}: js ${x} interp ${y}`;
    }
  return undefined;
}

function firstLine(s: string): string {
  const l = s.split("\n")[0] ?? "";
  return l.length > 200 ? l.slice(0, 200) + "…" : l;
}

function fromDiagnostics(ds: readonly Diagnostic[], t0: number): CaseResult {
  const bug = ds.find((d) => BUG_CODES.has(d.code));
  const ms = performance.now() - t0;
  if (bug) return { outcome: "internal", detail: `${bug.code}: ${firstLine(bug.message)}`, ms };
  const errors = ds.filter((d) => d.severity === "error");
  return { outcome: "diagnostic", codes: errors.map((d) => d.code), unlocated: errors.filter((d) => !d.span).length, ms };
}

/** Runs one program through the whole chain and every backend. Never throws. */
export function runChainCase(c: ChainCase, opts: RunOptions = {}): CaseResult {
  const t0 = performance.now();
  const samples = opts.samples ?? 64;
  const path = `/fuzz/${c.name.replace(/[^A-Za-z0-9_.-]/g, "_")}.dsp`;
  try {
    // The front end's own contract: recovered boxes print back to themselves.
    const fe = fuzzOne(c.name, c.text, Number.POSITIVE_INFINITY);
    if (fe) return { outcome: "internal", detail: `front end: ${firstLine(fe.problem)}`, ms: performance.now() - t0 };
    for (const double of (opts.precisions ?? ["single", "double"]).map((p) => p === "double")) {
      const m = compileFir({ text: c.text, path }, { double });
      printModule(m);
      jsSource(m);
      cSource(m, { className: "mydsp" });
      cppSource(m, { className: "mydsp" });
      const js = renderDsp(loadJs(m)(), { samples, double });
      const ip = renderDsp(interpret(m)(), { samples, double });
      const diff = sameSamples(js, ip);
      if (diff) return { outcome: "mismatch", detail: `${double ? "double" : "single"}: ${diff}`, ms: performance.now() - t0 };
      const ref = wasmReference(m);
      try {
        renderReference(ref, { samples });
      } catch (e) {
        if (e instanceof OracleError) {
          if (/trapped/.test(e.message)) return { outcome: "trap", detail: firstLine(e.message), ms: performance.now() - t0 };
          // programs the reference driver does not render (sound files): not a finding
        } else throw e;
      }
    }
    return { outcome: "ok", ms: performance.now() - t0 };
  } catch (e) {
    if (e instanceof DiagnosticError) return fromDiagnostics(e.diagnostics, t0);
    const err = e as Error;
    const what = err instanceof RangeError && /call stack/.test(err.message) ? "stack overflow" : `${err?.name ?? "Error"}: ${err?.message ?? String(e)}`;
    const at = (err?.stack ?? "").split("\n").find((l) => /^\s+at /.test(l))?.trim() ?? "";
    return { outcome: "internal", detail: firstLine(`${what} ${at}`), ms: performance.now() - t0 };
  }
}

/** The failure's signature: outcome and detail with numbers blanked, so one bug met twice is counted once. */
export function signature(r: { outcome: string; detail?: string }): string {
  return `${r.outcome}: ${(r.detail ?? "").replace(/\d+(\.\d+)?/g, "N").replace(/\/fuzz\/\S+/g, "FILE")}`;
}

// ---------------------------------------------------------------------------
// Case generation

/** The size families of issue 14, as programs of a size N. */
export const sizeFamilies: Readonly<Record<string, (n: number) => string>> = {
  sum: (n) => `process = ${Array.from({ length: Math.max(1, n) }, () => "1").join("+")};`,
  par: (n) => `process = par(i, ${n}, _);`,
  seq: (n) => `process = seq(i, ${n}, _ : +(1));`,
  dag: (n) => `process = seq(i, ${n}, _ <: _, _ :> _);`,
  with: (n) => {
    let body = "x0";
    const defs: string[] = ["x0 = _;"];
    for (let i = 1; i <= n; i++) defs.push(`x${i} = x${i - 1} : +(${i});`);
    body = `x${n}`;
    return `process = ${body} with { ${defs.join(" ")} };`;
  },
  interleave: (n) => `import("stdfaust.lib");\nprocess = par(i, ${n * 2}, _) : ro.interleave(${n}, 2) :> _;`,
  nest: (n) => `process = ${"(".repeat(n)}_${")".repeat(n)};`,
};

/** The largest size drawn per family (the limits are there so that a case takes seconds, not minutes). */
export const familyMax: Readonly<Record<string, number>> = { sum: 4000, par: 4000, seq: 2000, dag: 64, with: 1500, interleave: 200, nest: 4000 };

export interface CaseSources {
  /** Programs (corpus programs, library tests). */
  readonly programs: readonly ChainCase[];
  /** Library sources with a process line that uses them (the library's prefix removed). */
  readonly libraries: readonly ChainCase[];
}

const numberPool = ["0", "1", "2", "-1", "0.5", "3", "7", "16", "100", "1000", "44100", "4096", "1e10", "1e-10", "2.5", "-0.0", "0.999"];
const operatorPool = ["+", "-", "*", "/", "%", ":", ",", "<:", ":>", "~", "@", "'", "^", "&", "|", "<", ">", "==", "!="];
const operatorKinds = new Set([T.ADD, T.SUB, T.MUL, T.DIV, T.MOD, T.SEQ, T.PAR, T.SPLIT, T.MIX, T.REC, T.FDELAY, T.POWOP, T.AND, T.OR, T.LT, T.GT, T.EQ, T.NE]);

/**
 * Mutations that keep the program parseable more often than `mutate`'s, so
 * that the later stages see the mutants: a number replaced by another (from a
 * pool of edge values), an operator by another, an identifier by another
 * identifier of the same text. Falls back to `mutate` half of the time.
 */
export function mutateProgram(text: string, rand: () => number, count: number): { text: string; applied: string[] } {
  if (rand() < 0.5) return mutate(text, rand, count);
  let t = text;
  const applied: string[] = [];
  for (let m = 0; m < count; m++) {
    const toks = lex(new SourceFile("<fuzz>", t));
    const idx = (pred: (k: number) => boolean) => {
      const xs: number[] = [];
      for (let k = 0; k < toks.count; k++) if (pred(toks.kinds[k]!)) xs.push(k);
      return xs;
    };
    const r = rand();
    const nums = idx((k) => k === T.INT || k === T.FLOAT);
    const ops = idx((k) => operatorKinds.has(k));
    const ids = idx((k) => k === T.IDENT);
    const [pool, kind, label] =
      r < 0.5 && nums.length ? [nums, numberPool, "number"] as const
      : r < 0.75 && ops.length ? [ops, operatorPool, "operator"] as const
      : ids.length > 1 ? [ids, undefined, "ident"] as const
      : [nums, numberPool, "number"] as const;
    if (!pool.length) continue;
    const k = pool[Math.floor(rand() * pool.length)]!;
    const repl = kind
      ? kind[Math.floor(rand() * kind.length)]!
      : (() => {
          const o = pool[Math.floor(rand() * pool.length)]!;
          return t.slice(toks.starts[o]!, toks.ends[o]!);
        })();
    t = t.slice(0, toks.starts[k]!) + repl + t.slice(toks.ends[k]!);
    applied.push(label);
  }
  return { text: t, applied };
}

/**
 * The i-th case of a run with this seed: the kind rotates (program mutant,
 * library-source mutant, size family, size-family mutant); sizes are drawn
 * log-uniformly up to the family's maximum.
 */
export function fuzzCase(sources: CaseSources, seed: number, i: number): ChainCase {
  const rand = prng((seed * 1000003 + i) >>> 0);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const muts = () => 1 + Math.floor(rand() * rand() * 3);
  const r = rand();
  if (r < 0.6 && sources.programs.length) {
    const p = pick(sources.programs);
    const m = mutateProgram(p.text, rand, muts());
    return { name: `${p.name}#${i}(${m.applied.join(",")})`, text: m.text };
  }
  if (r < 0.8 && sources.libraries.length) {
    const p = pick(sources.libraries);
    const m = mutateProgram(p.text, rand, muts());
    return { name: `${p.name}#${i}(${m.applied.join(",")})`, text: m.text };
  }
  const fam = pick(Object.keys(sizeFamilies));
  const n = Math.max(1, Math.round(Math.exp(rand() * Math.log(familyMax[fam]!))));
  const text = sizeFamilies[fam]!(n);
  if (r < 0.92) return { name: `${fam}-${n}#${i}`, text };
  const m = mutateProgram(text, rand, muts());
  return { name: `${fam}-${n}#${i}(${m.applied.join(",")})`, text: m.text };
}

/**
 * A library file as a program: its text with `process` set to a library
 * test's process expression, the library's prefix (`fi.`) removed so the
 * test calls the file's own definitions.
 */
export function libraryProgram(libName: string, libText: string, testSource: string, prefix: string): string | undefined {
  const m = /^\s*process\s*=([\s\S]*?);\s*$/m.exec(testSource);
  if (!m) return undefined;
  const expr = m[1]!.replace(new RegExp(`\\b${prefix}\\.`, "g"), "");
  return `${libText}\n// ${libName} as a program\nimport("stdfaust.lib");\nprocess =${expr};\n`;
}

// ---------------------------------------------------------------------------
// Reduction

/**
 * Shrinks a failing input: deletes token ranges (halving their length) while
 * `stillFails` holds, up to `maxTrials` attempts. Returns the smallest text found.
 */
export async function reduceCase(text: string, stillFails: (t: string) => Promise<boolean>, maxTrials = 200): Promise<string> {
  let best = text;
  let trials = 0;
  const tokensOf = (t: string) => {
    const toks = lex(new SourceFile("<reduce>", t));
    const out: [number, number][] = [];
    for (let k = 0; k < toks.count - 1; k++) out.push([toks.starts[k]!, toks.ends[k]!]);
    return out;
  };
  let toks = tokensOf(best);
  for (let chunk = Math.max(1, toks.length >> 1); chunk >= 1 && trials < maxTrials; chunk >>= 1) {
    for (let k = 0; k + chunk <= toks.length && trials < maxTrials; ) {
      const cand = best.slice(0, toks[k]![0]) + best.slice(toks[k + chunk - 1]![1]);
      trials++;
      if (await stillFails(cand)) {
        best = cand;
        toks = tokensOf(best);
      } else k += chunk;
    }
  }
  return best;
}
