// Random arithmetic signal graphs for the property tests of this folder.
//
//   arbArith(mode, opts?) : fc.Arbitrary<Sig[]>
//
// Modes:
//   "int"     int-natured graphs: small and extreme int constants, inputs
//             scaled to ints (int(in * 64)), + - * (wrapping), % by a non-zero
//             constant, shifts by 0..31, & | ^, comparisons, select2, delays
//             (one-sample, constant, signal-driven), recursion groups.
//   "float"   float graphs whose operations are continuous: dyadic constants,
//             inputs, + - *, / by a non-zero constant, min, max, abs, delays,
//             select2 driven by comparisons of inputs, recursion groups with
//             damped feedback, casts of int sub-graphs. No comparison or cast
//             ever reads a computed float, so rounding differences of a
//             reassociation stay small.
//   "closed"  constant expressions (no inputs, delays or recursion): every
//             operator and math function on int and float constants (ints small
//             or extreme), select2, casts. Folding errors (x/0, sqrt(-1)) may
//             occur: tests must accept FL52x there.
// `round` is never generated: Faust folds round(c) with rint(c) (see README).

import fc from "fast-check";
import { BINOPS, MATH1, MATH2, freshRecName, sig, type Sig } from "../../core/signals/signal.ts";

export type ArithMode = "int" | "float" | "closed";

/** One random instruction of the instruction-list generators. */
export interface Instr {
  readonly op: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly k: number;
}

const DYADIC = (k: number) => ((k % 129) - 64) / 4; // multiples of 1/4 in [-16, 16]
const EXTREME_INTS = [2147483647, -2147483648, 65536, -65536, 46341];

