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
// waveforms, sliders and buttons, and recursion groups of 1 to 3 signals whose
// bodies read their projections through delay1 (groups may nest, and inner
// groups may read the outer group's signals). Every generated graph passes
// the verifier and can be evaluated.

import fc from "fast-check";
import { BINOPS, MATH1, MATH2, freshRecName, sig, type Sig } from "./signal.ts";

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

const OPS = 20;

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
