// Constant folding of evaluated boxes: the numbers a closed box of type
// 0 -> 1 denotes, with Faust's int/float semantics (ints are 32-bit and wrap,
// `/` is real division, comparisons give ints, int() truncates toward zero).
// Used wherever Faust needs a number at evaluation time (iteration counts,
// widget parameters, route, labels) and to simplify arguments and patterns.
//
// `propagate` pushes constant inputs through a box and returns the constant
// outputs (undefined where a value is not a compile-time constant: inputs,
// widgets, recursions, delays, foreign functions). Division by zero throws
// ConstDivZero so the evaluator can report FL406.

import { type Box, type PrimOp } from "../../core/boxes/box.ts";
import { arity } from "./arity.ts";

export interface Const {
  readonly float: boolean;
  readonly v: number;
}

export class ConstDivZero extends Error {
  constructor(readonly expr: string) {
    super(`division by 0 in ${expr}`);
  }
}

type Val = Const | undefined;

const I = (v: number): Const => ({ float: false, v: v | 0 });
const F = (v: number): Const => ({ float: true, v });

function fmt(c: Const): string {
  return c.float && Number.isInteger(c.v) ? `${c.v}.0` : String(c.v);
}

const opSym: Partial<Record<PrimOp, string>> = { div: "/", rem: "%" };

function binary(op: PrimOp, a: Const, b: Const): Val {
  const anyF = a.float || b.float;
  switch (op) {
    case "add":
      return anyF ? F(a.v + b.v) : I(a.v + b.v);
    case "sub":
      return anyF ? F(a.v - b.v) : I(a.v - b.v);
    case "mul":
      return anyF ? F(a.v * b.v) : I(Math.imul(a.v, b.v));
    case "div":
      if (b.v === 0) throw new ConstDivZero(`${fmt(a)} ${opSym.div} ${fmt(b)}`);
      // an exact quotient of two ints stays an int (4/2 is 2, as Faust folds it); else real
      return !anyF && a.v % b.v === 0 ? I(a.v / b.v) : F(a.v / b.v);
    case "rem":
      if (b.v === 0) throw new ConstDivZero(`${fmt(a)} ${opSym.rem} ${fmt(b)}`);
      return anyF ? F(a.v % b.v) : I(a.v % b.v);
    case "pow": {
      const r = Math.pow(a.v, b.v);
      return anyF || b.v < 0 ? F(r) : I(r);
    }
    case "and":
      return I((a.v | 0) & (b.v | 0));
    case "or":
      return I((a.v | 0) | (b.v | 0));
    case "xor":
      return I((a.v | 0) ^ (b.v | 0));
    case "lsh":
      return I((a.v | 0) << (b.v | 0));
    case "rsh":
      return I((a.v | 0) >> (b.v | 0));
    case "lt":
      return I(a.v < b.v ? 1 : 0);
    case "le":
      return I(a.v <= b.v ? 1 : 0);
    case "gt":
      return I(a.v > b.v ? 1 : 0);
    case "ge":
      return I(a.v >= b.v ? 1 : 0);
    case "eq":
      return I(a.v === b.v ? 1 : 0);
    case "ne":
      return I(a.v !== b.v ? 1 : 0);
    case "min":
      return anyF ? F(Math.min(a.v, b.v)) : I(Math.min(a.v, b.v));
    case "max":
      return anyF ? F(Math.max(a.v, b.v)) : I(Math.max(a.v, b.v));
    case "atan2":
      return F(Math.atan2(a.v, b.v));
    case "fmod":
      if (b.v === 0) return undefined;
      return F(a.v % b.v);
    case "remainder": {
      if (b.v === 0) return undefined;
      const n = a.v / b.v;
      let q = Math.round(n);
      if (Math.abs(n - Math.trunc(n)) === 0.5) q = 2 * Math.round(n / 2);
      return F(a.v - q * b.v);
    }
    case "delay":
      // x @ 0 is x; any other delay is not a constant
      return b.v === 0 ? a : undefined;
    case "attach":
      return a;
    default:
      return undefined;
  }
}

