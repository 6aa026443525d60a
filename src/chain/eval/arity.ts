// Arity (number of inputs and outputs) of evaluated boxes, with the checks of
// the five composition operators. Computed bottom-up with an explicit stack
// (evaluated boxes can be thousands of levels deep) and memoized by box.
// A composition whose sides do not fit throws an ArityError carrying an
// FL412–FL415 diagnostic at the composition's span, with notes at A and B.

import { assertNever, children, isUnevaluated, primArity, type Box } from "../../core/boxes/box.ts";
import { diag, diagOf, type ArgsOf, type Diagnostic, type RelatedInfo, type Span } from "../../core/diagnostics.ts";
import { InternalError } from "../../core/assert.ts";

export interface Arity {
  readonly ins: number;
  readonly outs: number;
}

export class ArityError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

const memo = new WeakMap<Box, Arity>();

/** Where an evaluated box comes from: the evaluation's table (src/core/spans.ts), or nothing. */
type EvalSpanOf = (b: Box) => Span | undefined;
const noSpan: EvalSpanOf = () => undefined;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function compositionError<C extends "FL412" | "FL413" | "FL414" | "FL415">(evalSpanOf: EvalSpanOf, b: Box, code: C, args: ArgsOf<C>, a: Box, c: Box, aa: Arity, ca: Arity): never {
  const related: RelatedInfo[] = [];
  const sa = evalSpanOf(a);
  const sc = evalSpanOf(c);
  if (sa) related.push({ span: sa, message: `A has ${plural(aa.ins, "input")} and ${plural(aa.outs, "output")}` });
  if (sc) related.push({ span: sc, message: `B has ${plural(ca.ins, "input")} and ${plural(ca.outs, "output")}` });
  throw new ArityError(diagOf(code, args, evalSpanOf(b) ?? sa ?? sc, related));
}

/** The arity of a leaf, or undefined for a node with children. */
function leafArity(b: Box): Arity | undefined {
  if (isUnevaluated(b)) throw new InternalError(`arity of an unevaluated '${b.kind}' box`);
  switch (b.kind) {
    case "int":
    case "real":
    case "slot":
    case "fconstant":
    case "fvariable":
    case "button":
    case "checkbox":
    case "hslider":
    case "vslider":
    case "nentry":
      return { ins: 0, outs: 1 };
    case "wire":
    case "hbargraph":
    case "vbargraph":
      return { ins: 1, outs: 1 };
    case "cut":
      return { ins: 1, outs: 0 };
    case "prim":
      return { ins: primArity[b.op], outs: 1 };
    case "ffunction":
      return { ins: b.argTypes.length, outs: 1 };
    case "waveform":
      return { ins: 0, outs: 2 };
    case "soundfile":
      return { ins: 2, outs: 2 + (b.chans.kind === "int" ? b.chans.value : 0) };
    case "route":
      return {
        ins: b.ins.kind === "int" ? b.ins.value : 0,
        outs: b.outs.kind === "int" ? b.outs.value : 0,
      };
    case "seq":
    case "par":
    case "split":
    case "merge":
    case "rec":
    case "hgroup":
    case "vgroup":
    case "tgroup":
    case "symbolic":
    case "autodiff":
    case "clocked":
      return undefined;
    default:
      return assertNever(b);
  }
}

