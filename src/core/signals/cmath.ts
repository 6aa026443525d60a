// The math primitives of the signal IR with C semantics, in double precision:
// the one definition that every engine (the reference evaluator, the FIR
// interpreter, the JS backend's runtime, constant folding, the reference
// compiler's wasm imports) uses, so they cannot drift apart.
//
// Where C and JavaScript differ: round() rounds halves away from zero,
// rint() to even, remainder() is IEEE's (exact, ties to even), copysign()
// reads the sign bit (of -0 and of NaN too), isinf(NaN) is false, fmin/fmax
// ignore a NaN argument. fmod is JavaScript's `%`, which is C's fmod.

import { assertNever, type Math1Op, type Math2Op } from "./signal.ts";

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** The sign bit of a double (true for -0 and for negative NaNs). */
export function signBit(x: number): boolean {
  f64[0] = x;
  return u32[1]! >>> 31 === 1;
}

/** C round(): halfway cases away from zero; keeps the sign of zero. */
export function cRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

/** C rint() in the default rounding mode: halfway cases to even. */
export function cRint(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  const d = Math.abs(x - t);
  if (d > 0.5 || (d === 0.5 && t % 2 !== 0)) return t + Math.sign(x);
  return t === 0 ? (signBit(x) ? -0 : 0) : t;
}

/** C remainder(): x - n*y with n = x/y rounded to nearest, ties to even, computed exactly. */
export function cRemainder(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y) || !Number.isFinite(x) || y === 0) return NaN;
  if (!Number.isFinite(y)) return x;
  const ay = Math.abs(y);
  const ax = Math.abs(x);
  let r: number;
  let odd: boolean;
  const twice = 2 * ay;
  if (Number.isFinite(twice)) {
    r = ax % twice; // exact
    odd = r >= ay;
    if (odd) r -= ay; // exact: ay <= r < 2ay
  } else {
    odd = ax >= ay;
    r = odd ? ax - ay : ax;
  }
  if (r > ay / 2 || (r === ay / 2 && odd)) r -= ay;
  const res = x < 0 || Object.is(x, -0) ? -r : r;
  return res === 0 ? (signBit(x) ? -0 : 0) : res;
}

/** C copysign(): the magnitude of x with the sign bit of y. */
export function cCopysign(x: number, y: number): number {
  return signBit(y) ? -Math.abs(x) : Math.abs(x);
}

/** C isinf(): 1 only for ±∞ (NaN is not infinite). */
export function cIsinf(x: number): number {
  return x === Infinity || x === -Infinity ? 1 : 0;
}

export function cIsnan(x: number): number {
  return Number.isNaN(x) ? 1 : 0;
}

/** C fmax(): a NaN argument yields the other one. */
export function cFmax(x: number, y: number): number {
  if (Number.isNaN(x)) return y;
  if (Number.isNaN(y)) return x;
  return Math.max(x, y);
}

/** C fmin(): a NaN argument yields the other one. */
export function cFmin(x: number, y: number): number {
  if (Number.isNaN(x)) return y;
  if (Number.isNaN(y)) return x;
  return Math.min(x, y);
}

/** The run-time function of a unary primitive on doubles. */
export function cMath1(op: Math1Op): (x: number) => number {
  switch (op) {
    case "abs":
      return Math.abs;
    case "exp10":
      return (x) => 10 ** x;
    case "rint":
      return cRint;
    case "round":
      return cRound;
    case "isnan":
      return cIsnan;
    case "isinf":
      return cIsinf;
    case "acos":
    case "asin":
    case "atan":
    case "ceil":
    case "cos":
    case "exp":
    case "floor":
    case "log":
    case "log10":
    case "sin":
    case "sqrt":
    case "tan":
    case "acosh":
    case "asinh":
    case "atanh":
    case "cosh":
    case "sinh":
    case "tanh":
      return Math[op];
    default:
      return assertNever(op);
  }
}

/**
 * The run-time function of a binary primitive on doubles. `min`/`max` are
 * Faust's, which its backends emit as comparisons (`a < b ? a : b`) or C's
 * fmin/fmax; on NaN-free values they agree, and JavaScript's Math.min/max is
 * what the reference's wasm imports use, so that is kept here.
 */
export function cMath2(op: Math2Op): (x: number, y: number) => number {
  switch (op) {
    case "atan2":
      return Math.atan2;
    case "pow":
      return Math.pow;
    case "fmod":
      return (x, y) => x % y;
    case "remainder":
      return cRemainder;
    case "min":
      return Math.min;
    case "max":
      return Math.max;
    case "copysign":
      return cCopysign;
    default:
      return assertNever(op);
  }
}

const byName: Readonly<Record<string, (...a: number[]) => number>> = {
  fabs: Math.abs,
  fmod: (a, b) => a % b,
  exp10: (a) => 10 ** a,
  rint: cRint,
  round: cRound,
  remainder: cRemainder,
  copysign: cCopysign,
  fmin: cFmin,
  fmax: cFmax,
  isnan: cIsnan,
  isinf: cIsinf,
};

/**
 * A function of the C math library by name, in any precision variant
 * (`sin`, `sinf`, `sinl`, `fabs`, `fmodf`, …), for foreign functions; undefined
 * when neither C's extras nor JavaScript's Math has it.
 */
export function cFunction(name: string): ((...a: number[]) => number) | undefined {
  const base = name.replace(/[fl]$/, "");
  const math = Math as unknown as Record<string, unknown>;
  const f = byName[name] ?? byName[base] ?? math[name] ?? math[base];
  return typeof f === "function" ? (f as (...a: number[]) => number) : undefined;
}