function unary(op: PrimOp, a: Const): Val {
  switch (op) {
    case "int":
      return I(Math.trunc(a.v));
    case "float":
      return F(a.v);
    case "abs":
      return a.float ? F(Math.abs(a.v)) : I(Math.abs(a.v));
    case "acos":
      return F(Math.acos(a.v));
    case "asin":
      return F(Math.asin(a.v));
    case "atan":
      return F(Math.atan(a.v));
    case "cos":
      return F(Math.cos(a.v));
    case "sin":
      return F(Math.sin(a.v));
    case "tan":
      return F(Math.tan(a.v));
    case "exp":
      return F(Math.exp(a.v));
    case "log":
      return F(Math.log(a.v));
    case "log10":
      return F(Math.log10(a.v));
    case "sqrt":
      return F(Math.sqrt(a.v));
    case "floor":
      return F(Math.floor(a.v));
    case "ceil":
      return F(Math.ceil(a.v));
    case "rint": {
      const r = Math.round(a.v);
      return F(Math.abs(a.v % 1) === 0.5 ? 2 * Math.round(a.v / 2) : r);
    }
    case "round":
      return F(a.v < 0 ? -Math.round(-a.v) : Math.round(a.v));
    default:
      return undefined;
  }
}

function prim(op: PrimOp, ins: readonly Val[]): Val {
  if (ins.length === 1) return ins[0] ? unary(op, ins[0]) : undefined;
  if (ins.length === 2) {
    const [a, b] = ins;
    if (op === "attach") return a;
    if (!a || !b) return undefined;
    return binary(op, a, b);
  }
  if (op === "select2") {
    const [s, a, b] = ins;
    if (!s) return undefined;
    return s.v !== 0 ? b : a;
  }
  if (op === "select3") {
    const [s, a, b, c] = ins;
    if (!s) return undefined;
    return s.v === 0 ? a : s.v === 1 ? b : c;
  }
  if (op === "assertbounds") return ins[2];
  return undefined;
}

const memo0 = new WeakMap<Box, readonly Val[]>();

/** Most box visits of one folding before giving up (the box is then not a constant). */
export const FOLD_BUDGET = 2_000_000;

class OverBudget extends Error {}

/**
 * The slot bindings of enclosing symbolic boxes, interned per folding so
 * that (context, box, inputs) keys a memo: shared sub-boxes are folded once
 * per context, even inside symbolic bodies.
 */
interface Ctx {
  readonly id: number;
  readonly slots: ReadonlyMap<number, Val>;
}

interface Folding {
  readonly memo: Map<string, readonly Val[]>;
  readonly ctxs: Map<string, Ctx>;
  visits: number;
}

function valKey(v: Val): string {
  return v === undefined ? "u" : `${v.float ? "f" : "i"}${v.v}`;
}

function enter(f: Folding, ctx: Ctx, slot: number, v: Val): Ctx {
  const key = `${ctx.id}:${slot}:${valKey(v)}`;
  let c = f.ctxs.get(key);
  if (!c) {
    const slots = new Map(ctx.slots);
    slots.set(slot, v);
    c = { id: f.ctxs.size + 1, slots };
    f.ctxs.set(key, c);
  }
  return c;
}

const rootCtx: Ctx = { id: 0, slots: new Map() };

/** Outputs of `b` fed with `ins` in the slot context `ctx`. */
function prop(f: Folding, b: Box, ins: readonly Val[], ctx: Ctx): readonly Val[] {
  const global = ins.length === 0 && ctx.id === 0;
  if (global) {
    const m = memo0.get(b);
    if (m) return m;
  }
  const key = global ? "" : `${ctx.id}|${b.id}|${ins.map(valKey).join(",")}`;
  if (!global) {
    const m = f.memo.get(key);
    if (m) return m;
  }
  if (++f.visits > FOLD_BUDGET) throw new OverBudget();
  const r = propUncached(f, b, ins, ctx);
  if (global) memo0.set(b, r);
  else f.memo.set(key, r);
  return r;
}