function build(mode: ArithMode, instrs: readonly Instr[]): Sig[] {
  let at = 0;
  const pick = (pool: Sig[], i: number) => pool[i % pool.length]!;
  const intConst = (k: number) => (k % 7 === 0 ? sig.int(EXTREME_INTS[k % EXTREME_INTS.length]!) : sig.int((k % 17) - 8));
  const nonZero = (k: number) => sig.int(((k % 8) + 1) * (k % 2 ? -1 : 1));
  const intInput = (i: number) => sig.intcast(sig.mul(sig.input(i % 2), sig.float(64)));
  const floatDiv = (k: number) => sig.float([2, 4, 0.5, -2, 3, 0.25][k % 6]!);

  const stepInt = (pool: Sig[], ins: Instr) => {
    const x = pick(pool, ins.a);
    const y = pick(pool, ins.b);
    switch (ins.op % 14) {
      case 0:
        return intConst(ins.k);
      case 1:
        return intInput(ins.k);
      case 2:
        return sig.add(x, y);
      case 3:
        return sig.sub(x, y);
      case 4:
        return sig.mul(x, y);
      case 5:
        return sig.rem(x, nonZero(ins.k));
      case 6:
        return sig.binop((["shl", "ashr", "lshr"] as const)[ins.c % 3]!, x, sig.int(ins.k % 32));
      case 7:
        return sig.binop((["and", "or", "xor"] as const)[ins.c % 3]!, x, ins.k % 2 ? y : intConst(ins.k));
      case 8:
        return sig.binop((["gt", "lt", "ge", "le", "eq", "ne"] as const)[ins.c % 6]!, x, y);
      case 9:
        return sig.select2(pick(pool, ins.c), x, y);
      case 10:
        return ins.c % 2 ? sig.delay1(x) : sig.delay(x, sig.int(ins.k % 5));
      case 11:
        return sig.delay(x, sig.rem(sig.math1("abs", y), sig.int(5)));
      case 12:
        return sig.mul(intConst(ins.k), sig.delay1(sig.mul(nonZero(ins.c), x)));
      default:
        return undefined;
    }
  };

  const stepFloat = (pool: Sig[], ins: Instr) => {
    const x = pick(pool, ins.a);
    const y = pick(pool, ins.b);
    switch (ins.op % 14) {
      case 0:
        return sig.float(DYADIC(ins.k));
      case 1:
        return sig.input(ins.k % 2);
      case 2:
        return sig.add(x, y);
      case 3:
        return sig.sub(x, y);
      case 4:
        return sig.mul(x, y);
      case 5:
        return sig.div(x, floatDiv(ins.k));
      case 6:
        return sig.math2(ins.c % 2 ? "min" : "max", x, y);
      case 7:
        return sig.math1("abs", x);
      case 8:
        return ins.c % 2 ? sig.delay1(x) : sig.delay(x, sig.int(ins.k % 5));
      case 9:
        return sig.select2(sig.gt(sig.input(ins.k % 2), sig.float(DYADIC(ins.c) / 16)), x, y);
      case 10:
        return sig.floatcast(sig.add(intInput(ins.k), sig.int((ins.c % 9) - 4)));
      case 11:
        return sig.mul(sig.float(DYADIC(ins.k)), sig.delay1(sig.mul(sig.float(DYADIC(ins.c)), x)));
      case 12:
        return sig.sub(sig.float(0), x);
      default:
        return undefined;
    }
  };

  const stepClosed = (pool: Sig[], ins: Instr) => {
    const x = pick(pool, ins.a);
    const y = pick(pool, ins.b);
    switch (ins.op % 9) {
      case 0:
        return intConst(ins.k);
      case 1:
        return sig.float(ins.k % 3 ? DYADIC(ins.k) : ((ins.k % 1000) - 500) / 7.3);
      case 2:
      case 3:
        return sig.binop(BINOPS[ins.c % BINOPS.length]!, x, y);
      case 4: {
        const op = MATH1.filter((m) => m !== "round")[ins.c % (MATH1.length - 1)]!;
        return sig.math1(op, x);
      }
      case 5:
        return sig.math2(MATH2[ins.c % MATH2.length]!, x, y);
      case 6:
        return sig.floatcast(x);
      case 7:
        return sig.intcast(sig.float(DYADIC(ins.k) * 100));
      case 8:
        return sig.select2(pick(pool, ins.c), x, y);
      default:
        return undefined;
    }
  };

  const step = mode === "int" ? stepInt : mode === "float" ? stepFloat : stepClosed;
  const program = (pool: Sig[], count: number): void => {
    for (let n = 0; n < count && at < instrs.length; n++) {
      const ins = instrs[at++]!;
      if (mode !== "closed" && ins.op % 14 === 13) {
        // a recursion group of one or two signals; bodies read the projections through delay1
        const arity = 1 + (ins.c % 2);
        const projs = sig.recursion(freshRecName("n"), arity, (ps) => {
          const local = [...pool, ...ps.map((p) => sig.delay1(p))];
          program(local, ins.k % 4);
          return ps.map((p, j) => {
            const last = local[local.length - 1 - ((j + ins.a) % local.length)]!;
            // damped feedback in float mode keeps values moderate
            return mode === "float" ? sig.add(last, sig.mul(sig.float(0.5), sig.delay1(p))) : sig.add(last, sig.delay1(p));
          });
        });
        pool.push(...projs);
        continue;
      }
      const s = step(pool, ins);
      if (s) pool.push(s);
    }
  };
  const pool: Sig[] = mode === "int" ? [intInput(0), sig.int(1)] : mode === "float" ? [sig.input(0), sig.float(0.5)] : [sig.int(3), sig.float(0.75)];
  program(pool, instrs.length);
  const n = 1 + ((instrs[0]?.c ?? 0) % 3);
  return pool.slice(-n);
}

export function arbArith(mode: ArithMode, opts: { maxSize?: number } = {}): fc.Arbitrary<Sig[]> {
  const instr = fc.record({ op: fc.nat(1000), a: fc.nat(1000), b: fc.nat(1000), c: fc.nat(1000), k: fc.nat(100000) });
  return fc.array(instr, { minLength: 4, maxLength: opts.maxSize ?? 40, size: "max" }).map((is) => build(mode, is));
}
