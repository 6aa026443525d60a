// The reference evaluator: runs a signal graph sample by sample. It is the
// semantic ground truth that property tests of passes compare against, so it
// favours clarity over speed.
//
//   evaluate(roots, { samples, inputs?, controls?, sampleRate?, foreign?, soundfiles? }) → Float64Array[]
//
// One array per root (an `output(i, x)` root gives the values of x).
// Semantics (Faust's, computed in double precision):
//   - a node of nature int (types.ts) holds a 32-bit int: + - * wrap around
//     (`|0`, Math.imul); `/` always gives a float; `%` on ints is C's truncating
//     remainder (x % 0 gives 0 here), on floats fmod; shifts and bitwise ops
//     convert operands to int32; comparisons give 0 or 1;
//   - float → int conversions (intcast, int-natured results) truncate toward zero
//     and wrap modulo 2^32, NaN gives 0 (JavaScript's ToInt32; C leaves this undefined);
//   - delays read the past (0 before time 0), `delay(x, n)` with n = int(n)
//     clamped at 0; `prefix(i, x)` is i at time 0 and x[t-1] afterwards;
//   - select2(s, a, b) is a when int(s) == 0, else b;
//   - a table is filled at init by running its generator for `size` samples;
//     indices are int(i) clamped to [0, size-1]; rwtable writes, then reads,
//     and keeps the nature of its initial content (an int table truncates the
//     values written, as Faust's does);
//   - a waveform plays its values periodically;
//   - fir(x, c) = ((c0·x[n] + c1·x[n−1]) + …) and iir(x, c) = ((x[n] − c0·y[n−1]) − c1·y[n−2]) − …
//     (0 before time 0), each + − × in the nature its lowering to add/sub/mul has;
//   - controls take `controls[address]` (a number, or a function of the sample
//     index) or their init value (0 for buttons and checkboxes); address is
//     `uiAddress()` e.g. "/Main/freq"; bargraphs pass their input through;
//   - control(x, y) is x when y != 0, else it holds its last value (0
//     initially); enable(x, y) the same (the front end gives it x·y); while
//     y == 0, x is suspended as in Faust: every node has an execution condition
//     (conditions.ts) and is computed only in the samples where it holds: a
//     suspended node keeps its value, its waveform, rwtable writes, clock domain
//     and delay line do not advance (a line of at most 16 samples counts runs,
//     a longer one is a ring over samples, as in the generated code);
//   - fconst: `foreign.consts[name]` (fSamplingFreq and SR default to the sample
//     rate), fvar: `foreign.vars[name]`, ffun: `foreign.functions[name]` or the
//     C math function of that name (sin, sinf, powf, …);
//   - `precision: "single"` rounds every float result to float32 (a single-precision program);
//   - soundfiles: `soundfiles[address]` = { rate, parts: channels[][] }, default
//     one silent part of one sample;
//   - `reverse(x)` (rad's gradient lanes over a body with state): the run is cut
//     into blocks of `blockSize` samples (default 512, the renderer's block);
//     per block of L samples from b, x is run for L samples in reversed time
//     from a zero state, each `tape(v)` inside it reading v at b+L−1−n', and
//     reverse(x)[b+n] is x's value at n' = L−1−n.
// The graph is verified first; problems and missing foreign values are
// DiagnosticErrors (FL57x).

import { DiagnosticError, diag } from "../diagnostics.ts";
import { reachable, reachableUpTo, tapesOf } from "./graph.ts";
import { conditionedSchedule, lineShape, valueSource, type Cond } from "./conditions.ts";
import { analyzeIntervals, delayAmountInterval } from "./intervals.ts";
import { satInt } from "./fold.ts";
import { cFunction, cMath1, cMath2 } from "./cmath.ts";
import { assertNever, uiAddress, type Sig, type SigOf } from "./signal.ts";
import { typeOf } from "./types.ts";
import { assertWellFormed, describe } from "./verify.ts";

export interface Soundfile {
  readonly rate: number;
  /** parts[p][channel] = samples */
  readonly parts: readonly (readonly ArrayLike<number>[])[];
}

