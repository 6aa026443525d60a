// Graph walks over signals. All walks use explicit stacks (no JS recursion),
// so arbitrarily deep graphs are fine.
//
//   reachable(roots)            every node reachable (all edges, proj → rec → bodies included), DFS pre-order
//   segments(roots)             the canonical order used by the printer and by `rewrite`: a list of
//                               segments, one per root and one per recursion group, each the
//                               post-order of the nodes first reached from it, where `proj` is a
//                               leaf and its group is visited later as its own segment (ending with the rec node)
//   recGroups(roots)            every recursion group reachable
//   groupMembers(g)             the nodes on a cycle through g (g, its projections, the delay1s
//                               reading them, the bodies …): walk a recursion as a graph
//   isInstantEdge(parent, f)    false for edges that read the past (delay1.x, prefix.x,
//                               delay.x with a constant amount ≥ 1) or happen at init (table.size/gen)
//   instantOrder(roots)         a schedule of the nodes needed within one sample: every node after
//                               its instantaneous children, or the node on an instantaneous cycle
//   rewrite(roots, f)           bottom-up rewriting that rebuilds recursion groups correctly

import { children, declareRec, defineRec, fieldsOf, freshRecName, mapChildren, pastFields, recArity, sig, type RecSig, type Sig } from "./signal.ts";

/** Every node reachable from `roots`, in DFS pre-order (children in schema order). */
export function reachable(roots: readonly Sig[]): Sig[] {
  const seen = new Set<Sig>();
  const out: Sig[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    out.push(s);
    const cs = children(s);
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

/** Whether the edge from `parent` through its field `field` is read in the same sample (schema `past`, and constant delays ≥ 1). */
export function isInstantEdge(parent: Sig, field: string): boolean {
  if (pastFields(parent.kind).includes(field)) return false;
  return !(parent.kind === "delay" && field === "x" && parent.amount.kind === "int" && parent.amount.value >= 1);
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
export function instantOrder(roots: readonly Sig[]): { order: Sig[] } | { cycle: Sig[] } {
  const all = reachable(roots);
  const state = new Map<Sig, 1 | 2>(); // 1 in progress, 2 done
  const order: Sig[] = [];
  for (const start of all) {
    if (state.has(start)) continue;
    const stack: [Sig, number, Sig[]][] = [[start, 0, instantChildren(start)]];
    state.set(start, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [s, i, cs] = top;
      if (i < cs.length) {
        top[1]++;
        const c = cs[i]!;
        const st = state.get(c);
        if (st === 1) {
          const from = stack.findIndex((f) => f[0] === c);
          return { cycle: stack.slice(from).map((f) => f[0]) };
        }
        if (st === undefined) {
          state.set(c, 1);
          stack.push([c, 0, instantChildren(c)]);
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

/**
 * Rewrites the graph bottom-up: `f` receives each node (other than `rec`)
 * rebuilt on its rewritten children and returns its replacement (return the
 * argument to keep it). Recursion groups whose bodies change are rebuilt as new
 * groups (fresh names derived from the old ones) whose bodies refer to their
 * own projections; unchanged groups are kept. Returns the rewritten roots.
 */
export function rewrite(roots: readonly Sig[], f: (s: Sig) => Sig): Sig[] {
  const segs = segments(roots);
  const order = segs.flatMap((s) => s.nodes);
  // parents in the acyclic view (proj is a leaf, rec depends on its bodies)
  const parents = new Map<Sig, Sig[]>();
  for (const s of order) {
    if (s.kind === "proj") continue;
    for (const c of children(s)) {
      let l = parents.get(c);
      if (!l) parents.set(c, (l = []));
      l.push(s);
    }
  }
  const projsOf = new Map<RecSig, Sig[]>();
  for (const s of order)
    if (s.kind === "proj") {
      let l = projsOf.get(s.group);
      if (!l) projsOf.set(s.group, (l = []));
      l.push(s);
    }
  const memo = new Map<Sig, Sig>();
  const renamed = new Map<RecSig, RecSig>();
  const pending = new Map<RecSig, readonly Sig[]>();
  const invalidate = (g: RecSig) => {
    const stack: Sig[] = [g, ...(projsOf.get(g) ?? [])];
    const seen = new Set<Sig>(stack);
    while (stack.length) {
      const s = stack.pop()!;
      memo.delete(s);
      for (const p of parents.get(s) ?? []) if (!seen.has(p)) (seen.add(p), stack.push(p));
    }
  };
  let restart = true;
  while (restart) {
    restart = false;
    for (const s of order) {
      if (memo.has(s)) continue;
      if (s.kind === "rec") {
        const bodies = s.bodies.map((b) => memo.get(b)!);
        const target = renamed.get(s);
        if (target) {
          pending.set(target, bodies);
          memo.set(s, target);
        } else if (bodies.every((b, i) => b === s.bodies[i])) {
          memo.set(s, s);
        } else {
          const g2 = declareRec(freshRecName(s.name), recArity(s));
          renamed.set(s, g2);
          invalidate(s);
          restart = true;
          break;
        }
      } else if (s.kind === "proj") {
        const target = renamed.get(s.group);
        memo.set(s, f(target ? sig.proj(target, s.index) : s));
      } else {
        memo.set(s, f(mapChildren(s, (c) => memo.get(c)!)));
      }
    }
  }
  for (const [g2, bodies] of pending) defineRec(g2, bodies);
  return roots.map((r) => memo.get(r)!);
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
 * recursion): `onComponent(comp, edgesOfHead)` is called for each component,
 * dependencies first; `comp` ends with its head (the node the walk entered it
 * by), `edgesOfHead` are that node's edges (a one-node component is a cycle
 * when they include it). Nodes for which `skip` holds are neither entered nor
 * reported (already handled by the caller); it is asked again for every edge,
 * so a caller may mark nodes as handled from within `onComponent`.
 */
export function stronglyConnected(
  roots: readonly Sig[],
  edges: (s: Sig) => readonly Sig[],
  onComponent: (comp: Sig[], edgesOfHead: readonly Sig[]) => void,
  skip: (s: Sig) => boolean = () => false,
): void {
  const index = new Map<Sig, number>();
  const low = new Map<Sig, number>();
  const onStack = new Set<Sig>();
  const stack: Sig[] = [];
  let next = 0;
  const enter = (w: Sig, work: [Sig, readonly Sig[], number][]) => {
    index.set(w, next);
    low.set(w, next++);
    stack.push(w);
    onStack.add(w);
    work.push([w, edges(w), 0]);
  };
  for (const root of roots) {
    if (index.has(root) || skip(root)) continue;
    const work: [Sig, readonly Sig[], number][] = [];
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
      const comp: Sig[] = [];
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
