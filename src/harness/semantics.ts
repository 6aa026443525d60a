// The semantic check of a pass: does running it keep the values of a graph
// within the bound the pass declares (`semantics` in pass.ts)?
//
//   checkPassSemantics(pass, options, graph, stimulus?) → Counterexample | undefined
//   runSemanticsCheck(…)       → the same, plus whether the pass changed the graph and why a case was skipped
//   formatCounterexample(cx)   → readable text (the graph before and after, the first differing sample)
//   arbPassOptions(pass), arbStimulus(), defaultOptions(pass)   fast-check arbitraries for the property test
//
// The check runs the pass alone through `runPipeline` with verification on
// (so a graph the verifier rejects is reported as the pass's FL705), then
// evaluates the outputs before and after with the reference evaluator
// (src/core/signals/evaluate.ts, double precision) on the same stimulus: random
// inputs and controls that move (piecewise constant, within each slider's
// range; buttons and checkboxes toggle). Comparison, per output and sample:
//   - `exact: true`: bit-identical (Object.is, except that every NaN equals
//     every NaN: -0 and +0 differ);
//   - otherwise |before - after| <= tolerance * max(1, peak of the output
//     before); NaN equals NaN, infinities equal themselves.
// `finiteOnly` restricts the promise to stimuli where every value the
// original graph computes (every node, not only the outputs) is finite and
// every float it converts to int fits in 32 bits (C leaves the others
// undefined, and Faust's constant folding saturates where the evaluator
// wraps); other cases are skipped. Exact passes get no such exemption.
//
// A pass may reject a graph only as the driver would: with a DiagnosticError
// whose code `normalize` (which the driver runs on every program) also
// raises on the original graph (folding errors such as x/0, FL520-FL523).
// Any other error — a DiagnosticError the original does not provoke, FL705
// from the verifier, FL707 for a crash — is a counterexample, as is a result
// the evaluator cannot run.

import fc from "fast-check";
import { DiagnosticError } from "../core/diagnostics.ts";
import { normalize } from "../chain/normalize/normalize.ts";
import { evaluate } from "../core/signals/evaluate.ts";
import { reachable, type SignalGraph } from "../core/signals/graph.ts";
import { printSignals } from "../core/signals/print.ts";
import { uiAddress, type Sig } from "../core/signals/signal.ts";
import { typeOf } from "../core/signals/types.ts";
import { runPipeline } from "../../passes/manager.ts";
import type { AnyPass, OptionDecl, OptionValue } from "../../passes/pass.ts";

/** What drives the graph: `samples` samples of seeded noise on every input, controls moving every `period` samples. */
export interface Stimulus {
  readonly samples: number;
  readonly seed: number;
  /** The fraction of input samples that are multiples of 1/64 (exact through int(x*64): exercises int conversions exactly on their steps). */
  readonly dyadic: number;
  /** Controls hold each value for this many samples. */
  readonly period: number;
}

export const DEFAULT_STIMULUS: Stimulus = { samples: 256, seed: 1, dyadic: 0.25, period: 37 };

export type Counterexample =
  | {
      /** The pass threw (or its result failed verification: FL705), and the original graph does not provoke that error. */
      readonly kind: "threw";
      readonly pass: string;
      readonly graph: string;
      readonly code?: string;
      readonly message: string;
    }
  | {
      /** The result could not be evaluated. */
      readonly kind: "unevaluable";
      readonly pass: string;
      readonly graph: string;
      readonly result: string;
      readonly message: string;
    }
  | {
      /** A sample outside the declared bound. */
      readonly kind: "values";
      readonly pass: string;
      readonly graph: string;
      readonly result: string;
      readonly stimulus: Stimulus;
      readonly output: number;
      readonly sample: number;
      readonly before: number;
      readonly after: number;
      /** The largest difference allowed (0: bit-identical). */
      readonly bound: number;
    };

export interface CheckOutcome {
  readonly counterexample?: Counterexample;
  /** Whether the pass changed the graph. */
  readonly changed: boolean;
  /** Why the values were not compared (the original's rejection, or values outside a finiteOnly promise). */
  readonly skipped?: string;
}

