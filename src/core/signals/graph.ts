// Graph walks over signals. All walks use explicit stacks (no JS recursion),
// so arbitrarily deep graphs are fine.
//
//   reachable(roots)            every node reachable (all edges, proj → rec → bodies included), DFS pre-order
//   segments(roots)             the canonical order used by the printer and by the rewriter: a list of
//                               segments, one per root and one per recursion group, each the
//                               post-order of the nodes first reached from it, where `proj` is a
//                               leaf and its group is visited later as its own segment (ending with the rec node)
//   recGroups(roots)            every recursion group reachable
//   groupMembers(g)             the nodes on a cycle through g (g, its projections, the delay1s
//                               reading them, the bodies …): walk a recursion as a graph
//   isInstantEdge(parent, f)    false for edges that read the past (delay1.x, prefix.x,
//                               delay.x with a constant amount ≥ 1) or happen at init (table.size/gen)
//   instantOrder(roots, local)  a schedule of the nodes needed within one sample: every node after
//                               its instantaneous children, or the node on an instantaneous cycle
//                               (local: only the nodes of the roots' clock domain)
//   localChildren(s)            the children in s's own clock domain (not a domain's body, not din.x)
//   stronglyConnected(…)        Tarjan's components, iteratively (the one SCC walk of the code base)
//   reachableUpTo(roots, stop)  reachable nodes, not walking through those where stop holds
//   withExtraDeps(order, extra) a schedule reordered so that each node also comes after extra(s)
//                               (the atoms of its execution condition, conditions.ts)
//   tapesOf(xs)                 the tape nodes of reversed graphs (the x of reverse nodes)
// Rewriting a graph (rebuilding its recursion groups) is rewrite.ts.

import { children, crossesDomain, fieldsOf, readsPast, type RecSig, type Sig, type SigOf } from "./signal.ts";

/**
 * The children of `s` in its own clock domain: every child but those across a
 * domain boundary (a clock domain's body, the outer value a `din` samples).
 */
export function localChildren(s: Sig): Sig[] {
  const out: Sig[] = [];
  const rec = s as unknown as Record<string, unknown>;
  for (const [name, type] of fieldsOf(s.kind)) {
    if (crossesDomain(s, name)) continue;
    if (type === "sig" || type === "group") out.push(rec[name] as Sig);
    else if (type === "sigs") out.push(...(rec[name] as readonly Sig[]));
  }
  return out;
}

/**
 * Every node reachable from `roots`, in DFS pre-order (children in schema order).
 * With `local`, only within the roots' clock domain (through `localChildren`).
 */
export function reachable(roots: readonly Sig[], local = false): Sig[] {
  const seen = new Set<Sig>();
  const out: Sig[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    out.push(s);
    const cs = local ? localChildren(s) : children(s);
    for (let i = cs.length - 1; i >= 0; i--) if (!seen.has(cs[i]!)) stack.push(cs[i]!);
  }
  return out;
}

/** Every recursion group reachable from `roots`. */
export function recGroups(roots: readonly Sig[]): RecSig[] {
  return reachable(roots).filter((s): s is RecSig => s.kind === "rec");
}

export interface Segment {
  /** A root signal, or a recursion group. */
  readonly root: Sig;
  /** Nodes first reached from it, each after its children (proj counts as a leaf); a group's segment ends with the rec node. */
  readonly nodes: readonly Sig[];
}

/**
 * The canonical acyclic order (see the header). Deterministic: depends only on
 * the roots and children order. Nodes for which `skip` holds are treated as
 * already visited (neither listed nor walked through).
 */
