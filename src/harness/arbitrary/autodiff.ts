// Random differentiable signal graphs, for the autodiff properties:
//
//   arbDiffGraph(opts?) : fc.Arbitrary<DiffGraph>   roots, seeds, and the number of inputs read
//
// The same instruction-list scheme as signals.ts, restricted to operations that
// are smooth where the graph evaluates them and keep values moderate:
// averages, products with a tanh-bounded factor, divisions by 1.5 + y²,
// sin, cos, tanh, atan, exp∘tanh, log(2 + sin), sqrt(1 + x²), pow(1.5 + sin x, tanh y),
// atan2 with a positive second argument, one-sample and constant delays,
// prefix, select2 on a condition that does not depend on a seed, table reads
// at an index that does not depend on a seed, fir and stable iir filters, and
// damped recursions of one or two signals (|feedback| ≤ 0.5). The seeds are
// two sliders, or a slider and an expression of the other one (a seed is a
// node, matched by identity). With `stateless`, no delay, prefix, filter or
// recursion is generated (rad then takes its reverse sweep).

import fc from "fast-check";
import { freshRecName, sig, type Sig } from "../../core/signals/signal.ts";
import type { Instr } from "./programs.ts";

export interface DiffGraph {
  readonly roots: readonly Sig[];
  readonly seeds: readonly Sig[];
}

export interface DiffGraphOptions {
  /** Maximum number of instructions (default 24). */
  readonly maxSize?: number;
  /** No delays, filters or recursions (default false). */
  readonly stateless?: boolean;
}

const F = (v: number) => sig.float(v);
const OPS = 20;
const STATELESS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15];

export function buildDiffGraph(instrs: readonly Instr[], stateless = false): DiffGraph {
  const p0 = sig.hslider("p0", F(0.3), F(-1), F(1), F(0.001));
  const p1 = sig.hslider("p1", F(-0.7), F(-1), F(1), F(0.001));
  const x = sig.input(0);
  const exprSeed = (instrs[0]?.k ?? 0) % 3 === 0;
  const s1 = exprSeed ? sig.math1("sin", sig.mul(p1, F(1.3))) : p1;
  const cond = sig.gt(x, F(0));
  let k = 0;
  const program = (pool: Sig[], count: number): void => {
    for (let n = 0; n < count && k < instrs.length; n++) step(pool, instrs[k++]!);
  };
  const pick = (pool: Sig[], i: number) => pool[i % pool.length]!;
  const step = (pool: Sig[], ins: Instr): void => {
    const a = pick(pool, ins.a);
    const b = pick(pool, ins.b);
    const op = stateless ? STATELESS[ins.op % STATELESS.length]! : ins.op % OPS;
    switch (op) {
      case 0:
        return void pool.push(sig.mul(F(0.5), sig.add(a, b)));
      case 1:
        return void pool.push(sig.sub(a, sig.mul(F(0.5), b)));
      case 2:
        return void pool.push(sig.mul(a, sig.math1("tanh", b)));
      case 3:
        return void pool.push(sig.div(a, sig.add(F(1.5), sig.mul(b, b))));
      case 4:
        return void pool.push(sig.math1((["sin", "cos", "tanh", "atan"] as const)[ins.c % 4]!, a));
      case 5:
        return void pool.push(sig.math1("exp", sig.math1("tanh", a)));
      case 6:
        return void pool.push(sig.math1("log", sig.add(F(2), sig.math1("sin", a))));
      case 7:
        return void pool.push(sig.math1("sqrt", sig.add(F(1), sig.mul(a, a))));
      case 8:
        return void pool.push(sig.math2("pow", sig.add(F(1.5), sig.math1("sin", a)), sig.math1("tanh", b)));
      case 9:
        return void pool.push(sig.math2("atan2", a, sig.add(F(2), sig.math1("cos", b))));
      case 10:
        return void pool.push(sig.select2(cond, a, b));
      case 11: {
        // a table read at an index that no seed moves: the table read is a coefficient
        const tbl = sig.table(sig.int(8), sig.floatcast(sig.recursion(freshRecName("gen"), 1, ([r]) => [sig.add(sig.int(1), sig.delay1(r!))])[0]!));
        const idx = sig.intcast(sig.mul(sig.add(sig.math1("sin", x), F(1)), F(3.5)));
        return void pool.push(sig.mul(a, sig.mul(F(0.1), sig.rdtable(tbl, idx))));
      }
      case 12:
        return void pool.push(sig.delay1(a));
      case 13:
        return void pool.push(ins.c % 2 ? sig.delay(a, sig.int(1 + (ins.k & 3))) : sig.prefix(b, a));
      case 14:
        return void pool.push(sig.math2(ins.c % 2 ? "min" : "max", a, sig.add(b, F(3))));
      case 15:
        return void pool.push(sig.add(sig.mul(a, b), sig.math1("sin", sig.mul(a, F(2)))));
      case 16:
        return void pool.push(sig.fir(a, [sig.math1("tanh", b), F(0.25)]));
      case 17:
        return void pool.push(sig.iir(a, [sig.mul(F(0.45), sig.math1("tanh", b))]));
      case 18:
      case 19: {
        const arity = op === 18 ? 1 : 2;
        const inner = ins.c % 5;
        const projs = sig.recursion(freshRecName("r"), arity, (ps) => {
          const local = [...pool, ...ps.map((p) => sig.delay1(p))];
          program(local, inner);
          return ps.map((_, j) => {
            const drive = sig.math1("tanh", local[local.length - 1 - ((j + ins.a) % local.length)]!);
            const fb = sig.mul(sig.mul(F(0.45), sig.math1("tanh", pick(pool, ins.b + j))), sig.delay1(ps[(j + 1) % arity]!));
            return sig.add(drive, fb);
          });
        });
        return void pool.push(...projs);
      }
    }
  };
  const pool: Sig[] = [p0, s1, x, F(0.25), sig.mul(p0, x)];
  program(pool, instrs.length);
  const nroots = 1 + ((instrs[0]?.c ?? 0) % 2);
  return { roots: pool.slice(-nroots), seeds: [p0, s1] };
}

export function arbDiffGraph(opts: DiffGraphOptions = {}): fc.Arbitrary<DiffGraph> {
  const instr = fc.record({ op: fc.nat(), a: fc.nat(), b: fc.nat(), c: fc.nat(), k: fc.nat() });
  return fc.array(instr, { minLength: 1, maxLength: opts.maxSize ?? 24 }).map((is) => buildDiffGraph(is, opts.stateless ?? false));
}