function combine(b: Box, child: (c: Box) => Arity, evalSpanOf: EvalSpanOf): Arity {
  switch (b.kind) {
    case "hgroup":
    case "vgroup":
    case "tgroup":
      return child(b.body);
    case "symbolic":
    case "clocked": {
      // a slot's first input; a clock domain's clock
      const a = child(b.body);
      return { ins: a.ins + 1, outs: a.outs };
    }
    case "autodiff": {
      // M body outputs, N seeds: fad gives M·(1+N) outputs, rad M+N; both read max(inputs).
      const a = child(b.body), s = child(b.seed);
      if (s.outs === 0) throw new ArityError(diag("FL430", { mode: b.mode, outs: 0 }, evalSpanOf(b) ?? evalSpanOf(b.seed)));
      if (b.mode === "rad" && a.outs === 0) throw new ArityError(diag("FL431", { outs: 0 }, evalSpanOf(b) ?? evalSpanOf(b.body)));
      return { ins: Math.max(a.ins, s.ins), outs: b.mode === "fad" ? a.outs * (1 + s.outs) : a.outs + s.outs };
    }
    case "seq": {
      const a = child(b.left), c = child(b.right);
      if (a.outs !== c.ins) compositionError(evalSpanOf, b, "FL412", { outs: a.outs, ins: c.ins }, b.left, b.right, a, c);
      return { ins: a.ins, outs: c.outs };
    }
    case "par": {
      const a = child(b.left), c = child(b.right);
      return { ins: a.ins + c.ins, outs: a.outs + c.outs };
    }
    case "split": {
      const a = child(b.left), c = child(b.right);
      if (a.outs === 0 || c.ins === 0 || c.ins % a.outs !== 0) compositionError(evalSpanOf, b, "FL413", { outs: a.outs, ins: c.ins }, b.left, b.right, a, c);
      return { ins: a.ins, outs: c.outs };
    }
    case "merge": {
      const a = child(b.left), c = child(b.right);
      if (a.outs === 0 || c.ins === 0 || a.outs % c.ins !== 0) compositionError(evalSpanOf, b, "FL414", { outs: a.outs, ins: c.ins }, b.left, b.right, a, c);
      return { ins: a.ins, outs: c.outs };
    }
    case "rec": {
      const a = child(b.left), c = child(b.right);
      const problems: string[] = [];
      if (a.outs < c.ins) problems.push(`The number of outputs [${a.outs}] of A must be at least the number of inputs [${c.ins}] of B.`);
      if (a.ins < c.outs) problems.push(`The number of inputs [${a.ins}] of A must be at least the number of outputs [${c.outs}] of B.`);
      if (problems.length) compositionError(evalSpanOf, b, "FL415", { detail: problems.join(" ") }, b.left, b.right, a, c);
      return { ins: a.ins - c.outs, outs: a.outs };
    }
    default:
      throw new InternalError(`not a composite box: ${b.kind}`);
  }
}

function compositeChildren(b: Box): Box[] {
  switch (b.kind) {
    case "hgroup":
    case "vgroup":
    case "tgroup":
    case "symbolic":
    case "clocked":
      return [b.body];
    case "autodiff":
      return [b.body, b.seed];
    case "seq":
    case "par":
    case "split":
    case "merge":
    case "rec":
      return [b.left, b.right];
    default:
      return [];
  }
}

/**
 * The arity of an evaluated box (made of the output kinds, slots and
 * symbolic boxes). Throws ArityError on an ill-formed composition.
 */
export function arity(root: Box, evalSpanOf: EvalSpanOf = noSpan): Arity {
  const known = memo.get(root);
  if (known) return known;
  const stack: Box[] = [root];
  while (stack.length) {
    const b = stack[stack.length - 1]!;
    if (memo.has(b)) {
      stack.pop();
      continue;
    }
    const leaf = leafArity(b);
    if (leaf) {
      memo.set(b, leaf);
      stack.pop();
      continue;
    }
    const pending = compositeChildren(b).filter((c) => !memo.has(c));
    if (pending.length) {
      stack.push(...pending);
      continue;
    }
    memo.set(b, combine(b, (c) => memo.get(c)!, evalSpanOf));
    stack.pop();
  }
  return memo.get(root)!;
}

/** Checks that a box is fully evaluated; returns the first offending kind, or undefined. */
export function checkEvaluated(root: Box): string | undefined {
  const seen = new Set<Box>();
  const stack: Box[] = [root];
  while (stack.length) {
    const b = stack.pop()!;
    if (seen.has(b)) continue;
    seen.add(b);
    if (isUnevaluated(b)) return b.kind;
    stack.push(...compositeChildren(b));
  }
  return undefined;
}

/** Number of nodes of the box as a tree (shared sub-boxes counted per use), capped just above `cap`. */
export function treeSize(root: Box, cap: number): number {
  const memo = new Map<Box, number>();
  const stack: Box[] = [root];
  while (stack.length) {
    const b = stack[stack.length - 1]!;
    if (memo.has(b)) {
      stack.pop();
      continue;
    }
    const kids = children(b);
    const pending = kids.filter((k) => !memo.has(k));
    if (pending.length) {
      stack.push(...pending);
      continue;
    }
    memo.set(b, Math.min(cap + 1, 1 + kids.reduce((n, k) => n + memo.get(k)!, 0)));
    stack.pop();
  }
  return memo.get(root)!;
}
