// Execution conditions: when a node of a signal graph is computed, under
// Faust's `enable` and `control` (their suspension semantics).
//
// `control(x, c)` computes x only in the samples where c ≠ 0 and is x itself
// otherwise; `enable(x, c)` is control(x·c, c ≠ 0). So every node s has a
// condition C(s), a boolean function of the current values of some signals
// (the atoms, each true when its value ≠ 0):
//   - a root has the condition true;
//   - a child has the disjunction, over its parents p, of C(p) — and of
//     C(p) ∧ c through the x of a control or an enable (c its second operand);
//   - the operands read at init time (a table's size and generator), the
//     descriptions (sos.x) and the edges to another clock domain or to a
//     reversed graph carry no condition (those are computed in their own run).
// A node whose condition is false in a sample is not computed: it holds its
// last value (0 before it is first computed), its delay line does not advance,
// its waveform, rwtable, recursion and clock domain do not step. Reading a delay
// line (delay1, delay, prefix) is always done: it reads the line as it stands.
// `control` is transparent (its value is x's).
//
// A condition is kept in conjunctive normal form: a list of clauses, each a
// list of atoms (a disjunction), both in a canonical order (node ids), with
// absorption; the empty list is true. `conditions(roots)` computes them for
// one clock domain (its body's roots start at true) by a monotone worklist.
//
// What a suspended node does to its delay line depends on the line's shape,
// as in Faust's generated code (and ours, codegen/generate.ts): a short line
// (largest delay ≤ 16) is an array shifted when the node is computed, so a
// read `m` samples back gives the value of m runs back; a longer one is a
// power-of-two ring indexed by a counter that advances every sample, so a read
// gives what was written m samples ago, or, where nothing was written then,
// what the ring held from before. `lineShape` is that choice, `valueSource`
// the node whose line a read refers to (through projections, outputs,
// attach, bargraphs and casts that change nothing), `stateLines` the lines
// of one domain, `condCode` a condition as a function of the current values.

import { localChildren, instantOrder, withExtraDeps } from "./graph.ts";
import { fieldsOf, operandLag, type Sig } from "./signal.ts";
import { typeOf } from "./types.ts";

/** A condition in CNF: every clause holds when one of its atoms is ≠ 0; [] is true. */
export type Cond = readonly (readonly Sig[])[];

export const TRUE: Cond = [];

/** The key of a condition (equal conditions, equal keys). */
export function condKey(c: Cond): string {
  return c.map((cl) => cl.map((a) => a.id).join("|")).join("&");
}

const byId = (a: Sig, b: Sig) => a.id - b.id;
const subset = (a: readonly Sig[], b: readonly Sig[]) => a.every((x) => b.includes(x));

