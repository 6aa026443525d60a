// The one graph rewriter of the signal IR. Every pass and stage that rebuilds
// a graph goes through `rewriteGraph` (or its two front ends below):
//
//   rewrite(roots, f)              bottom-up: `f` sees each node rebuilt on its rewritten
//                                  children and returns its replacement
//   substitute(roots, replace)     decisions keyed by the ORIGINAL node (what a whole-graph
//                                  analysis computed its facts on): `replace(n)` returns what
//                                  n becomes, expressed on original nodes (its descendants),
//                                  or undefined to keep it
//   rewriteGraph(roots, options)   the engine, with the hooks normalization needs
//
// How recursion is rebuilt. The graph is walked one strongly connected
// component at a time (every edge: proj → rec → bodies), dependencies first,
// with graph.ts's iterative Tarjan walk; inside a component nodes go in the
// acyclic view's order (graph.ts `segments`: a projection is a leaf, a group
// comes after its bodies). A cyclic component (groups, their projections and
// the body nodes between them) is first rewritten as if its groups were kept;
// if some body changed, every group of the component is declared anew under a
// fresh name derived from the old one (`name.N`), the component is rewritten
// once more on the new projections, and the new groups get the rewritten
// bodies. So a node is rewritten at most twice, nodes outside a recursion never
// wait for it, and unchanged groups are kept (same objects).
//
// Memoized by node identity (a shared DAG is never expanded as a tree);
// explicit work lists only, no JS recursion along the graph.

import { reachable, segments, stronglyConnected } from "./graph.ts";
import { children, declareRec, defineRec, freshRecName, mapChildren, nodeCount, recArity, sig, type ProjSig, type RecSig, type Sig } from "./signal.ts";

export interface RewriteOptions {
  /**
   * What `original` (never a `rec`) becomes, given `rebuilt`: the node on its
   * rewritten children (a projection: of its group's new version). Called
   * once per node, twice for the nodes of a recursion that is rebuilt (the
   * second time on the new group's projections). Default: `rebuilt`.
   */
  readonly step?: (original: Sig, rebuilt: Sig) => Sig;
  /**
   * When given, a recursion that does not (or no longer) read its own
   * projections is inlined: each projection becomes `inline(p, body)` where
   * `body` is the rewritten body of its signal (y = body when body does not
   * read y). Without it such groups are kept as groups.
   */
  readonly inline?: (p: ProjSig, body: Sig) => Sig;
  /** Called when `fresh` is declared to rebuild `old`, before any node reads it. */
  readonly renamed?: (old: RecSig, fresh: RecSig) => void;
  /** Body `i` of the group rebuilding `old` (default: the rewritten body). */
  readonly body?: (old: RecSig, i: number, body: Sig) => Sig;
}

/** Rewrites the graph of `roots` (see the header); returns the rewritten roots. */
export function rewriteGraph(roots: readonly Sig[], o: RewriteOptions = {}): Sig[] {
  return new Rewriter(o).run(roots);
}

/**
 * Bottom-up rewriting: `f` receives each node (other than `rec`) rebuilt on
 * its rewritten children and returns its replacement (the argument to keep
 * it). Recursion groups whose bodies change are rebuilt as new groups.
 */
export function rewrite(roots: readonly Sig[], f: (s: Sig) => Sig): Sig[] {
  return rewriteGraph(roots, { step: (_, rebuilt) => f(rebuilt) });
}

export interface Substituted {
  readonly roots: Sig[];
  /** The original nodes whose replacement the result contains (one only reachable through another replaced node is not used). */
  readonly used: ReadonlySet<Sig>;
}

/**
 * Substitution keyed by the original nodes: `replace(n)` is asked once per
 * original node (not `rec`) and returns what n becomes, built on original
 * nodes (descendants of n) and new ones, or undefined to keep n. The original
 * nodes a replacement holds are taken rewritten, replacements included, and
 * the new recursion groups it holds are rebuilt when their bodies read
 * replaced nodes: the result holds no replaced node.
 */