export interface EvalOptions {
  readonly samples: number;
  readonly inputs?: readonly ArrayLike<number>[];
  readonly controls?: Readonly<Record<string, number | ((t: number) => number)>>;
  readonly sampleRate?: number;
  readonly foreign?: {
    readonly consts?: Readonly<Record<string, number>>;
    readonly vars?: Readonly<Record<string, number>>;
    readonly functions?: Readonly<Record<string, (...args: number[]) => number>>;
  };
  readonly soundfiles?: Readonly<Record<string, Soundfile>>;
  /** The block of `reverse` nodes (default 512: a compute call of the renderer). */
  readonly blockSize?: number;
  /**
   * "single": every float-natured result (inputs, constants and controls
   * included) is rounded to float32 as it is computed, as a program compiled
   * in single precision rounds it (math functions are computed in double,
   * then rounded); default "double".
   */
  readonly precision?: "double" | "single";
}

/** Internal: the values of the tapes of a reversed run. */
interface RunOptions extends EvalOptions {
  readonly tapes?: ReadonlyMap<Sig, Float64Array>;
}

const toInt = (v: number) => v | 0;
const clampIndex = (i: number, size: number) => Math.max(0, Math.min(size - 1, i | 0));
function fail(s: Sig, detail: string): never {
  throw new DiagnosticError([diag("FL573", { node: describe(s), detail })]);
}

/** Evaluates `roots` for `opts.samples` samples; one Float64Array per root. */
export function evaluate(roots: readonly Sig[], opts: EvalOptions): Float64Array[] {
  assertWellFormed(roots);
  return run(roots, opts);
}

/** Whether a node is reached from the roots without crossing into the x of a reverse or a tape. */
function inThisRun(roots: readonly Sig[]): (s: Sig) => boolean {
  const seen = reachableUpTo(roots, (s) => s.kind === "reverse" || s.kind === "tape");
  return (s) => seen.has(s);
}

/** The values of the `reverse` nodes `rs` over the whole run, block by block (see the header). */
function reversedRuns(rs: readonly SigOf<"reverse">[], opts: RunOptions): Map<Sig, Float64Array> {
  const n = opts.samples;
  const bs = Math.max(1, opts.blockSize ?? 512);
  const xs = rs.map((r) => r.x);
  const tapes = tapesOf(xs);
  const recorded = run(tapes.map((t) => t.x), { ...opts, tapes: undefined });
  const out = new Map<Sig, Float64Array>(rs.map((r) => [r, new Float64Array(n)]));
  for (let b = 0; b < n; b += bs) {
    const L = Math.min(bs, n - b);
    const slices = new Map<Sig, Float64Array>(tapes.map((t, k) => [t, Float64Array.from({ length: L }, (_, j) => recorded[k]![b + L - 1 - j]!)]));
    const ys = run(xs, { ...opts, samples: L, inputs: [], tapes: slices });
    rs.forEach((r, k) => {
      const o = out.get(r)!;
      for (let j = 0; j < L; j++) o[b + L - 1 - j] = ys[k]![j]!;
    });
  }
  return out;
}

function run(roots: readonly Sig[], opts: RunOptions): Float64Array[] {
  const m = machine(roots, opts, new Map());
  const out = roots.map(() => new Float64Array(opts.samples));
  for (let t = 0; t < opts.samples; t++) {
    m.tick();
    for (let r = 0; r < roots.length; r++) out[r]![t] = m.value(r);
  }
  return out;
}

/** A graph of one clock domain, run one tick at a time; `value(r)` is root r's value at the last tick. */
interface Machine {
  tick(): void;
  value(r: number): number;
}

/**
 * The machine of the clock domain of `roots` (the program's, or a domain's body,
 * whose `din` nodes read `bound`). Its time counts its own ticks: a body's
 * delays, recursions, tables and waveforms advance only when it runs.
 */