export function segments(roots: readonly Sig[], skip?: (s: Sig) => boolean): Segment[] {
  const done = new Set<Sig>();
  const queued = new Set<RecSig>();
  const out: Segment[] = [];
  const walk = (root: Sig, pendingGroups: RecSig[]): Sig[] => {
    const nodes: Sig[] = [];
    // frames: [node, expanded?]
    const stack: [Sig, boolean][] = [[root, false]];
    while (stack.length) {
      const [s, expanded] = stack.pop()!;
      if (expanded) {
        if (!done.has(s)) {
          done.add(s);
          nodes.push(s);
        }
        continue;
      }
      if (done.has(s)) continue;
      if (skip?.(s)) {
        done.add(s);
        continue;
      }
      if (s.kind === "proj") {
        done.add(s);
        nodes.push(s);
        if (!queued.has(s.group)) {
          queued.add(s.group);
          pendingGroups.push(s.group);
        }
        continue;
      }
      stack.push([s, true]);
      const cs = children(s);
      for (let i = cs.length - 1; i >= 0; i--) if (!done.has(cs[i]!)) stack.push([cs[i]!, false]);
    }
    return nodes;
  };
  for (const r of roots) {
    const pending: RecSig[] = [];
    if (r.kind === "rec" && !queued.has(r)) {
      queued.add(r);
      pending.push(r);
    } else out.push({ root: r, nodes: walk(r, pending) });
    // groups discovered are walked after the root, in discovery order (and those they discover, after them)
    for (let k = 0; k < pending.length; k++) {
      const g = pending[k]!;
      out.push({ root: g, nodes: walk(g, pending) });
    }
  }
  return out;
}

/** The nodes on a cycle through group `g` (including g), in DFS pre-order from g. */
export function groupMembers(g: RecSig): Sig[] {
  const forward = reachable([g]);
  const inF = new Set(forward);
  const parents = new Map<Sig, Sig[]>();
  for (const s of forward)
    for (const c of children(s))
      if (inF.has(c)) {
        let l = parents.get(c);
        if (!l) parents.set(c, (l = []));
        l.push(s);
      }
  const back = new Set<Sig>([g]);
  const stack: Sig[] = [g];
  while (stack.length) {
    const s = stack.pop()!;
    for (const p of parents.get(s) ?? []) if (!back.has(p)) (back.add(p), stack.push(p));
  }
  return forward.filter((s) => back.has(s));
}

/** Whether the edge from `parent` through its field `field` is read in the same sample (the schema's `timing`). */
export function isInstantEdge(parent: Sig, field: string): boolean {
  return !readsPast(parent, field);
}

/** The children of `s` read in the same sample. */
export function instantChildren(s: Sig): Sig[] {
  const out: Sig[] = [];
  const rec = s as unknown as Record<string, unknown>;
  for (const [name, type] of fieldsOf(s.kind)) {
    if (!isInstantEdge(s, name)) continue;
    if (type === "sig" || type === "group") out.push(rec[name] as Sig);
    else if (type === "sigs") out.push(...(rec[name] as readonly Sig[]));
  }
  return out;
}

/**
 * Every node reachable from `roots` (through all edges), ordered so that each
 * node comes after its instantaneous children. If there is an instantaneous
 * cycle, returns `{cycle}` with the nodes of one such cycle instead.
 */
export function instantOrder(roots: readonly Sig[], local = false): { order: Sig[] } | { cycle: Sig[] } {
  return postOrder(reachable(roots, local), instantChildren);
}

/**
 * `order` (a schedule: each node after its instantaneous children) reordered,
 * as little as possible, so that each node also comes after the nodes
 * `extra(s)` of the order; or `{cycle}` if those edges close an instantaneous cycle.
 */
export function withExtraDeps(order: readonly Sig[], extra: (s: Sig) => readonly Sig[]): { order: Sig[] } | { cycle: Sig[] } {
  const inOrder = new Set(order);
  return postOrder(order, (s) => [...instantChildren(s), ...extra(s)].filter((c) => inOrder.has(c)));
}