export function substitute(roots: readonly Sig[], replace: (s: Sig) => Sig | undefined): Substituted {
  const repl = new Map<Sig, Sig>();
  for (const s of reachable(roots)) {
    if (s.kind === "rec") continue;
    const r = replace(s);
    if (r !== undefined && r !== s) repl.set(s, r);
  }
  if (repl.size === 0) return { roots: [...roots], used: new Set() };
  const rw = new Rewriter({});
  rw.repl = repl;
  const out = rw.run(roots);
  return { roots: out, used: usedReplacements(roots, repl) };
}

/** The replaced nodes reached from `roots` when a replaced node leads to its replacement (not its children). */
function usedReplacements(roots: readonly Sig[], repl: ReadonlyMap<Sig, Sig>): Set<Sig> {
  const used = new Set<Sig>();
  const seen = new Set<Sig>();
  const stack = [...roots];
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    const r = repl.get(s);
    if (r !== undefined) {
      used.add(s);
      if (!seen.has(r)) stack.push(r);
      continue;
    }
    for (const c of children(s)) if (!seen.has(c)) stack.push(c);
  }
  return used;
}

/** What each node became: this walk's own entries over those of the walk it serves (a replacement's nodes over the graph's). */
class Memo {
  private readonly own = new Map<Sig, Sig>();
  constructor(private readonly parent?: Memo) {}
  get(s: Sig): Sig | undefined {
    return this.own.get(s) ?? this.parent?.get(s);
  }
  has(s: Sig): boolean {
    return this.own.has(s) || (this.parent?.has(s) ?? false);
  }
  set(s: Sig, v: Sig): void {
    this.own.set(s, v);
  }
}

class Rewriter {
  private readonly userStep: (original: Sig, rebuilt: Sig) => Sig;
  /** Substitution: what original nodes become (built on original nodes). */
  repl?: ReadonlyMap<Sig, Sig>;
  private readonly memo: Memo;
  /** Groups inlined: their rewritten bodies. */
  private readonly inlined = new Map<RecSig, readonly Sig[]>();
  constructor(
    private readonly o: RewriteOptions,
    parent?: Rewriter,
  ) {
    this.userStep = o.step ?? ((_, r) => r);
    this.memo = new Memo(parent?.memo);
    if (parent) {
      this.repl = parent.repl;
      for (const [g, b] of parent.inlined) this.inlined.set(g, b);
    }
  }

  private step(original: Sig, rebuilt: Sig): Sig {
    const r = this.repl?.get(original);
    // a replacement's own nodes: rewritten with the original nodes taken from the memo
    if (r !== undefined) return this.fragment(r);
    return this.userStep(original, rebuilt);
  }

  run(roots: readonly Sig[]): Sig[] {
    this.walk(roots, (s) => this.memo.has(s));
    return roots.map((r) => this.memo.get(r)!);
  }

  /**
   * A replacement's nodes rewritten: nodes already rewritten are taken from
   * the memo, the others (new nodes) rebuilt on their rewritten children, in a
   * walk of their own (so that a recursion rewritten twice rebuilds them on
   * its new projections the second time).
   */
  fragment(r: Sig): Sig {
    const m = this.memo.get(r);
    if (m !== undefined) return m;
    return new Rewriter(this.o, this).run([r])[0]!;
  }

