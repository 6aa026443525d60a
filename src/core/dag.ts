// Walks over shared graphs (DAGs of hash-consed nodes) that must never expand
// the DAG as a tree: every node is visited once, and a node reached along k
// paths counts k times through weights, not through k visits.
//
//   weightedLeaves(root, w, expand, ops)   the leaves under `root` with the total weight of the
//                                          paths reaching them: the flattening of a sum (weights
//                                          are coefficients) or of a product (weights are powers)

/** Arithmetic on weights: `add` gathers two paths to the same node, `mul` composes an edge with a path. */
export interface WeightOps {
  add(a: number, b: number): number;
  mul(a: number, b: number): number;
}

/**
 * The leaves reached from `root` (weight `w`), each with the sum over every path to it of the
 * product of the edge weights along the path. `expand(n)` gives the weighted children of an
 * inner node, or `undefined` for a leaf. Leaves come in the order a left-to-right depth-first
 * walk first meets them, so on a tree this is the order of its leaves. Linear in the size of the
 * DAG (each node expanded once), explicit stacks only.
 */
export function weightedLeaves<T extends object>(
  root: T,
  w: number,
  expand: (n: T) => readonly (readonly [T, number])[] | undefined,
  ops: WeightOps,
): [T, number][] {
  const kids = new Map<T, readonly (readonly [T, number])[] | undefined>();
  // post-order of the inner nodes (children first) and pre-order of first meeting of the leaves
  const post: T[] = [];
  const leaves: T[] = [];
  const stack: [T, boolean][] = [[root, false]];
  while (stack.length) {
    const top = stack.pop()!;
    const [n, expanded] = top;
    if (expanded) {
      post.push(n);
      continue;
    }
    if (kids.has(n)) continue;
    const cs = expand(n);
    kids.set(n, cs);
    if (!cs) {
      leaves.push(n);
      continue;
    }
    stack.push([n, true]);
    for (let i = cs.length - 1; i >= 0; i--) if (!kids.has(cs[i]![0])) stack.push([cs[i]![0], false]);
  }
  // a node's weight is final once every parent has passed it on: reverse post-order is topological
  const weight = new Map<T, number>([[root, w]]);
  for (let i = post.length - 1; i >= 0; i--) {
    const n = post[i]!;
    const wn = weight.get(n);
    if (wn === undefined) continue;
    for (const [c, e] of kids.get(n)!) {
      const prev = weight.get(c);
      const add = ops.mul(wn, e);
      weight.set(c, prev === undefined ? add : ops.add(prev, add));
    }
  }
  return leaves.map((l) => [l, weight.get(l)!] as [T, number]);
}
