// Substitution on a signal graph, for passes that decide node by node on the
// ORIGINAL graph (an analysis result keyed by the original nodes) what each
// node becomes:
//
//   substitute(roots, replace) → { roots, used }
//
// `replace(n)` is called on original nodes (and on the new nodes a
// replacement introduces) and returns what n becomes, expressed on original
// nodes (a literal, another node of the graph such as a select2 branch, or a
// new node built on original nodes), or undefined to keep n. The result is
// rebuilt bottom-up: a replacement is itself rebuilt (its children
// substituted), and every recursion group that reaches a replaced node is
// rebuilt as a fresh group (`name.N`) whose bodies read its own projections,
// as graph.ts `rewrite` does. Unlike `rewrite`, whose callback sees the node
// already rebuilt on new children, the decision here is keyed by the original
// node, which is what a whole-graph analysis (constant propagation, delay-line
// sharing) computed its facts on.
//
// `used` holds the original nodes whose replacement the result contains (a
// replaced node only reachable through another replaced node is not used).
// Explicit stacks only: deep graphs are fine.

import { reachable } from "../src/core/signals/graph.ts";
import { children, declareRec, defineRec, freshRecName, mapChildren, recArity, sig, type RecSig, type Sig } from "../src/core/signals/signal.ts";

export interface Substituted {
  readonly roots: Sig[];
  readonly used: ReadonlySet<Sig>;
}

export function substitute(roots: readonly Sig[], replace: (s: Sig) => Sig | undefined): Substituted {
  const all = reachable(roots);
  const inGraph = new Set(all);
  const repl = new Map<Sig, Sig>();
  for (const s of all) {
    if (s.kind === "rec") continue;
    const r = replace(s);
    if (r !== undefined && r !== s) repl.set(s, r);
  }
  if (repl.size === 0) return { roots: [...roots], used: new Set() };

  // dirty: a node that is replaced or reaches a replaced node (through every edge, proj → rec → bodies included)
  const parents = new Map<Sig, Sig[]>();
  for (const s of all)
    for (const c of children(s)) {
      let l = parents.get(c);
      if (!l) parents.set(c, (l = []));
      l.push(s);
    }
  const dirty = new Set<Sig>(repl.keys());
  const stack = [...repl.keys()];
  while (stack.length) {
    const s = stack.pop()!;
    for (const p of parents.get(s) ?? []) if (!dirty.has(p)) (dirty.add(p), stack.push(p));
  }
  const fresh = new Map<RecSig, RecSig>();
  for (const s of all) if (s.kind === "rec" && dirty.has(s)) fresh.set(s, declareRec(freshRecName(s.name), recArity(s)));

  const memo = new Map<Sig, Sig>();
  const used = new Set<Sig>();
  // what `s` is built from: its replacement, or its children when it must be rebuilt (proj is a leaf)
  const deps = (s: Sig): readonly Sig[] => {
    const r = repl.get(s);
    if (r) return [r];
    if (s.kind === "proj" || (inGraph.has(s) && !dirty.has(s))) return [];
    return children(s);
  };
  const finish = (s: Sig): Sig => {
    const r = repl.get(s);
    if (r) {
      used.add(s);
      return memo.get(r)!;
    }
    if (s.kind === "proj") {
      const g = fresh.get(s.group);
      return g ? sig.proj(g, s.index) : s;
    }
    if (inGraph.has(s) && !dirty.has(s)) return s;
    return mapChildren(s, (c) => memo.get(c)!);
  };
  const build = (root: Sig): Sig => {
    const frames: [Sig, boolean][] = [[root, false]];
    while (frames.length) {
      const [s, expanded] = frames.pop()!;
      if (memo.has(s)) continue;
      if (expanded) {
        memo.set(s, finish(s));
        continue;
      }
      frames.push([s, true]);
      const ds = deps(s);
      for (let i = ds.length - 1; i >= 0; i--) if (!memo.has(ds[i]!)) frames.push([ds[i]!, false]);
    }
    return memo.get(root)!;
  };
  const out = roots.map(build);
  // define the rebuilt groups the result reaches, walking into each once it is defined
  const back = new Map<RecSig, RecSig>();
  for (const [o, n] of fresh) back.set(n, o);
  const seen = new Set<Sig>();
  const walk = [...out];
  while (walk.length) {
    const s = walk.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    const old = s.kind === "rec" ? back.get(s) : undefined;
    if (old) defineRec(s as RecSig, old.bodies.map(build));
    for (const c of children(s)) if (!seen.has(c)) walk.push(c);
  }
  return { roots: out, used };
}