  private walk(roots: readonly Sig[], done: (s: Sig) => boolean): void {
    const memo = this.memo;
    // position in the acyclic view (post-order, proj a leaf, a group after its bodies)
    const pos = new Map<Sig, number>();
    segments(roots, done).forEach((seg) => seg.nodes.forEach((n) => pos.set(n, pos.size)));
    const rebuild = (s: Sig) => this.step(s, mapChildren(s, (c) => memo.get(c)!));
    const comps: Sig[][] = [];
    stronglyConnected(roots, children, (comp) => comps.push(comp), done);
    for (const comp of comps) {
      if (comp.length === 1 && comp[0]!.kind !== "rec") {
        const s = comp[0]!;
        if (s.kind === "proj") {
          const bodies = this.inlined.get(s.group);
          const g = memo.get(s.group) as RecSig;
          memo.set(s, bodies ? this.o.inline!(s, bodies[s.index]!) : this.step(s, g === s.group ? s : sig.proj(g, s.index)));
        } else memo.set(s, rebuild(s));
        continue;
      }
      if (comp.length === 1) {
        // a group alone in its component: its bodies never read its projections
        const g = comp[0] as RecSig;
        const bodies = g.bodies.map((b) => memo.get(b)!);
        if (this.o.inline) {
          this.inlined.set(g, bodies);
          memo.set(g, g);
        } else memo.set(g, bodies.every((b, i) => b === g.bodies[i]) ? g : this.fresh(g, bodies));
        continue;
      }
      const nodes = [...comp].sort((a, b) => pos.get(a)! - pos.get(b)!);
      const groups = nodes.filter((n): n is RecSig => n.kind === "rec");
      const inComp = new Set(comp);
      const pass = (renamed: ReadonlyMap<RecSig, RecSig>) => {
        for (const n of nodes) {
          if (n.kind === "rec") continue;
          if (n.kind === "proj") {
            // y_i(t) = body_i(t): a projection whose body is off the cycle (a constant state, say) is that body
            const body = n.group.bodies[n.index]!;
            if (this.o.inline && !inComp.has(body)) {
              memo.set(n, this.o.inline(n, memo.get(body)!));
              continue;
            }
            const g = renamed.get(n.group);
            memo.set(n, this.step(n, g ? sig.proj(g, n.index) : n));
          } else memo.set(n, rebuild(n));
        }
      };
      pass(new Map());
      if (groups.every((g) => g.bodies.every((b) => memo.get(b) === b))) {
        for (const g of groups) memo.set(g, g);
        continue;
      }
      const startId = nodeCount();
      const renamed = new Map<RecSig, RecSig>();
      for (const g of groups) renamed.set(g, this.declare(g));
      pass(renamed);
      for (const g of groups) {
        const g2 = renamed.get(g)!;
        defineRec(
          g2,
          g.bodies.map((b, i) => (this.o.body ? this.o.body(g, i, memo.get(b)!) : memo.get(b)!)),
        );
        memo.set(g, g2);
      }
      if (this.o.inline && !readsProjections(groups.flatMap((g) => g.bodies.map((b) => memo.get(b)!)), new Set(renamed.values()), startId)) {
        // the recursion vanished (y = y'*0 + x → x): every projection is its body; rewrite the component once more
        for (const g of groups) this.inlined.set(g, g.bodies.map((b) => memo.get(b)!));
        for (const n of nodes) {
          if (n.kind === "rec") continue;
          if (n.kind === "proj") memo.set(n, this.o.inline(n, this.inlined.get(n.group)![n.index]!));
          else memo.set(n, rebuild(n));
        }
      }
    }
  }

  /** A fresh group rebuilding `g`, announced to `renamed`. */
  private declare(g: RecSig): RecSig {
    const g2 = declareRec(freshRecName(g.name), recArity(g));
    this.o.renamed?.(g, g2);
    return g2;
  }

  /** A fresh group rebuilding `g` with these (rewritten) bodies: for a group whose bodies do not read it. */
  private fresh(g: RecSig, bodies: readonly Sig[]): RecSig {
    const g2 = this.declare(g);
    return defineRec(
      g2,
      bodies.map((b, i) => (this.o.body ? this.o.body(g, i, b) : b)),
    );
  }
}

/** Whether nodes created since `startId` lead from `from` to a projection of `groups`. */
function readsProjections(from: readonly Sig[], groups: ReadonlySet<RecSig>, startId: number): boolean {
  const seen = new Set<Sig>();
  const stack = from.filter((s) => s.id >= startId);
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    if (s.kind === "proj" && groups.has(s.group)) return true;
    if (s.kind === "rec") continue;
    for (const c of children(s)) if (c.id >= startId && !seen.has(c)) stack.push(c);
  }
  return false;
}