function machine(roots: readonly Sig[], opts: RunOptions, bound: ReadonlyMap<Sig, () => number>): Machine {
  const sr = opts.sampleRate ?? 44100;
  const sched = conditionedSchedule(roots);
  if ("cycle" in sched) fail(sched.cycle[0]!, "instantaneous cycle");
  const conds = sched.conds;
  // the nodes of this run: a reverse's x and a tape's x are run on their own (reversedRuns)
  const order = sched.order.some((s) => s.kind === "reverse" || s.kind === "tape") ? sched.order.filter(inThisRun(roots)) : sched.order;
  const slot = new Map<Sig, number>();
  order.forEach((s, k) => slot.set(s, k));
  const val = new Float64Array(order.length);
  // execution conditions: a node whose condition is false in a tick is not computed (see the header)
  const guardOf = (c: Cond): (() => boolean) | undefined => {
    if (c.length === 0) return undefined;
    const clauses = c.map((cl) => cl.map((a) => slot.get(a)!));
    return () => clauses.every((cl) => cl.some((k) => val[k] !== 0));
  };
  const guards = conds.any ? order.map((s) => guardOf(conds.exec(s))) : [];
  // the past of the nodes read in the past (their delay lines, by valueSource)
  const lines = new Map<Sig, PastLine>();
  const maxDelays = conds.any ? lineDelays(order) : new Map<Sig, number>();
  const histOf = (x0: Sig): PastLine => {
    const x = valueSource(x0);
    let h = lines.get(x);
    if (!h) {
      const conditioned = guards[slot.get(x)!] !== undefined;
      lines.set(x, (h = conditioned ? suspendedLine(lineShape(maxDelays.get(x) ?? 1), () => t) : timeLine(() => t)));
    }
    return h;
  };
  // the outputs a clock domain holds, by domain
  const holds = new Map<Sig, Float64Array>();
  const tables = new Map<Sig, Float64Array>();
  const tableOf = (tb: Sig): Float64Array => {
    let c = tables.get(tb);
    if (!c) {
      if (tb.kind !== "table" || tb.size.kind !== "int") return fail(tb, "not a table");
      c = run([tb.gen], { ...opts, samples: tb.size.value, inputs: [] })[0]!;
      tables.set(tb, c);
    }
    return c;
  };
  let t = 0;
  let reversed: Map<Sig, Float64Array> | undefined;
  const single = opts.precision === "single";
  const steps: (() => number)[] = order.map((s) => {
    const f = compile(s);
    return single && typeOf(s).nature !== "int" ? () => Math.fround(f()) : f;
  });

  function compile(s: Sig): () => number {
    const at = (c: Sig) => slot.get(c)!;
    const isInt = typeOf(s).nature === "int";
    switch (s.kind) {
      case "int":
      case "float": {
        const v = s.value;
        return () => v;
      }
      case "input": {
        const ch = opts.inputs?.[s.index];
        return ch ? () => Number(ch[t] ?? 0) : () => 0;
      }
      case "sos": {
        const y = at(s.y);
        return () => val[y]!;
      }
      case "output":
      case "attach":
      case "hbargraph":
      case "vbargraph": {
        const x = at(s.x);
        return () => val[x]!;
      }
      case "delay1": {
        const h = histOf(s.x);
        return () => h.read(1);
      }
      case "delay": {
        const h = histOf(s.x);
        const d = at(s.amount);
        const xs = at(s.x);
        return () => {
          const m = Math.max(0, toInt(val[d]!));
          // a zero delay reads x of this sample (an instantaneous edge, so x is computed already)
          if (m === 0) return val[xs]!;
          return h.read(m);
        };
      }
      case "prefix": {
        // the init value at the node's first run (the first sample unless suspended)
        const h = histOf(s.x);
        const i = at(s.init);
        let first = true;
        return () => {
          if (!first) return h.read(1);
          first = false;
          return val[i]!;
        };
      }
      case "binop": {
        const x = at(s.x);
        const y = at(s.y);
        const op = s.op;
        switch (op) {
          case "add":
            return isInt ? () => (val[x]! + val[y]!) | 0 : () => val[x]! + val[y]!;
          case "sub":
            return isInt ? () => (val[x]! - val[y]!) | 0 : () => val[x]! - val[y]!;
          case "mul":
            return isInt ? () => Math.imul(val[x]!, val[y]!) : () => val[x]! * val[y]!;
          case "div":
            return () => val[x]! / val[y]!;
          case "rem":
            return isInt ? () => (val[y]! === 0 ? 0 : (val[x]! % val[y]!) | 0) : () => val[x]! % val[y]!;
          case "shl":
            return () => toInt(val[x]!) << toInt(val[y]!);
          case "ashr":
            return () => toInt(val[x]!) >> toInt(val[y]!);
          case "lshr":
            return () => (toInt(val[x]!) >>> toInt(val[y]!)) | 0;
          case "and":
            return () => toInt(val[x]!) & toInt(val[y]!);
          case "or":
            return () => toInt(val[x]!) | toInt(val[y]!);
          case "xor":
            return () => toInt(val[x]!) ^ toInt(val[y]!);
          case "gt":
            return () => (val[x]! > val[y]! ? 1 : 0);
          case "lt":
            return () => (val[x]! < val[y]! ? 1 : 0);
          case "ge":
            return () => (val[x]! >= val[y]! ? 1 : 0);
          case "le":
            return () => (val[x]! <= val[y]! ? 1 : 0);
          case "eq":
            return () => (val[x]! === val[y]! ? 1 : 0);
          case "ne":
            return () => (val[x]! !== val[y]! ? 1 : 0);
          default:
            return assertNever(op);
        }
      }
      case "math1": {
        const x = at(s.x);
        const f = s.op === "abs" && isInt ? (a: number) => Math.abs(a) | 0 : cMath1(s.op);
        return () => f(val[x]!);
      }
      case "math2": {
        const x = at(s.x);
        const y = at(s.y);
        const f = cMath2(s.op);
        return () => f(val[x]!, val[y]!);
      }
      case "intcast": {
        const x = at(s.x);
        return () => toInt(val[x]!);
      }
      case "floatcast": {
        const x = at(s.x);
        return () => val[x]!;
      }
      case "select2": {
        const c = at(s.sel);
        const a = at(s.a);
        const b = at(s.b);
        return () => (toInt(val[c]!) === 0 ? val[a]! : val[b]!);
      }
      case "table":
        return () => 0;
      case "rdtable": {
        const content = tableOf(s.table);
        const i = at(s.index);
        return () => content[clampIndex(val[i]!, content.length)]!;
      }
      case "rwtable": {
        const content = Float64Array.from(tableOf(s.table));
        const intTable = typeOf(s.table).nature === "int";
        const wi = at(s.windex);
        const wv = at(s.wvalue);
        const ri = at(s.rindex);
        return () => {
          // the table keeps its initial content's nature (Faust's): an int table truncates what is written
          content[clampIndex(val[wi]!, content.length)] = intTable ? toInt(val[wv]!) : val[wv]!;
          return content[clampIndex(val[ri]!, content.length)]!;
        };
      }
      case "waveform": {
        const values = s.values.map((v) => (v.kind === "int" || v.kind === "float" ? v.value : 0));
        let k = 0;
        return () => {
          const v = values[k]!;
          k = (k + 1) % values.length;
          return v;
        };
      }
      case "fconst": {
        const v = opts.foreign?.consts?.[s.name] ?? (s.name === "fSamplingFreq" || s.name === "SR" ? sr : undefined);
        if (v === undefined) return fail(s, `no value for foreign constant '${s.name}'`);
        const w = s.type === "int" ? toInt(v) : v;
        return () => w;
      }
      case "fvar": {
        const v = opts.foreign?.vars?.[s.name];
        if (v === undefined) return fail(s, `no value for foreign variable '${s.name}'`);
        const w = s.type === "int" ? toInt(v) : v;
        return () => w;
      }
      case "ffun": {
        const f = opts.foreign?.functions?.[s.name] ?? cFunction(s.name);
        if (!f) return fail(s, `no implementation for foreign function '${s.name}'`);
        const args = s.args.map(at);
        return isInt ? () => toInt(f(...args.map((a) => val[a]!))) : () => f(...args.map((a) => val[a]!));
      }
      case "button":
      case "checkbox":
        return control(s, 0);
      case "hslider":
      case "vslider":
      case "nentry":
        return control(s, s.init.kind === "int" || s.init.kind === "float" ? s.init.value : 0);
      case "soundfile":
        return () => 0;
      case "sflength":
      case "sfrate":
      case "sfbuffer": {
        const sf = s.sf.kind === "soundfile" ? opts.soundfiles?.[uiAddress(s.sf)] : undefined;
        const file: Soundfile = sf ?? { rate: sr, parts: [[[0]]] };
        const part = at(s.part);
        const partOf = () => file.parts[clampIndex(val[part]!, file.parts.length)]!;
        if (s.kind === "sflength") return () => partOf()[0]?.length ?? 0;
        if (s.kind === "sfrate") return () => file.rate;
        const chan = at(s.chan);
        const idx = at(s.index);
        return () => {
          const p = partOf();
          const ch = p[clampIndex(val[chan]!, p.length)];
          return ch && ch.length ? Number(ch[clampIndex(val[idx]!, ch.length)]) : 0;
        };
      }
      case "enable":
      case "control": {
        const x = at(s.x);
        const y = at(s.y);
        let last = 0;
        return () => (val[y]! !== 0 ? (last = val[x]!) : last);
      }
      case "fir": {
        // ((c0·x[n] + c1·x[n−1]) + c2·x[n−2]) + …, each operation with the nature
        // its lowering (add/mul nodes) has: int only while x and the coefficients so far are int
        const xs = at(s.x);
        const h = histOf(s.x);
        const cs = s.coefs.map(at);
        const xInt = typeOf(s.x).nature === "int";
        const prodInt = s.coefs.map((c) => xInt && typeOf(c).nature === "int");
        const sumInt = prodInt.map((_, k) => prodInt.slice(0, k + 1).every(Boolean));
        const prod = (k: number, xv: number) => (prodInt[k] ? Math.imul(val[cs[k]!]!, xv) : val[cs[k]!]! * xv);
        return () => {
          let acc = prod(0, val[xs]!);
          for (let k = 1; k < cs.length; k++) {
            const p = prod(k, h.read(k));
            acc = sumInt[k] ? (acc + p) | 0 : acc + p;
          }
          return acc;
        };
      }
      case "iir": {
        // ((x[n] − c0·y[n−1]) − c1·y[n−2]) − …, in the node's nature
        const xs = at(s.x);
        const cs = s.coefs.map(at);
        // its own past: the line of its lowering's recursion
        const yh = guards[slot.get(s)!] ? suspendedLine(lineShape(cs.length), () => t) : timeLine(() => t);
        return () => {
          let acc = val[xs]!;
          for (let k = 1; k <= cs.length; k++) {
            const yk = yh.read(k);
            acc = isInt ? (acc - Math.imul(val[cs[k - 1]!]!, yk)) | 0 : acc - val[cs[k - 1]!]! * yk;
          }
          yh.record(acc);
          return acc;
        };
      }
      case "reverse": {
        // every reverse node of this run at once (they share their tapes)
        reversed ??= reversedRuns(order.filter((r): r is SigOf<"reverse"> => r.kind === "reverse"), opts);
        const v = reversed.get(s)!;
        return () => v[t]!;
      }
      case "tape": {
        const v = opts.tapes?.get(s);
        if (!v) return fail(s, "a tape outside the x of a reverse node");
        return () => v[t]!;
      }
      case "clocked":
        return clockDomain(s, at);
      case "clockout": {
        const held = holds.get(s.domain);
        if (!held) return fail(s, "its clock domain is not computed before it");
        const i = s.index;
        return () => held[i]!;
      }
      case "din": {
        const f = bound.get(s);
        if (!f) return fail(s, "a value of a clock domain's body read outside the body");
        return f;
      }
      case "rec":
        return () => 0;
      case "proj": {
        const b = at(s.group.bodies[s.index]!);
        return () => val[b]!;
      }
      default:
        return assertNever(s);
    }
  }

  function control(s: SigOf<"button" | "checkbox" | "hslider" | "vslider" | "nentry">, init: number): () => number {
    const c = opts.controls?.[uiAddress(s)];
    if (typeof c === "function") return () => c(t);
    const v = c ?? init;
    return () => v;
  }

  /**
   * A clock domain: each tick, runs its body max(0, int(clock)) times (ondemand,
   * upsampling: the block inputs reach only the last run, 0 before it) or once
   * when the clock is not 0 and a counter, advanced modulo the clock each tick,
   * is 0 (downsampling); keeps the body's last outputs (0 before the first run).
   */
  function clockDomain(s: SigOf<"clocked">, at: (c: Sig) => number): () => number {
    const clock = at(s.clock);
    const ins = s.ins.map(at);
    const current = new Float64Array(ins.length);
    const dins = new Map<Sig, () => number>();
    for (const d of reachable(s.outs, true)) {
      if (d.kind !== "din") continue;
      const k = d.index;
      if (k >= ins.length || s.ins[k] !== d.x) return fail(d, `not the value ${k} of its clock domain`);
      dins.set(d, () => current[k]!);
    }
    const body = machine(s.outs, opts, dins);
    const held = new Float64Array(s.outs.length);
    holds.set(s, held);
    const pad = s.mode === "upsampling" ? s.inputs : 0;
    let counter = 0;
    return () => {
      const h = toInt(val[clock]!);
      let runs: number;
      if (s.mode === "downsampling") {
        runs = h !== 0 && counter === 0 ? 1 : 0;
        counter = h === 0 ? 0 : (counter + 1) % h;
      } else runs = Math.max(0, h);
      for (let k = 0; k < runs; k++) {
        const last = k === runs - 1;
        for (let j = 0; j < ins.length; j++) current[j] = j < pad && !last ? 0 : val[ins[j]!]!;
        body.tick();
        for (let i = 0; i < held.length; i++) held[i] = body.value(i);
      }
      return 0;
    };
  }

  const rootSlots = roots.map((r) => slot.get(r.kind === "output" ? r.x : r)!);
  const histSlots = [...lines.entries()].map(([s, h]) => [slot.get(s)!, h] as const);
  const ran = new Uint8Array(order.length).fill(1);
  return {
    tick() {
      if (guards.length)
        for (let k = 0; k < steps.length; k++) {
          const g = guards[k];
          if (g && !g()) ran[k] = 0;
          else {
            ran[k] = 1;
            val[k] = steps[k]!();
          }
        }
      else for (let k = 0; k < steps.length; k++) val[k] = steps[k]!();
      for (const [k, h] of histSlots) if (ran[k]) h.record(val[k]!);
      t++;
    },
    value: (r) => val[rootSlots[r]!]!,
  };
}