/** The value check of one pass, with these options, on one graph: a counterexample, or undefined when the promise holds. */
export function checkPassSemantics(
  pass: AnyPass,
  options: Readonly<Record<string, OptionValue>>,
  graph: SignalGraph,
  stimulus: Stimulus = DEFAULT_STIMULUS,
): Counterexample | undefined {
  return runSemanticsCheck(pass, options, graph, stimulus).counterexample;
}

/** Every option at its default. */
export function defaultOptions(pass: AnyPass): Record<string, OptionValue> {
  return Object.fromEntries(Object.entries(pass.options).map(([k, d]) => [k, d.default]));
}

/** The pipeline text of one pass with these options (for messages). */
export function instanceText(pass: AnyPass, options: Readonly<Record<string, OptionValue>>): string {
  const given = Object.keys(pass.options).filter((k) => options[k] !== undefined && options[k] !== pass.options[k]!.default);
  return given.length ? `${pass.name}<${given.map((k) => `${k}=${String(options[k])}`).join(";")}>` : pass.name;
}

const text = (g: SignalGraph) => `; inputs: ${g.inputs}\n${printSignals(g.outputs, { localGroupNames: true })}`;

export function runSemanticsCheck(
  pass: AnyPass,
  options: Readonly<Record<string, OptionValue>>,
  graph: SignalGraph,
  stimulus: Stimulus = DEFAULT_STIMULUS,
): CheckOutcome {
  const name = instanceText(pass, options);
  const full = { ...defaultOptions(pass), ...options };
  let after: SignalGraph;
  let changed: boolean;
  try {
    const run = runPipeline(graph, [{ pass, options: full, text: name }], { debug: true });
    after = run.graph;
    changed = run.records[0]!.changed;
  } catch (e) {
    const code = e instanceof DiagnosticError ? e.diagnostics[0]?.code : undefined;
    if (code !== undefined && originalRejection(graph) === code) return { changed: false, skipped: `the original graph is rejected too (${code})` };
    const message = e instanceof DiagnosticError ? e.diagnostics.map((d) => `${d.code}: ${d.message}`).join("; ") : String((e as Error)?.stack ?? e);
    return { changed: false, counterexample: { kind: "threw", pass: name, graph: text(graph), code, message } };
  }

  const inputs = stimulusInputs(graph.inputs, stimulus);
  const sem = pass.semantics;
  const moving = stimulusControls(graph.outputs, stimulus);
  // a pass whose promise assumes still controls sees each control held at the value of its first move
  const held = !sem.exact && sem.controlsHeld;
  const controls = held ? Object.fromEntries(Object.entries(moving).map(([a, f]) => [a, () => f(Math.max(1, stimulus.period))])) : moving;
  const opts = { samples: stimulus.samples, inputs, controls };
  let before: Float64Array[];
  try {
    if (!sem.exact) {
      const why = outsideDomain(graph.outputs, opts, sem.tolerance, sem.finiteOnly);
      if (why) return { changed, skipped: why };
    }
    before = evaluate(graph.outputs, opts);
  } catch (e) {
    // the original cannot be evaluated (e.g. an unknown foreign function): nothing to compare
    return { changed, skipped: `the original graph cannot be evaluated: ${(e as Error).message}` };
  }
  if (!changed) return { changed };
  let got: Float64Array[];
  try {
    got = evaluate(after.outputs, opts);
  } catch (e) {
    const message = e instanceof DiagnosticError ? e.diagnostics.map((d) => `${d.code}: ${d.message}`).join("; ") : String(e);
    return { changed, counterexample: { kind: "unevaluable", pass: name, graph: text(graph), result: text(after), message } };
  }
  for (let k = 0; k < before.length; k++) {
    const b = before[k]!;
    const a = got[k]!;
    let bound = 0;
    if (!sem.exact) {
      let peak = 1;
      for (const v of b) if (Number.isFinite(v)) peak = Math.max(peak, Math.abs(v));
      bound = sem.tolerance * peak;
    }
    for (let t = 0; t < b.length; t++) {
      const x = b[t]!;
      const y = a[t]!;
      const ok = sem.exact ? Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)) : x === y || (Number.isNaN(x) && Number.isNaN(y)) || Math.abs(x - y) <= bound;
      if (!ok)
        return {
          changed,
          counterexample: { kind: "values", pass: name, graph: text(graph), result: text(after), stimulus, output: k, sample: t, before: x, after: y, bound },
        };
    }
  }
  return { changed };
}