/** The depth-first post-order of `deps` from `starts` (each node after its deps), or the nodes of a cycle. */
function postOrder(starts: readonly Sig[], deps: (s: Sig) => Sig[]): { order: Sig[] } | { cycle: Sig[] } {
  const state = new Map<Sig, 1 | 2>(); // 1 in progress, 2 done
  const order: Sig[] = [];
  for (const start of starts) {
    if (state.has(start)) continue;
    const stack: [Sig, number, Sig[]][] = [[start, 0, deps(start)]];
    state.set(start, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [s, i, cs] = top;
      if (i < cs.length) {
        top[1]++;
        const c = cs[i]!;
        const st = state.get(c);
        if (st === 1) return { cycle: stack.slice(stack.findIndex((f) => f[0] === c)).map((f) => f[0]) };
        if (st === undefined) {
          state.set(c, 1);
          stack.push([c, 0, deps(c)]);
        }
      } else {
        stack.pop();
        state.set(s, 2);
        order.push(s);
      }
    }
  }
  return { order };
}

/** Every node reachable from `roots`, not walking through the nodes for which `stop` holds (they are listed). */
export function reachableUpTo(roots: readonly Sig[], stop: (s: Sig) => boolean): Set<Sig> {
  const seen = new Set<Sig>();
  const stack = [...roots];
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    if (!stop(s)) stack.push(...children(s));
  }
  return seen;
}

/** The `tape` nodes inside the reversed graphs `xs` (x of reverse nodes), not entering the forward signals they record. */
export function tapesOf(xs: readonly Sig[]): SigOf<"tape">[] {
  return [...reachableUpTo(xs, (s) => s.kind === "tape")].filter((s): s is SigOf<"tape"> => s.kind === "tape");
}

/**
 * A whole program as the pass manager sees it: its number of inputs and its
 * output signals (one per output, in order). Immutable: a pass that changes
 * the program returns a new SignalGraph; one that does not returns the same
 * object, which is what the analysis cache keys on.
 */
export interface SignalGraph {
  readonly inputs: number;
  readonly outputs: readonly Sig[];
}

/** The number of inputs a graph reads: 1 + the largest `input` index reachable (0 if none). */
export function inputsRead(roots: readonly Sig[]): number {
  let n = 0;
  for (const s of reachable(roots)) if (s.kind === "input") n = Math.max(n, s.index + 1);
  return n;
}

/**
 * Tarjan's strongly connected components over `edges`, iteratively (no JS
 * recursion), on signals or on any nodes (`N`, compared by identity): `onComponent(comp, edgesOfHead)` is called for each component,
 * dependencies first; `comp` ends with its head (the node the walk entered it
 * by), `edgesOfHead` are that node's edges (a one-node component is a cycle
 * when they include it). Nodes for which `skip` holds are neither entered nor
 * reported (already handled by the caller); it is asked again for every edge,
 * so a caller may mark nodes as handled from within `onComponent`.
 */
export function stronglyConnected<N = Sig>(
  roots: Iterable<N>,
  edges: (s: N) => readonly N[],
  onComponent: (comp: N[], edgesOfHead: readonly N[]) => void,
  skip: (s: N) => boolean = () => false,
): void {
  const index = new Map<N, number>();
  const low = new Map<N, number>();
  const onStack = new Set<N>();
  const stack: N[] = [];
  let next = 0;
  const enter = (w: N, work: [N, readonly N[], number][]) => {
    index.set(w, next);
    low.set(w, next++);
    stack.push(w);
    onStack.add(w);
    work.push([w, edges(w), 0]);
  };
  for (const root of roots) {
    if (index.has(root) || skip(root)) continue;
    const work: [N, readonly N[], number][] = [];
    enter(root, work);
    while (work.length) {
      const top = work[work.length - 1]!;
      const [v, cs, i] = top;
      if (i < cs.length) {
        top[2]++;
        const w = cs[i]!;
        if (skip(w)) continue;
        if (!index.has(w)) enter(w, work);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const u = work[work.length - 1]![0];
        low.set(u, Math.min(low.get(u)!, low.get(v)!));
      }
      if (low.get(v) !== index.get(v)) continue;
      const comp: N[] = [];
      for (;;) {
        const w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
        if (w === v) break;
      }
      onComponent(comp, cs);
    }
  }
}
