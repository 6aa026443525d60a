// Scheduling a DAG: an order of its nodes in which every node comes after its
// dependencies, chosen by one of Faust's four strategies (its `-ss N`):
//
//   0 depth-first            post-order from the roots (dependencies in their given order)
//   1 breadth-first          by height, height(v) = 1 + max height of its dependencies (0 for a leaf)
//   2 interleaved            Faust's "special" order: each node's list is the node followed by the
//                            lists of its dependencies folded pairwise by interleaving; the roots'
//                            lists are folded likewise; the result read backwards, keeping each
//                            node's first occurrence (its last one in the forward list)
//   3 reverse breadth-first  by height over the users (roots at 0), the whole order reversed
//
// The roots are the nodes no other node depends on, in the order of `nodes`.
// Ties (same height) go by `compare`, then by the order of `nodes`, so a
// caller that passes a structural comparison gets a deterministic schedule.
//
// The interleaved list of a node has one entry per path from it, which is
// exponential on shared DAGs: it is never built. Each node gets a summary
// (length of its list, last position of every node in it) composed from its
// dependencies' summaries; positions are BigInts. Past `budget` summary
// entries in all, the interleaved strategy falls back to depth-first and
// says so. Explicit stacks only.

import { assertNever, InternalError } from "./assert.ts";

export type Strategy = 0 | 1 | 2 | 3;
export const STRATEGIES: readonly Strategy[] = [0, 1, 2, 3];
export const STRATEGY_NAMES: Readonly<Record<Strategy, string>> = {
  0: "depth-first",
  1: "breadth-first",
  2: "interleaved",
  3: "reverse-breadth-first",
};

/** The strategy a `-ss` value names (0–3), or undefined. */
export function parseStrategy(v: number | string): Strategy | undefined {
  const n = typeof v === "number" ? v : /^[0-3]$/.test(v.trim()) ? Number(v) : NaN;
  return n === 0 || n === 1 || n === 2 || n === 3 ? n : undefined;
}

export interface DagSchedule<N> {
  readonly order: readonly N[];
  /** The interleaved strategy fell back to depth-first (its summaries would exceed the budget). */
  readonly fallback: boolean;
}

export interface ScheduleOptions<N> {
  /** Tie-break among nodes of the same height (breadth-first strategies). */
  readonly compare?: (a: N, b: N) => number;
  /** Largest number of summary entries the interleaved strategy may hold (default 4 000 000). */
  readonly budget?: number;
}

/**
 * The nodes of a DAG in the order of `strategy`. `nodes` lists every node
 * (what `deps` reaches must be among them); `deps(n)` are the nodes `n`
 * depends on. Throws on a cycle.
 */
export function scheduleDag<N>(nodes: readonly N[], deps: (n: N) => readonly N[], strategy: Strategy, opts: ScheduleOptions<N> = {}): DagSchedule<N> {
  const index = new Map<N, number>();
  nodes.forEach((n, i) => index.set(n, i));
  const depsOf = nodes.map((n) =>
    deps(n).map((d) => {
      const j = index.get(d);
      if (j === undefined) throw new InternalError("scheduleDag: a dependency is not among the nodes");
      return j;
    }),
  );
  const used = new Uint8Array(nodes.length);
  for (const ds of depsOf) for (const j of ds) used[j] = 1;
  const roots: number[] = [];
  for (let i = 0; i < nodes.length; i++) if (!used[i]) roots.push(i);
  const post = postOrder(nodes.length, roots, depsOf);
  if (post.length !== nodes.length) throw new InternalError("scheduleDag: the graph has a cycle");
  const out = (o: readonly number[], fallback = false): DagSchedule<N> => ({ order: o.map((i) => nodes[i]!), fallback });
  const cmp = (a: number, b: number) => (opts.compare ? opts.compare(nodes[a]!, nodes[b]!) : 0) || a - b;
  switch (strategy) {
    case 0:
      return out(post);
    case 1: {
      const h = new Int32Array(nodes.length);
      for (const v of post) for (const d of depsOf[v]!) h[v] = Math.max(h[v]!, h[d]! + 1);
      return out([...post].sort((a, b) => h[a]! - h[b]! || cmp(a, b)));
    }
    case 3: {
      const h = new Int32Array(nodes.length);
      for (let k = post.length - 1; k >= 0; k--) {
        const v = post[k]!;
        for (const d of depsOf[v]!) h[d] = Math.max(h[d]!, h[v]! + 1);
      }
      return out([...post].sort((a, b) => h[a]! - h[b]! || cmp(a, b)).reverse());
    }
    case 2: {
      const o = interleaved(nodes.length, roots, depsOf, post, opts.budget ?? 4_000_000);
      return o ? out(o) : out(post, true);
    }
    default:
      return assertNever(strategy);
  }
}

/** Post-order of the nodes reached from `roots` (dependencies in order), iteratively; stops short on a cycle. */
function postOrder(n: number, roots: readonly number[], depsOf: readonly (readonly number[])[]): number[] {
  const state = new Uint8Array(n); // 1 entered, 2 done
  const order: number[] = [];
  for (const r of roots) {
    if (state[r]) continue;
    const stack: [number, number][] = [[r, 0]];
    state[r] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const ds = depsOf[top[0]]!;
      if (top[1] < ds.length) {
        const d = ds[top[1]++]!;
        if (state[d] === 1) return order; // a cycle
        if (!state[d]) {
          state[d] = 1;
          stack.push([d, 0]);
        }
        continue;
      }
      stack.pop();
      state[top[0]] = 2;
      order.push(top[0]);
    }
  }
  return order;
}

interface Summary {
  readonly len: bigint;
  /** last position of each node in the (never built) list */
  readonly last: Map<number, bigint>;
}

/** Position of entry `i` of a list of length `own` interleaved with one of length `other` (`right`: the second list). */
function interleavedAt(i: bigint, own: bigint, other: bigint, right: boolean): bigint {
  const shared = own < other ? own : other;
  return i < shared ? 2n * i + (right ? 1n : 0n) : i + shared;
}

function interleave(a: Summary, b: Summary): Summary {
  const last = new Map<number, bigint>();
  for (const [v, i] of a.last) last.set(v, interleavedAt(i, a.len, b.len, false));
  for (const [v, i] of b.last) {
    const p = interleavedAt(i, b.len, a.len, true);
    const q = last.get(v);
    if (q === undefined || p > q) last.set(v, p);
  }
  return { len: a.len + b.len, last };
}

const EMPTY: Summary = { len: 0n, last: new Map() };

function interleaved(n: number, roots: readonly number[], depsOf: readonly (readonly number[])[], post: readonly number[], budget: number): number[] | undefined {
  const summary: (Summary | undefined)[] = new Array(n);
  let entries = 0;
  for (const v of post) {
    let acc = EMPTY;
    for (const d of depsOf[v]!) acc = interleave(acc, summary[d]!);
    const last = new Map<number, bigint>([[v, 0n]]);
    for (const [u, i] of acc.last) last.set(u, i + 1n);
    summary[v] = { len: acc.len + 1n, last };
    entries += last.size;
    if (entries > budget) return undefined;
  }
  let all = EMPTY;
  for (const r of roots) all = interleave(all, summary[r]!);
  // read backwards keeping first occurrences: by last position, descending
  return [...all.last].sort((x, y) => (x[1] < y[1] ? 1 : x[1] > y[1] ? -1 : 0)).map(([v]) => v);
}
