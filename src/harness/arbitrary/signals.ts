// Random well-formed signal graphs for property tests (fast-check), for this
// folder and for the tests of later passes:
//
//   arbSignalGraph(opts?) : fc.Arbitrary<Sig[]>   (the roots of a graph)
//
// A graph is built by interpreting a random list of instructions over a pool
// of signals (initially inputs and constants): constants (int, and float
// including NaN, ±0 and infinities unless `finite`), inputs, every binary
// operator, math functions, casts, delays (one-sample, constant and
// signal-driven amounts, prefix), select2, tables (rdtable and rwtable),
// waveforms, sliders and buttons, fir and iir filters, and recursion groups of 1 to 3 signals whose
// bodies read their projections through delay1 (groups may nest, and inner
// groups may read the outer group's signals). Every generated graph passes
// the verifier and can be evaluated.

import fc from "fast-check";
import type { SignalGraph } from "../../core/signals/graph.ts";
import { BINOPS, MATH1, MATH2, freshRecName, sig, type Sig } from "../../core/signals/signal.ts";

interface Instr {
  readonly op: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly i: number;
  readonly f: number;
}

export interface ArbOptions {
  /** Only finite float constants (default false). */
  readonly finite?: boolean;
  /** Maximum number of instructions (default 30). */
  readonly maxSize?: number;
  /** Number of inputs the graph may read (default 2). */
  readonly inputs?: number;
}

const OPS = 21;

export function buildGraph(instrs: readonly Instr[], inputs = 2): Sig[] {
  let k = 0;
  const program = (pool: Sig[], count: number): void => {
    for (let n = 0; n < count && k < instrs.length; n++) step(pool, instrs[k++]!);
  };
  const pick = (pool: Sig[], i: number) => pool[i % pool.length]!;
  const step = (pool: Sig[], ins: Instr): void => {
    const x = pick(pool, ins.a);
    const y = pick(pool, ins.b);
    const z = pick(pool, ins.c);
    switch (ins.op % OPS) {
      case 0:
        pool.push(sig.int(ins.i));
        break;
      case 1:
        pool.push(sig.float(ins.f));
        break;
      case 2:
        pool.push(sig.input(ins.a % Math.max(1, inputs)));
        break;
      case 3:
      case 4:
        pool.push(sig.binop(BINOPS[ins.c % BINOPS.length]!, x, y));
        break;
      case 5:
        pool.push(sig.math1(MATH1[ins.c % MATH1.length]!, x));
        break;
      case 6:
        pool.push(sig.math2(MATH2[ins.c % MATH2.length]!, x, y));
        break;
      case 7:
        pool.push(ins.c % 2 ? sig.intcast(x) : sig.floatcast(x));
        break;
      case 8:
        pool.push(sig.delay1(x));
        break;
      case 9:
        pool.push(ins.c % 2 ? sig.delay(x, sig.int(ins.i & 7)) : sig.delay(x, sig.intcast(sig.math1("abs", y))));
        break;
      case 10:
        pool.push(sig.prefix(y, x));
        break;
      case 11:
        pool.push(sig.select2(z, x, y));
        break;
      case 12: {
        const size = 1 + (ins.c % 8);
        // generators run at init without inputs: use a ramp or a constant
        const gen = ins.i % 2 ? sig.floatcast(sig.recursion(freshRecName("gen"), 1, ([r]) => [sig.add(sig.int(1), sig.delay1(r!))])[0]!) : sig.float(ins.f);
        const tbl = sig.table(sig.int(size), gen);
        pool.push(ins.a % 2 ? sig.rdtable(tbl, x) : sig.rwtable(tbl, y, z, x));
        break;
      }
      case 13:
        pool.push(sig.waveform([sig.int(ins.i), sig.float(ins.f), sig.int(ins.c)].slice(0, 1 + (ins.a % 3))));
        break;
      case 14:
        pool.push(
          ins.c % 2
            ? sig.hslider(`s${ins.a % 4}`, sig.float(ins.f), sig.float(0), sig.float(1), sig.float(0.01), { path: [{ orient: "v", label: "G" }] })
            : sig.button(`b${ins.a % 3}`, { meta: [["k", String(ins.i)]] }),
        );
        break;
      case 15:
        pool.push(sig.attach(x, sig.hbargraph("m", sig.float(0), sig.float(1), y)));
        break;
      case 16:
      case 17:
      case 18: {
        // a recursion group; its bodies are the last values of an inner program
        const arity = 1 + (ins.op % 3);
        const inner = ins.c % 6;
        const projs = sig.recursion(freshRecName("r"), arity, (ps) => {
          const local = [...pool, ...ps.map((p) => sig.delay1(p))];
          program(local, inner);
          return ps.map((_, j) => sig.add(local[local.length - 1 - ((j + ins.a) % local.length)]!, sig.mul(sig.float(0.5), sig.delay1(ps[(j + 1) % arity]!))));
        });
        pool.push(...projs);
        break;
      }
      case 19:
        pool.push(sig.ffun("sinf", "float", ["float"], [x], "<math.h>"));
        break;
      case 20: {
        // explicit filters, coefficients from the pool (any rate, any nature)
        const coefs = [y, z, sig.float(ins.f), sig.int(ins.i)].slice(0, ins.i & 3 || (ins.op & 1 ? 0 : 1));
        pool.push(ins.c % 2 && coefs.length ? sig.fir(x, coefs) : sig.iir(x, coefs));
        break;
      }
    }
  };
  const pool: Sig[] = [sig.input(0), sig.int(1), sig.float(0.25)];
  program(pool, instrs.length);
  const nroots = 1 + ((instrs[0]?.c ?? 0) % 3);
  return pool.slice(-nroots).map((s, i) => (i === 0 && (instrs[0]?.b ?? 0) % 2 ? sig.output(0, s) : s));
}

