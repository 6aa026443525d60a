// Constant folding with Faust's numeric semantics (double precision, 32-bit
// wrapping ints). Used by normalize.ts; usable alone.
//
//   foldBinop(op, a, b)        both constants → the folded constant (throws FL520/FL521 on / or % by 0)
//   foldMath1(op, a)           one constant → folded (FL523 when Faust reports "out of domain")
//   foldMath2(op, a, b)        two constants → folded (FL521 fmod by 0, FL522 remainder by 0)
//   foldIntcast(a), foldFloatcast(a)
//   satInt(x)                  Faust's float → int conversion of constants: truncation, saturated to int32, NaN → 0
//   natureOfConst(c)
//
// Result natures follow this project's typing (src/core/signals/types.ts): `/` is
// always float, comparisons/shifts/bitwise ops are int, math functions are
// float except abs (argument's nature), isnan/isinf (int), min/max (join).
// Two Faust quirks are NOT reproduced because the typing disagrees (see README):
// Faust keeps an exact int/int division an int (`6/3` → int 2) and folds
// pow(int, int) to an int.

import { cMath1, cMath2, cRint } from "./cmath.ts";
import { DiagnosticError, diag } from "../diagnostics.ts";
import { assertNever, sig, type BinOp, type Math1Op, type Math2Op, type Nature, type Sig, type SigOf } from "./signal.ts";

export type Const = SigOf<"int"> | SigOf<"float">;

export const natureOfConst = (c: Const): Nature => (c.kind === "int" ? "int" : "float");

/** Faust's conversion of a constant double to int: truncation toward zero, saturated to the int32 range; NaN gives 0. */
export function satInt(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x >= 2147483647) return 2147483647;
  if (x <= -2147483648) return -2147483648;
  return Math.trunc(x) | 0;
}

const mk = (nature: Nature, v: number): Const => (nature === "int" ? sig.int(v) : sig.float(v));

/** `a op b` as printed in Faust's folding errors (`7 / 0`). */
function show(a: Const, op: string, b: Const): string {
  return `${fmt(a)} ${op} ${fmt(b)}`;
}
export function fmt(c: Const): string {
  return c.kind === "int" ? String(c.value) : String(c.value);
}

const OP_TEXT: Record<BinOp, string> = {
  add: "+", sub: "-", mul: "*", div: "/", rem: "%", shl: "<<", ashr: ">>", lshr: ">>>",
  gt: ">", lt: "<", ge: ">=", le: "<=", eq: "==", ne: "!=", and: "&", or: "|", xor: "^",
};
export const opText = (op: BinOp): string => OP_TEXT[op];

/** Folds `a op b` on two constants. */
export function foldBinop(op: BinOp, a: Const, b: Const): Const {
  const ints = a.kind === "int" && b.kind === "int";
  const x = a.value;
  const y = b.value;
  // operands of the integer-only operators: ints as they are, floats converted like int()
  const ix = a.kind === "int" ? x : satInt(x);
  const iy = b.kind === "int" ? y : satInt(y);
  switch (op) {
    case "add":
      return ints ? sig.int((x + y) | 0) : sig.float(x + y);
    case "sub":
      return ints ? sig.int((x - y) | 0) : sig.float(x - y);
    case "mul":
      return ints ? sig.int(Math.imul(x, y)) : sig.float(x * y);
    case "div":
      // Faust rejects a constant division by zero (int or float) at compile time
      if (y === 0) throw new DiagnosticError([diag("FL520", { expr: show(a, "/", b) })]);
      return sig.float(x / y);
    case "rem":
      if (y === 0) throw new DiagnosticError([diag("FL521", { expr: show(a, "%", b) })]);
      // ints: C's truncating remainder; floats: fmod (JS % is both)
      return ints ? sig.int((x % y) | 0) : sig.float(x % y);
    case "shl":
      return sig.int(ix << iy);
    case "ashr":
      return sig.int(ix >> iy);
    case "lshr":
      return sig.int((ix >>> iy) | 0);
    case "and":
      return sig.int(ix & iy);
    case "or":
      return sig.int(ix | iy);
    case "xor":
      return sig.int(ix ^ iy);
    case "gt":
      return sig.int(x > y ? 1 : 0);
    case "lt":
      return sig.int(x < y ? 1 : 0);
    case "ge":
      return sig.int(x >= y ? 1 : 0);
    case "le":
      return sig.int(x <= y ? 1 : 0);
    case "eq":
      return sig.int(x === y ? 1 : 0);
    case "ne":
      return sig.int(x !== y ? 1 : 0);
    default:
      return assertNever(op);
  }
}

/** The double function of a unary primitive: C's, except that Faust folds round() of a constant as rint() (ties to even), unlike the C round() it emits. */
export function math1Fn(op: Math1Op): (x: number) => number {
  return op === "round" ? cRint : cMath1(op);
}

/** Faust's compile-time domain checks ("out of domain in sqrt(-1)"). */
function outOfDomain(op: Math1Op, x: number): boolean {
  switch (op) {
    case "sqrt":
    case "log":
    case "log10":
      return x < 0;
    case "acos":
    case "asin":
      return x < -1 || x > 1;
    default:
      return false;
  }
}

export function foldMath1(op: Math1Op, a: Const): Const {
  if (outOfDomain(op, a.value)) throw new DiagnosticError([diag("FL523", { expr: `${op}(${fmt(a)})` })]);
  if (op === "abs" && a.kind === "int") return sig.int(Math.abs(a.value) | 0);
  if (op === "isnan" || op === "isinf") return sig.int(math1Fn(op)(a.value));
  return sig.float(math1Fn(op)(a.value));
}

/** The double function of a binary primitive (C semantics). */
export const math2Fn = cMath2;

export function foldMath2(op: Math2Op, a: Const, b: Const): Const {
  if (op === "fmod" && b.value === 0) throw new DiagnosticError([diag("FL521", { expr: show(a, "%", b) })]);
  if (op === "remainder" && b.value === 0) throw new DiagnosticError([diag("FL522", { expr: `remainder(${fmt(a)}, ${fmt(b)})` })]);
  const v = math2Fn(op)(a.value, b.value);
  if ((op === "min" || op === "max") && a.kind === "int" && b.kind === "int") return sig.int(v);
  return sig.float(v);
}

export const foldIntcast = (a: Const): Const => (a.kind === "int" ? a : sig.int(satInt(a.value)));
export const foldFloatcast = (a: Const): Const => (a.kind === "float" ? a : sig.float(a.value));

/** The zero of a nature. */
export const zeroOf = (n: Nature): Const => mk(n, 0);
export const constOf = mk;

export function isConstSig(s: Sig): s is Const {
  return s.kind === "int" || s.kind === "float";
}