/** The past of a node: `read(m)` its value m ≥ 1 samples back (0 before it), `record(v)` at the end of a tick where it was computed. */
interface PastLine {
  read(m: number): number;
  record(v: number): void;
}

/** A node computed every tick: its values by tick. */
function timeLine(now: () => number): PastLine {
  const h: number[] = [];
  return {
    read: (m) => (now() - m >= 0 ? h[now() - m]! : 0),
    record: (v) => void (h[now()] = v),
  };
}

/**
 * A node that may be suspended, with the delay line the generated code has
 * (conditions.ts): a shifted array counts its runs (a read m back is the
 * value m runs back, m at most the line's delay), a ring is indexed by ticks.
 */
function suspendedLine(shape: { ring: boolean; size: number }, now: () => number): PastLine {
  if (shape.ring) {
    const ring = new Float64Array(shape.size);
    const mask = shape.size - 1;
    return {
      read: (m) => ring[(now() - m) & mask]!,
      record: (v) => void (ring[now() & mask] = v),
    };
  }
  const h: number[] = [];
  const max = shape.size - 1;
  return {
    read: (m) => {
      const k = h.length - Math.min(m, max);
      return k >= 0 ? h[k]! : 0;
    },
    record: (v) => void h.push(v),
  };
}

/** The largest delay each node (by valueSource) is read with in `order`: the size of its line in the generated code. */
function lineDelays(order: readonly Sig[]): Map<Sig, number> {
  const out = new Map<Sig, number>();
  const note = (x: Sig, d: number) => {
    const v = valueSource(x);
    out.set(v, Math.max(out.get(v) ?? 0, d));
  };
  const variable: SigOf<"delay">[] = [];
  for (const s of order) {
    if (s.kind === "delay1" || s.kind === "prefix") note(s.x, 1);
    else if (s.kind === "fir") note(s.x, s.coefs.length - 1);
    else if (s.kind === "delay") {
      if (s.amount.kind === "int") note(s.x, Math.max(0, s.amount.value));
      else variable.push(s);
    }
  }
  if (variable.length) {
    const itvs = analyzeIntervals(variable.map((s) => s.amount));
    for (const s of variable) {
      const a = delayAmountInterval(s.amount, itvs);
      note(s.x, Number.isFinite(a.hi) ? Math.max(0, satInt(a.hi)) : 2 ** 31 - 1);
    }
  }
  return out;
}
