// Rebuilding a signal graph from a quotient, for passes that decide which
// nodes are one (cse: classes of equal signals) or which nodes and group
// signals survive (dce):
//
//   buildQuotient(q) → the new roots
//
// A quotient is a set of classes numbered 0…n-1. Each class has a
// representative node (its kind and parameters; never a `rec`) and its child
// classes in the order of `children(rep)`; a projection class has one child:
// the class of its body. The recursion groups to create are lists of
// projection classes (signal i of the new group is the i-th class of the
// list). Every projection class reached must belong to exactly one group.
//
// Nodes are rebuilt bottom-up in the acyclic view (a projection is a leaf,
// its body is built later), so cycles always close through the projections
// of the new groups. A group may name an existing group to `keep`: it is
// reused when its rebuilt bodies are the very same nodes as its bodies (and
// `signals[i]` is the class of its projection i, which the caller
// guarantees); otherwise a fresh group (`hint.N`) is declared and everything
// is rebuilt, until every kept group is consistent (at most once per group).
// Explicit stacks only.

import { declareRec, defineRec, freshRecName, mapChildren, sig, type RecSig, type Sig } from "../src/core/signals/signal.ts";
import { InternalError } from "../src/core/assert.ts";

export interface QuotientGroup {
  /** Projection classes, in signal order. */
  readonly signals: readonly number[];
  /** Name hint for a fresh group. */
  readonly hint: string;
  /** An existing group to reuse when its bodies come out identical. */
  readonly keep?: RecSig;
}

export interface Quotient {
  readonly rep: readonly Sig[];
  readonly kids: readonly (readonly number[])[];
  readonly groups: readonly QuotientGroup[];
  readonly roots: readonly number[];
}

/**
 * The classes reachable from the roots, each after its child classes; a
 * projection class is a leaf, and the bodies of every signal of its group
 * come later.
 */
export function quotientOrder(q: Quotient): number[] {
  const n = q.rep.length;
  const groupOf = new Map<number, number>();
  q.groups.forEach((g, k) => g.signals.forEach((c) => groupOf.set(c, k)));
  const groupDone = new Set<number>();
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const order: number[] = [];
  const pendingBodies: number[] = [];
  const visit = (start: number) => {
    if (state[start]) return;
    const stack: [number, number][] = [[start, 0]];
    state[start] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const c = top[0];
      const isProj = q.rep[c]!.kind === "proj";
      const ks = isProj ? [] : q.kids[c]!;
      if (top[1] < ks.length) {
        const k = ks[top[1]++]!;
        if (!state[k]) {
          state[k] = 1;
          stack.push([k, 0]);
        }
        continue;
      }
      stack.pop();
      state[c] = 2;
      order.push(c);
      if (isProj) {
        const k = groupOf.get(c);
        if (k === undefined) pendingBodies.push(q.kids[c]![0]!);
        else if (!groupDone.has(k)) {
          groupDone.add(k);
          for (const p of q.groups[k]!.signals) pendingBodies.push(q.kids[p]![0]!);
        }
      }
    }
  };
  for (const r of q.roots) visit(r);
  for (let i = 0; i < pendingBodies.length; i++) visit(pendingBodies[i]!);
  return order;
}

/** Builds the quotient's nodes; returns the new roots and the groups created or kept (groups none of whose signals is reached are skipped). */
export function buildQuotient(q: Quotient): { roots: Sig[]; groups: RecSig[]; fresh: ReadonlySet<RecSig> } {
  const order = quotientOrder(q);
  const place = new Map<number, readonly [number, number]>();
  q.groups.forEach((g, k) => g.signals.forEach((c, i) => place.set(c, [k, i])));
  const keep: (RecSig | undefined)[] = q.groups.map((g) => g.keep);
  const declared: (RecSig | undefined)[] = q.groups.map(() => undefined);
  const groupOf = (k: number): RecSig => keep[k] ?? (declared[k] ??= declareRec(freshRecName(q.groups[k]!.hint), q.groups[k]!.signals.length));
  for (;;) {
    const built: Sig[] = new Array(q.rep.length);
    for (const c of order) {
      const rep = q.rep[c]!;
      if (rep.kind === "proj") {
        const p = place.get(c);
        if (!p) throw new InternalError(`quotient: projection class ${c} belongs to no group`);
        built[c] = sig.proj(groupOf(p[0]), p[1]);
      } else {
        const ks = q.kids[c]!;
        let i = 0;
        built[c] = mapChildren(rep, () => built[ks[i++]!]!);
      }
    }
    const live = (k: number) => q.groups[k]!.signals.some((c) => built[c] !== undefined);
    const bodies = q.groups.map((g) => g.signals.map((c) => built[q.kids[c]![0]!]!));
    let retry = false;
    q.groups.forEach((_, k) => {
      const g = keep[k];
      if (g && live(k) && (g.bodies.length !== bodies[k]!.length || g.bodies.some((b, i) => b !== bodies[k]![i]))) {
        keep[k] = undefined;
        retry = true;
      }
    });
    if (retry) continue;
    const fresh = new Set<RecSig>();
    const groups: RecSig[] = [];
    q.groups.forEach((g, k) => {
      if (!live(k)) return;
      if (keep[k]) return void groups.push(keep[k]!);
      const r = groupOf(k);
      defineRec(r, bodies[k]!);
      fresh.add(r);
      groups.push(r);
    });
    return { roots: q.roots.map((c) => built[c]!), groups, fresh };
  }
}