export function arbSignalGraph(opts: ArbOptions = {}): fc.Arbitrary<Sig[]> {
  const f = opts.finite ? fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }) : fc.double();
  const instr = fc.record({
    op: fc.nat(),
    a: fc.nat(),
    b: fc.nat(),
    c: fc.nat(),
    i: fc.oneof(fc.integer({ min: -8, max: 8 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
    f: fc.oneof(f, fc.constantFrom(0, 1, 0.5, -1)),
  });
  return fc.array(instr, { minLength: 1, maxLength: opts.maxSize ?? 30 }).map((is) => buildGraph(is, opts.inputs ?? 2));
}

// ---------------------------------------------------------------------------
// Graphs that give optimization passes work
//
//   arbPassGraph(opts?) : fc.Arbitrary<SignalGraph>   (inputs = opts.inputs, default 2)
//
// The same instruction-list scheme, with instructions that build the shapes
// the passes of passes/ rewrite, mixed with ordinary arithmetic:
//   - linear filters: FIR sums of gains times `x@d`, two-pole recursions
//     `y = x + a*y' + b*y''` (stable coefficients; y'' written `y@2` or `y''`);
//   - sharing: the same recursion rebuilt under another name (or with its
//     commutative operands swapped), twin nodes `a op b` / `b op a`;
//   - dead code: groups whose other signals nothing outside reads, attach
//     of a plain signal, enable/control by a constant condition;
//   - constants: `y = c*y'`, `y = y'`, `y = y' + 0`, int counters that stay
//     at 0, select2/select3 with constant selectors (also inside recursions);
//   - delays of delays (`x''`, `(x@n)@m`, `x'@n`) and of scaled signals
//     (`(k*x)@n` beside `x@m`, k a constant or a slider);
//   - int and float mixtures: int(x*64), float(i), wrapping int recursions,
//     % by a non-zero constant, shifts, bitwise operators, comparisons;
//   - controls (sliders, buttons), divisions by constants and by controls,
//     and a few math functions and tables.
// Float constants are finite and values stay moderate (damped feedback), so
// the tolerance of non-exact passes is meaningful. Every graph passes the
// verifier.

export interface PassGraphOptions {
  /** Maximum number of instructions (default 40). */
  readonly maxSize?: number;
  /** Number of inputs (default 2). */
  readonly inputs?: number;
}

interface PInstr {
  readonly op: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly k: number;
}

const GAINS = [0.5, -0.25, 0.75, 1, 2, -1, 0.125, 0.3, -0.6];
const POLES: readonly (readonly [number, number])[] = [
  [0.5, 0],
  [1.2, -0.5],
  [-0.3, 0.2],
  [0.9, 0],
  [1.8, -0.81],
  [0, -0.5],
  [0.25, 0.25],
];
const FLOATS = [0, 1, -1, 0.5, 0.25, 2, -0.75, 0.1, 3, 1e-3];
const SMALL_INTS = [0, 1, 2, 3, -1, 7, 64, -2];
const POPS = 22;

export function buildPassGraph(instrs: readonly PInstr[], inputs = 2): SignalGraph {
  let at = 0;
  // operands come mostly from the last few signals, so that most of what is built stays live
  const pick = (pool: Sig[], i: number) => pool[i % 3 === 0 ? i % pool.length : Math.max(0, pool.length - 1 - ((i >> 2) % 4))]!;
  const gain = (k: number) => sig.float(GAINS[k % GAINS.length]!);
  /** Recursions built so far, as recipes that rebuild them under another name. */
  const recipes: ((name: string, swap: boolean) => readonly Sig[])[] = [];
  const recur = (hint: string, arity: number, build: (ps: readonly Sig[], swap: boolean) => readonly Sig[]) => {
    const recipe = (name: string, swap: boolean) => sig.recursion(name, arity, (ps) => build(ps, swap));
    const projs = recipe(freshRecName(hint), false);
    recipes.push(recipe);
    return projs;
  };
  const comm = (swap: boolean, op: "add" | "mul", x: Sig, y: Sig) => (swap ? sig.binop(op, y, x) : sig.binop(op, x, y));

  const program = (pool: Sig[], count: number): void => {
    for (let n = 0; n < count && at < instrs.length; n++) {
      const here = at++;
      step(pool, instrs[here]!, here);
    }
  };
  /** The recipe each duplicating instruction chose when it first ran (a replay makes the same choice). */
  const chosen = new Map<number, ((name: string, swap: boolean) => readonly Sig[]) | undefined>();
  const step = (pool: Sig[], ins: PInstr, here: number): void => {
    const x = pick(pool, ins.a);
    const y = pick(pool, ins.b);
    const z = pick(pool, ins.c);
    switch (ins.op % POPS) {
      case 0:
        pool.push(ins.c % 3 ? sig.float(FLOATS[ins.k % FLOATS.length]!) : sig.int(SMALL_INTS[ins.k % SMALL_INTS.length]!));
        break;
      case 1:
        pool.push(sig.input(ins.k % Math.max(1, inputs)));
        break;
      case 2:
        pool.push(sig.binop((["add", "sub", "mul"] as const)[ins.c % 3]!, x, y));
        break;
      case 3: {
        // twins for cse: a op b and b op a
        const op = (["add", "mul", "eq", "ne", "and", "or", "xor", "add", "mul"] as const)[ins.c % 9]!;
        const ops = op === "and" || op === "or" || op === "xor" ? [sig.intcast(sig.mul(x, sig.float(64))), sig.intcast(sig.mul(y, sig.float(64)))] : [x, y];
        const m = ins.k % 3;
        pool.push(sig.binop(op, ops[0]!, ops[1]!), sig.binop(op, ops[1]!, ops[0]!));
        if (m === 0) pool.push(sig.sub(pool[pool.length - 1]!, pool[pool.length - 2]!));
        break;
      }
      case 4: {
        // FIR: sum of gains times x@d
        const taps = 1 + (ins.c % 4);
        let acc: Sig | undefined;
        for (let j = 0; j < taps; j++) {
          const d = (ins.k >> (3 * j)) % 6;
          const tap = d === 0 ? x : d === 1 && j % 2 ? sig.delay1(x) : sig.delay(x, sig.int(d));
          const term = sig.mul(gain(ins.b + j), tap);
          acc = acc ? sig.add(acc, term) : term;
        }
        pool.push(acc!);
        break;
      }
      case 5: {
        // two-pole recursion y = x + a*y' + b*y''
        const [pa, pb] = POLES[ins.c % POLES.length]!;
        const twice = ins.k % 2;
        const [r] = recur("iir", 1, ([p], swap) => {
          const y1 = sig.delay1(p!);
          const y2 = twice ? sig.delay(p!, sig.int(2)) : sig.delay1(sig.delay1(p!));
          let body = comm(swap, "add", x, comm(swap, "mul", sig.float(pa), y1));
          if (pb !== 0) body = comm(swap, "add", body, comm(swap, "mul", sig.float(pb), y2));
          return [body];
        });
        pool.push(r!);
        break;
      }
      case 6: {
        // a recursion rebuilt under another name (sometimes with commuted operands)
        if (!chosen.has(here)) chosen.set(here, recipes[ins.k % Math.max(1, recipes.length)]);
        const recipe = chosen.get(here);
        if (!recipe) {
          pool.push(sig.delay1(x));
          break;
        }
        const projs = recipe(freshRecName("dup"), ins.c % 2 === 1);
        pool.push(projs[ins.a % projs.length]!);
        break;
      }
      case 7: {
        // constant recursions
        const kind = ins.c % 6;
        const [r] =
          kind === 0
            ? recur("c", 1, ([p], swap) => [comm(swap, "mul", gain(ins.k), sig.delay1(p!))])
            : kind === 1
              ? recur("c", 1, ([p]) => [sig.delay1(p!)])
              : kind === 2
                ? recur("c", 1, ([p], swap) => [comm(swap, "add", sig.delay1(p!), sig.float(0))])
                : kind === 3
                  ? recur("c", 1, ([p]) => [sig.rem(sig.mul(sig.delay1(p!), sig.int(3)), sig.int(7))])
                  : kind === 4
                    ? recur("c", 1, ([p]) => [sig.select2(sig.int(ins.k % 2), sig.mul(sig.float(0.5), sig.delay1(p!)), x)])
                    : recur("c", 1, ([p]) => [sig.add(sig.int(1), sig.delay1(p!))]); // a counter: varies
        pool.push(kind === 5 ? r! : ins.a % 2 ? sig.add(x, r!) : r!);
        break;
      }
      case 8: {
        // constant selectors
        const s = ins.k % 5;
        pool.push(
          s === 0
            ? sig.select2(sig.int(ins.c % 3), x, y)
            : s === 1
              ? sig.select2(sig.float([0, 0.5, 1, -0.5][ins.c % 4]!), x, y)
              : s === 2
                ? sig.select3(sig.int(ins.c % 3), x, y, z)
                : s === 3
                  ? sig.select2(sig.gt(sig.int(ins.c % 3), sig.int(1)), x, y)
                  : sig.select2(sig.gt(x, y), x, y),
        );
        break;
      }
      case 9: {
        // a group of 2 or 3 signals of which only the first is read outside
        const arity = 2 + (ins.c % 2);
        const live = ins.k % 3 === 0; // the first body reads the others: they stay live
        const projs = recur("dead", arity, (ps, swap) =>
          ps.map((_, j) =>
            j === 0
              ? comm(swap, "add", x, comm(swap, "mul", sig.float(0.5), sig.delay1(live ? ps[1]! : ps[0]!)))
              : comm(swap, "add", sig.mul(gain(ins.k + j), sig.delay1(ps[(j + 1) % arity]!)), y),
          ),
        );
        pool.push(projs[0]!);
        break;
      }
      case 10: {
        // attach: of a plain signal (dead), or of a bargraph (kept)
        const m = ins.k % 3;
        pool.push(m === 2 ? sig.attach(x, sig.hbargraph(`m${ins.c % 2}`, sig.float(-1), sig.float(1), y)) : sig.attach(x, m ? sig.delay1(y) : y));
        break;
      }
      case 11: {
        const cond = ins.k % 4 === 0 ? sig.int(1) : ins.k % 4 === 1 ? sig.int(0) : ins.k % 4 === 2 ? sig.float(1) : sig.gt(y, sig.float(0));
        pool.push(ins.c % 2 ? sig.enable(x, cond) : sig.control(x, cond));
        break;
      }
      case 12: {
        // delays of delays
        const n = 1 + (ins.k % 4);
        const m = 1 + ((ins.k >> 2) % 4);
        const d = ins.c % 5;
        pool.push(
          d === 0
            ? sig.delay1(sig.delay1(x))
            : d === 1
              ? sig.delay(sig.delay1(x), sig.int(n))
              : d === 2
                ? sig.delay(sig.delay(x, sig.int(n)), sig.int(m))
                : d === 3
                  ? sig.delay1(sig.delay(x, sig.int(n)))
                  : sig.delay(sig.delay(sig.input(ins.b % Math.max(1, inputs)), sig.int(n)), sig.int(m)),
        );
        break;
      }
      case 13: {
        // delays of scaled signals beside delays of the signal
        const n = ins.k % 5;
        const m = (ins.k >> 3) % 5;
        // the factor: a constant, or a control (which moves: (k*x)@n is not k*(x@n) then)
        const g = ins.c % 4 === 3 ? sig.hslider(`k${ins.k % 2}`, sig.float(0.5), sig.float(-1), sig.float(1), sig.float(0)) : gain(ins.c);
        const scaled = ins.c % 2 ? sig.mul(g, x) : sig.mul(x, g);
        pool.push(sig.delay(scaled, sig.int(n)), sig.delay(x, sig.int(m)));
        if (ins.b % 2) pool.push(sig.add(pool[pool.length - 1]!, pool[pool.length - 2]!));
        break;
      }
      case 14: {
        // int and float mixtures
        const i = sig.intcast(sig.mul(x, sig.float(64)));
        const m = ins.c % 7;
        pool.push(
          m === 0
            ? i
            : m === 1
              ? sig.floatcast(sig.add(i, sig.int(SMALL_INTS[ins.k % SMALL_INTS.length]!)))
              : m === 2
                ? sig.rem(i, sig.int(1 + (ins.k % 7)))
                : m === 3
                  ? sig.binop((["shl", "ashr", "lshr"] as const)[ins.k % 3]!, i, sig.int(ins.k % 5))
                  : m === 4
                    ? sig.binop((["and", "or", "xor"] as const)[ins.k % 3]!, i, sig.int(SMALL_INTS[ins.k % SMALL_INTS.length]!))
                    : m === 5
                      ? sig.binop((["gt", "lt", "ge", "le", "eq", "ne"] as const)[ins.k % 6]!, x, y)
                      : sig.add(sig.mul(sig.float(0.5), x), i),
        );
        break;
      }
      case 15: {
        // int recursions (wrapping arithmetic)
        const [r] = recur("n", 1, ([p]) => [
          ins.c % 2 ? sig.add(sig.mul(sig.delay1(p!), sig.int(3 + (ins.k % 5))), sig.int(1)) : sig.rem(sig.add(sig.delay1(p!), sig.intcast(sig.mul(x, sig.float(8)))), sig.int(5 + (ins.k % 9))),
        ]);
        pool.push(ins.a % 2 ? sig.floatcast(r!) : r!);
        break;
      }
      case 16: {
        const m = ins.c % 8;
        pool.push(
          m === 0
            ? sig.math1("sin", x)
            : m === 1
              ? sig.math1("abs", x)
              : m === 2
                ? sig.math2(ins.k % 2 ? "min" : "max", x, y)
                : m === 3 || m === 6
                  ? sig.div(x, sig.float([2, 4, -0.5, 3, 0.3, 7, 10, -6][ins.k % 8]!))
                  : m === 4
                    ? sig.div(x, sig.add(sig.math1("abs", y), sig.float(1)))
                    : m === 7
                      ? // a divisor that moves once per block: a control (never 0)
                        sig.div(x, sig.hslider(`d${ins.k % 2}`, sig.float(1), sig.float(0.5), sig.float(4), sig.float(0)))
                      : sig.sub(sig.float(0), x),
        );
        break;
      }
      case 17: {
        const c = ins.k % 3;
        const ctl =
          c === 0
            ? sig.hslider(`s${ins.c % 3}`, sig.float(0.5), sig.float(0), sig.float(1), sig.float(0.01))
            : c === 1
              ? sig.button(`b${ins.c % 2}`)
              : sig.nentry(`n${ins.c % 2}`, sig.int(2), sig.int(0), sig.int(8), sig.int(1), { path: [{ orient: "v", label: "G" }] });
        const m = ins.a % 4;
        // a control, a signal scaled by it, or that product delayed (a moving control makes (k*x)@n differ from k*(x@n))
        pool.push(m === 0 ? ctl : m === 1 ? sig.mul(ctl, x) : sig.delay(sig.mul(x, ctl), sig.int(1 + (ins.b % 3))));
        break;
      }
      case 18:
      case 19: {
        // a general recursion group of 1 to 3 signals; bodies are an inner program over delayed projections
        const arity = 1 + (ins.c % 3);
        const inner = ins.k % 6;
        const base = pool.slice();
        const from = at;
        let replay = false;
        const projs = recur("r", arity, (ps) => {
          // a replayed recipe reads the same instructions over the same pool, then leaves the cursor where it was
          const saved = at;
          at = from;
          const local = [...base, ...ps.map((p) => sig.delay1(p))];
          program(local, inner);
          if (replay) at = saved;
          replay = true;
          return ps.map((_, j) => sig.add(local[local.length - 1 - ((j + ins.a) % local.length)]!, sig.mul(sig.float(0.5), sig.delay1(ps[(j + 1) % arity]!))));
        });
        pool.push(...projs);
        break;
      }
      case 20: {
        const m = ins.c % 3;
        pool.push(
          m === 0
            ? sig.prefix(sig.float(FLOATS[ins.k % FLOATS.length]!), x)
            : m === 1
              ? sig.delay(x, sig.rem(sig.math1("abs", sig.intcast(sig.mul(y, sig.float(8)))), sig.int(6)))
              : sig.rdtable(sig.table(sig.int(4 + (ins.k % 5)), sig.float(FLOATS[ins.k % FLOATS.length]!)), sig.intcast(sig.mul(sig.math1("abs", y), sig.float(4)))),
        );
        break;
      }
      case 21:
        pool.push(ins.c % 3 ? sig.add(x, y) : sig.div(x, ins.k % 3 ? sig.float([3, 0.3, 7, 10, -6, 1.5][ins.k % 6]!) : sig.hslider("q", sig.float(2), sig.float(1), sig.float(9), sig.float(0))));
        break;
    }
  };
  const pool: Sig[] = [sig.input(0), sig.float(0.5), sig.int(1)];
  program(pool, instrs.length);
  const first = instrs[0] ?? { op: 0, a: 0, b: 0, c: 0, k: 0 };
  const nout = 1 + (first.c % 3);
  const outputs = Array.from({ length: nout }, (_, i) => {
    const s = pool[Math.max(0, pool.length - 1 - i)]!;
    // sometimes mix in an earlier signal so that more of the pool is live
    return (first.k >> i) % 3 === 0 ? sig.add(s, pick(pool, first.a + i * 7)) : s;
  });
  return { inputs, outputs };
}

export function arbPassGraph(opts: PassGraphOptions = {}): fc.Arbitrary<SignalGraph> {
  const instr = fc.record({ op: fc.nat(1000), a: fc.nat(1000), b: fc.nat(1000), c: fc.nat(1000), k: fc.nat(1 << 20) });
  return fc.array(instr, { minLength: 2, maxLength: opts.maxSize ?? 40, size: "max" }).map((is) => buildPassGraph(is, opts.inputs ?? 2));
}