/** Canonical CNF of a list of clauses: each clause sorted and deduplicated, clauses absorbed and sorted. */
function normal(clauses: readonly (readonly Sig[])[]): Cond {
  const cs = clauses.map((cl) => [...new Set(cl)].sort(byId));
  const kept: Sig[][] = [];
  cs.forEach((cl, i) => {
    // drop a clause implied by another one (a subset of it), keeping the first of equal ones
    const absorbed = cs.some((o, j) => j !== i && subset(o, cl) && (o.length < cl.length || j < i));
    if (!absorbed) kept.push(cl);
  });
  const key = (cl: readonly Sig[]) => cl.map((a) => a.id).join("|");
  return kept.sort((a, b) => a.length - b.length || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function condAnd(a: Cond, b: Cond): Cond {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return normal([...a, ...b]);
}

export function condOr(a: Cond, b: Cond): Cond {
  if (a.length === 0 || b.length === 0) return TRUE;
  const out: Sig[][] = [];
  for (const x of a) for (const y of b) out.push([...x, ...y]);
  return normal(out);
}

/** The condition "c ≠ 0": true for a non-zero constant. */
export function condAtom(c: Sig): Cond {
  if ((c.kind === "int" || c.kind === "float") && c.value !== 0) return TRUE;
  return [[c]];
}

/** The atoms a condition reads. */
export function condAtoms(c: Cond): Sig[] {
  return [...new Set(c.flat())];
}

/** Whether `field` of `s` carries a condition (see the header). */
function conditionedEdge(s: Sig, field: string): boolean {
  const lag = operandLag(s, field);
  return !(lag === "init" || lag === "never" || lag === "block" || lag === "inner" || lag === "outer");
}

/** The condition each child of `s` gets from it, given C(s). */
function childConditions(s: Sig, c: Cond): [Sig, Cond][] {
  if (s.kind === "enable" || s.kind === "control") return [[s.x, condAnd(c, condAtom(s.y))], [s.y, c]];
  const out: [Sig, Cond][] = [];
  const rec = s as unknown as Record<string, unknown>;
  const local = new Set(localChildren(s));
  for (const [name, type] of fieldsOf(s.kind)) {
    if (!conditionedEdge(s, name)) continue;
    const vs = type === "sig" || type === "group" ? [rec[name] as Sig] : type === "sigs" ? (rec[name] as readonly Sig[]) : [];
    for (const v of vs) if (local.has(v)) out.push([v, c]);
  }
  return out;
}

export interface Conditions {
  /** The condition under which a node is computed (its value; for an enable, x·c when c ≠ 0). */
  exec(s: Sig): Cond;
  /** Whether some node has a condition other than true. */
  readonly any: boolean;
}

/** The conditions of the nodes of one clock domain under `roots` (see the header). */
export function conditions(roots: readonly Sig[]): Conditions {
  const cond = new Map<Sig, Cond>();
  const keys = new Map<Sig, string>();
  const work: Sig[] = [];
  const offer = (s: Sig, c: Cond) => {
    const old = cond.get(s);
    const next = old === undefined ? c : condOr(old, c);
    const key = condKey(next);
    if (old !== undefined && keys.get(s) === key) return;
    cond.set(s, next);
    keys.set(s, key);
    work.push(s);
  };
  for (const r of roots) offer(r, TRUE);
  while (work.length) {
    const s = work.pop()!;
    const c = cond.get(s)!;
    for (const [child, cc] of childConditions(s, c)) offer(child, cc);
  }
  let any = false;
  for (const c of cond.values()) if (c.length) any = true;
  return {
    any,
    exec(s) {
      const c = cond.get(s) ?? TRUE;
      return s.kind === "enable" ? condAnd(c, condAtom(s.y)) : c;
    },
  };
}

/** Delays up to this many samples use shifted arrays, longer ones rings (Faust's -mcd default). */
export const MAX_COPY_DELAY = 16;

/** The shape of a delay line whose largest delay is `maxDelay`: shifted array, or ring of `size` (a power of two). */
export function lineShape(maxDelay: number, maxCopyDelay = MAX_COPY_DELAY): { ring: boolean; size: number } {
  if (maxDelay <= maxCopyDelay) return { ring: false, size: maxDelay + 1 };
  let size = 1;
  while (size < maxDelay + 1) size *= 2;
  return { ring: true, size };
}

/** The node whose value (and delay line) `s` has: projections, outputs, attach, bargraphs and casts to the same nature are transparent. */
export function valueSource(s: Sig): Sig {
  for (let c = s, guard = 0; ; guard++) {
    let next: Sig | undefined;
    switch (c.kind) {
      case "proj":
        next = c.group.bodies[c.index];
        break;
      case "output":
      case "attach":
      case "hbargraph":
      case "vbargraph":
        next = c.x;
        break;
      case "floatcast":
        if (typeOf(c.x).nature === "float") next = c.x;
        break;
      case "intcast":
        if (typeOf(c.x).nature === "int") next = c.x;
        break;
      default:
        break;
    }
    if (!next || guard > 1_000_000) return c;
    c = next;
  }
}

/**
 * A schedule of one clock domain (every node after its instantaneous children)
 * reordered so that a node with a condition also comes after the atoms of
 * its condition; or the nodes of a cycle those edges close.
 */
export function conditionedOrder(order: readonly Sig[], conds: Conditions): { order: Sig[] } | { cycle: Sig[] } {
  if (!conds.any) return { order: [...order] };
  return withExtraDeps(order, (s) => condAtoms(conds.exec(s)));
}

/** The schedule of one clock domain with its conditions (instantOrder(roots, true), then conditionedOrder). */
export function conditionedSchedule(roots: readonly Sig[]): { order: Sig[]; conds: Conditions } | { cycle: Sig[] } {
  const sched = instantOrder(roots, true);
  if ("cycle" in sched) return sched;
  const conds = conditions(roots);
  const ordered = conditionedOrder(sched.order, conds);
  return "cycle" in ordered ? ordered : { order: ordered.order, conds };
}