function unknown(n: number): Val[] {
  return new Array<Val>(n).fill(undefined);
}

function propUncached(f: Folding, b: Box, ins: readonly Val[], ctx: Ctx): readonly Val[] {
  switch (b.kind) {
    case "int":
      return [I(b.value)];
    case "real":
      return [F(b.value)];
    case "wire":
      return [ins[0]];
    case "cut":
      return [];
    case "prim":
      return [prim(b.op, ins)];
    case "slot":
      return [ctx.slots.get(b.index)];
    case "symbolic": {
      const inner = enter(f, ctx, (b.slot as { index: number }).index, ins[0]);
      return prop(f, b.body, ins.slice(1), inner);
    }
    case "seq":
      return prop(f, b.right, prop(f, b.left, ins, ctx), ctx);
    case "par": {
      const na = arity(b.left).ins;
      return [...prop(f, b.left, ins.slice(0, na), ctx), ...prop(f, b.right, ins.slice(na), ctx)];
    }
    case "split": {
      const a = prop(f, b.left, ins, ctx);
      const n = arity(b.right).ins;
      const fan: Val[] = [];
      for (let i = 0; i < n; i++) fan.push(a[i % a.length]);
      return prop(f, b.right, fan, ctx);
    }
    case "merge": {
      const a = prop(f, b.left, ins, ctx);
      const n = arity(b.right).ins;
      const sums: Val[] = [];
      for (let i = 0; i < n; i++) {
        let acc: Val = undefined;
        let first = true;
        for (let j = i; j < a.length; j += n) {
          const v = a[j];
          if (first) acc = v;
          else acc = acc && v ? binary("add", acc, v) : undefined;
          first = false;
        }
        sums.push(acc);
      }
      return prop(f, b.right, sums, ctx);
    }
    case "hgroup":
    case "vgroup":
    case "tgroup":
      return prop(f, b.body, ins, ctx);
    case "waveform":
      return [I(b.values.length), undefined];
    case "route": {
      const n = arity(b).outs;
      const outs: Val[] = new Array<Val>(n).fill(I(0));
      const pairs: number[] = [];
      const stack: Box[] = b.spec ? [b.spec] : [];
      while (stack.length) {
        const x = stack.pop()!;
        if (x.kind === "par") stack.push(x.right, x.left);
        else if (x.kind === "int") pairs.push(x.value);
        else return unknown(n);
      }
      for (let k = 0; k + 1 < pairs.length; k += 2) {
        const i = pairs[k]! - 1, o = pairs[k + 1]! - 1;
        if (i < 0 || i >= ins.length || o < 0 || o >= n) continue;
        const a = outs[o], v = ins[i];
        outs[o] = a && v ? binary("add", a, v) : undefined;
      }
      return outs;
    }
    default:
      return unknown(arity(b).outs);
  }
}

function newFolding(): Folding {
  return { memo: new Map(), ctxs: new Map(), visits: 0 };
}

/** The constants each output of a closed box (no inputs) denotes (undefined: not constant). Throws ConstDivZero. */
export function constantsOf(b: Box): (Const | undefined)[] {
  try {
    const a = arity(b);
    if (a.ins !== 0) return unknown(a.outs);
    return [...prop(newFolding(), b, [], rootCtx)];
  } catch (e) {
    if (e instanceof RangeError || e instanceof OverBudget) return unknown(arity(b).outs);
    throw e;
  }
}

/** The constant a closed 0 -> 1 box denotes, or undefined. Throws ConstDivZero. */
export function constantOf(b: Box): Const | undefined {
  if (b.kind === "int") return I(b.value);
  if (b.kind === "real") return F(b.value);
  try {
    const a = arity(b);
    if (a.ins !== 0 || a.outs !== 1) return undefined;
    return prop(newFolding(), b, [], rootCtx)[0];
  } catch (e) {
    if (e instanceof RangeError || e instanceof OverBudget) return undefined;
    throw e;
  }
}