/** The code of the DiagnosticError the driver's normalization raises on the graph, if any. */
function originalRejection(graph: SignalGraph): string | undefined {
  try {
    normalize(graph.outputs);
    return undefined;
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostics[0]?.code;
    throw e;
  }
}

const NOT_A_VALUE = new Set(["rec", "table", "output", "soundfile"]);
const INT_OPERANDS = new Set(["shl", "ashr", "lshr", "and", "or", "xor"]);
const COMPARISONS = new Set(["gt", "lt", "ge", "le", "eq", "ne"]);

/**
 * Why the stimulus leaves the domain of a non-exact promise, or undefined:
 *   - finiteOnly: a value computed is not finite, or a float outside the int
 *     range is converted to int, or an int remainder by 0 (C leaves both
 *     undefined);
 *   - always: the original is ill-conditioned at the tolerance's scale: a
 *     discontinuous operation reads a float on, or within `tolerance`
 *     (relative) of, a point where it jumps (int conversion, floor, ceil,
 *     rint, round, remainders, comparisons, select2's selector, delay
 *     amounts, table indices, enable/control conditions, atan2, copysign):
 *     any rounding difference may send it to the other side.
 */
function outsideDomain(roots: readonly Sig[], opts: Parameters<typeof evaluate>[1], tolerance: number, finiteOnly: boolean): string | undefined {
  const nodes = reachable(roots).filter((s) => !NOT_A_VALUE.has(s.kind));
  const values = new Map<Sig, Float64Array>();
  evaluate(nodes, opts).forEach((v, i) => values.set(nodes[i]!, v));
  const isFloat = (s: Sig) => typeOf(s).nature === "float";
  const vals = (s: Sig) => values.get(s) ?? new Float64Array(0);
  if (finiteOnly) {
    for (const v of values.values()) if (!v.every(Number.isFinite)) return "a value is not finite";
    const bad = (s: Sig) => isFloat(s) && vals(s).some((v) => !(v >= -2147483648 && v < 2147483648));
    const converted = (s: Sig): readonly Sig[] =>
      s.kind === "intcast"
        ? [s.x]
        : s.kind === "select2"
          ? [s.sel]
          : s.kind === "binop" && INT_OPERANDS.has(s.op)
            ? [s.x, s.y]
            : s.kind === "delay"
              ? [s.amount]
              : s.kind === "rdtable"
                ? [s.index]
                : s.kind === "rwtable"
                  ? [s.windex, s.rindex]
                  : [];
    for (const s of nodes) {
      if (converted(s).some(bad)) return "a float outside the int range is converted to int";
      if (s.kind === "binop" && s.op === "rem" && !isFloat(s.x) && !isFloat(s.y) && vals(s.y).some((v) => v === 0)) return "an int remainder by 0";
    }
  }
  // v on or near a step: integers ("int"), integers but 0 ("trunc": conversions truncate toward 0), halves ("half")
  const near = (v: number, steps: "int" | "trunc" | "half") => {
    const w = steps === "half" ? v - 0.5 : v;
    const r = Math.round(w);
    if (steps === "trunc" && r === 0) return false;
    return Math.abs(w - r) <= tolerance * Math.max(1, Math.abs(v));
  };
  const stepAt = (x: Sig, steps: "int" | "trunc" | "half" = "trunc") => isFloat(x) && vals(x).some((v) => near(v, steps));
  const closePair = (x: Sig, y: Sig) => {
    if (!isFloat(x) && !isFloat(y)) return false;
    const a = vals(x);
    const b = vals(y);
    for (let t = 0; t < a.length; t++) {
      const d = Math.abs(a[t]! - b[t]!);
      if (d <= tolerance * Math.max(1, Math.abs(a[t]!), Math.abs(b[t]!))) return true;
    }
    return false;
  };
  for (const s of nodes) {
    let ill = false;
    switch (s.kind) {
      case "intcast":
        ill = stepAt(s.x);
        break;
      case "select2":
        ill = stepAt(s.sel);
        break;
      case "delay":
        ill = stepAt(s.amount);
        break;
      case "rdtable":
        ill = stepAt(s.index);
        break;
      case "rwtable":
        ill = stepAt(s.windex) || stepAt(s.rindex);
        break;
      case "enable":
      case "control":
        ill = isFloat(s.y) && vals(s.y).some((v) => Math.abs(v) <= tolerance);
        break;
      case "math1":
        ill = ((s.op === "floor" || s.op === "ceil") && stepAt(s.x, "int")) || ((s.op === "rint" || s.op === "round") && stepAt(s.x, "half"));
        break;
      case "math2":
        if (s.op === "fmod" || s.op === "remainder") {
          const a = vals(s.x);
          const b = vals(s.y);
          ill = (isFloat(s.x) || isFloat(s.y)) && Array.from(a).some((v, t) => near(v / b[t]!, "trunc") || (s.op === "remainder" && near(v / b[t]!, "half")));
        } else if (s.op === "atan2") {
          // atan2(a, b) jumps by 2π where a crosses 0 with b < 0
          const a = vals(s.x);
          const b = vals(s.y);
          ill = isFloat(s.x) && Array.from(a).some((v, t) => b[t]! < 0 && Math.abs(v) <= tolerance * Math.max(1, Math.abs(b[t]!)));
        }
        else if (s.op === "copysign") ill = isFloat(s.y) && vals(s.y).some((v) => Math.abs(v) <= tolerance);
        break;
      case "binop":
        if (COMPARISONS.has(s.op)) ill = closePair(s.x, s.y);
        else if (INT_OPERANDS.has(s.op)) ill = stepAt(s.x) || stepAt(s.y);
        else if (s.op === "rem" && (isFloat(s.x) || isFloat(s.y))) {
          const a = vals(s.x);
          const b = vals(s.y);
          ill = Array.from(a).some((v, t) => near(v / b[t]!, "trunc"));
        }
        break;
      default:
        break;
    }
    if (ill) return `the original is ill-conditioned: ${s.kind === "binop" || s.kind === "math1" || s.kind === "math2" ? s.op : s.kind} reads a value within the tolerance of a step`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Stimulus

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** One channel per input: seeded noise in [-1, 1], a fraction `dyadic` of the samples multiples of 1/64. */
export function stimulusInputs(count: number, st: Stimulus): Float64Array[] {
  return Array.from({ length: count }, (_, c) => {
    const r = lcg(st.seed * 7919 + c * 104729 + 17);
    const a = new Float64Array(st.samples);
    for (let t = 0; t < st.samples; t++) {
      const u = r();
      const v = 2 * r() - 1;
      a[t] = u < st.dyadic ? Math.round(v * 64) / 64 : v;
    }
    return a;
  });
}

const CONTROLS = new Set(["button", "checkbox", "hslider", "vslider", "nentry"]);

/** A moving value for every control of the graph, by address: piecewise constant over `period` samples, within the slider's range. */
export function stimulusControls(roots: readonly Sig[], st: Stimulus): Record<string, (t: number) => number> {
  const out: Record<string, (t: number) => number> = {};
  let n = 0;
  for (const s of reachable(roots)) {
    if (!CONTROLS.has(s.kind)) continue;
    const addr = uiAddress(s as never);
    if (out[addr]) continue;
    let lo = 0;
    let hi = 1;
    let init = 0;
    let step = 0;
    if (s.kind === "hslider" || s.kind === "vslider" || s.kind === "nentry") {
      const num = (x: Sig, d: number) => (x.kind === "int" || x.kind === "float" ? x.value : d);
      lo = num(s.min, 0);
      hi = num(s.max, 1);
      init = num(s.init, 0);
      step = num(s.step, 0);
    }
    const toggle = s.kind === "button" || s.kind === "checkbox";
    const k = n++;
    const values = new Map<number, number>();
    out[addr] = (t: number) => {
      const block = Math.floor(t / Math.max(1, st.period));
      if (block === 0) return init;
      let v = values.get(block);
      if (v === undefined) {
        const r = lcg(st.seed * 31 + k * 1009 + block * 65537);
        r();
        const u = r();
        v = toggle ? (u < 0.5 ? 0 : 1) : u < 0.2 ? lo : u < 0.4 ? hi : lo + (hi - lo) * r();
        if (!toggle && step > 0 && Number.isFinite(lo)) v = Math.min(hi, lo + Math.round((v - lo) / step) * step);
        values.set(block, v);
      }
      return v;
    };
  }
  return out;
}

export function formatCounterexample(cx: Counterexample): string {
  switch (cx.kind) {
    case "threw":
      return `${cx.pass} threw on a graph the driver accepts: ${cx.message}\n--- graph\n${cx.graph}`;
    case "unevaluable":
      return `${cx.pass} returned a graph the evaluator cannot run: ${cx.message}\n--- graph\n${cx.graph}--- result\n${cx.result}`;
    case "values":
      return (
        `${cx.pass} changed output ${cx.output} at sample ${cx.sample}: ${fmt(cx.before)} before, ${fmt(cx.after)} after ` +
        `(${cx.bound === 0 ? "declared exact" : `allowed difference ${cx.bound}`}; stimulus ${JSON.stringify(cx.stimulus)})\n--- graph\n${cx.graph}--- result\n${cx.result}`
      );
    default: {
      const never: never = cx;
      return never;
    }
  }
}

const fmt = (v: number) => (Object.is(v, -0) ? "-0" : String(v));

// ---------------------------------------------------------------------------
// Arbitraries for the property test

/** Random stimuli (seed and control period; `samples` fixed). */
export function arbStimulus(samples = DEFAULT_STIMULUS.samples): fc.Arbitrary<Stimulus> {
  return fc.record({ samples: fc.constant(samples), seed: fc.nat(1 << 30), dyadic: fc.constantFrom(0, 0.25), period: fc.integer({ min: 1, max: 64 }) });
}

/** Random values for one option, drawn from its declaration (range, enum values). */
export function arbOptionValue(d: OptionDecl): fc.Arbitrary<OptionValue> {
  switch (d.type) {
    case "int": {
      const lo = Math.min(d.min ?? -1000, d.default);
      const hi = Math.max(d.max ?? 1000, d.default);
      return fc.oneof(fc.constantFrom(lo, hi, d.default), fc.integer({ min: Math.max(lo, d.default - 4), max: Math.min(hi, d.default + 4) }), fc.integer({ min: lo, max: hi }));
    }
    case "float": {
      const lo = Math.min(d.min ?? -1e6, d.default);
      const hi = Math.max(d.max ?? 1e6, d.default);
      return fc.oneof(fc.constantFrom(lo, hi, d.default), fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }));
    }
    case "bool":
      return fc.boolean();
    case "enum":
      return fc.constantFrom(...d.values);
    case "string":
      return fc.oneof(fc.constant(d.default), fc.stringMatching(/^[A-Za-z0-9_.+-]{1,8}$/));
    default: {
      const never: never = d;
      return never;
    }
  }
}

/** Random options for a pass: each option drawn from its declaration unless `overrides` gives its arbitrary. */
export function arbPassOptions(pass: AnyPass, overrides: Readonly<Record<string, fc.Arbitrary<OptionValue>>> = {}): fc.Arbitrary<Record<string, OptionValue>> {
  const model: Record<string, fc.Arbitrary<OptionValue>> = {};
  for (const [k, d] of Object.entries(pass.options)) model[k] = overrides[k] ?? arbOptionValue(d);
  return fc.record(model);
}
