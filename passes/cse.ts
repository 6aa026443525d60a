// `cse`: common subexpressions and sharing, beyond what hash-consing gives.
//
// Hash-consing already makes structurally equal acyclic nodes one object.
// This pass adds two things:
//   - commutative canonicalization: the two operands of a commutative
//     operator are put in a deterministic structural order (a hash of their
//     structure that ignores ids and group names; constants last), so `a+b`
//     and `b+a` become one node. Only the operands of one node are swapped:
//     no reassociation.
//   - sharing of recursion: the graph where a projection's child is its body
//     (not the group) is partitioned into classes of nodes that compute the
//     same signal — same kind and parameters, children in the same classes
//     (the coarsest such partition, by refinement: bisimulation of the cyclic
//     graph). Two recursions that differ only by the names of their groups
//     become one group, and a group two of whose signals have equal bodies up
//     to renaming keeps one of them.
//
// Which operators are commutative (exactly, in every backend, NaN included):
//   add, mul (IEEE + and * are commutative; int ones wrap the same way; the
//   payload of a NaN from two NaN operands may come from either, which no
//   output can tell apart), and, or, xor (on ints), eq, ne (== and != are
//   symmetric, NaN included), and min, max on two ints only: on floats C's
//   fmin/fmax may return either zero of fmax(-0, +0), depending on the
//   operand order (glibc returns its first operand), and the evaluator's
//   fmin ignores a NaN while JavaScript's Math.min returns it, so float
//   min/max are left alone.
//
// Semantics: exact (bisimilar nodes denote the same infinite unfolding, hence
// the same stream, since every cycle is guarded by a delay).
//
// The refinement iterates over the nodes that depend on a projection only;
// the others get their class in one bottom-up pass (structural equality up
// to commutativity). Its cost is (number of such nodes) × (rounds to
// converge); over a budget, the pass falls back to `groups=false` and says so.

import { diag, type Diagnostic } from "../src/core/diagnostics.ts";
import { instantOrder, reachable } from "../src/core/signals/graph.ts";
import { Mix } from "../src/core/signals/order.ts";
import { noSpans, type SpanOf } from "../src/core/spans.ts";
import { assertNever, children, encodeParam, fieldsOf, formatGroupName, recArity, sig, type RecSig, type Sig } from "../src/core/signals/signal.ts";
import { typeOf } from "../src/core/signals/types.ts";
import { boolOption, definePass, intOption, rewritten } from "./pass.ts";
import { buildQuotient, quotientOrder, type QuotientGroup } from "./quotient.ts";

export interface CseOptions {
  /** Order the operands of commutative operators (default true). */
  readonly commutative?: boolean;
  /** Merge recursion groups (and group signals) equal up to renaming (default true). */
  readonly groups?: boolean;
  /** Work budget of the refinement (node visits); over it, groups=false (default 20 000 000). */
  readonly budget?: number;
  /** Where the nodes come from (the compilation's spans), for remarks. */
  readonly spans?: SpanOf<Sig>;
}

export interface CseResult {
  readonly roots: Sig[];
  readonly stats: Record<string, number>;
  readonly remarks: Diagnostic[];
}

/** Is `s` a commutative operation whose two operands may be swapped without changing any value? */
export function isCommutative(s: Sig): boolean {
  if (s.kind === "binop") {
    const op = s.op;
    switch (op) {
      case "add": // x + y = y + x (IEEE and wrapping int addition)
      case "mul": // x * y = y * x (IEEE and wrapping int multiplication)
      case "and": // x & y = y & x
      case "or": // x | y = y | x
      case "xor": // x ^ y = y ^ x
      case "eq": // (x == y) = (y == x), NaN included
      case "ne": // (x != y) = (y != x), NaN included
        return true;
      case "sub":
      case "div":
      case "rem":
      case "shl":
      case "ashr":
      case "lshr":
      case "gt":
      case "lt":
      case "ge":
      case "le":
        return false;
      default:
        return assertNever(op);
    }
  }
  // min(x, y) = min(y, x), max(x, y) = max(y, x) for ints (floats: see the header)
  if (s.kind === "math2" && (s.op === "min" || s.op === "max")) return typeOf(s.x).nature === "int" && typeOf(s.y).nature === "int";
  return false;
}

/** The kind and parameters of a node (no child, no group name): what a class shares. */
function labelOf(s: Sig, named: boolean): string {
  if (s.kind === "proj") return named ? `proj ${formatGroupName(s.group.name)} ${s.index}` : "proj";
  const rec = s as unknown as Record<string, unknown>;
  const parts: string[] = [s.kind];
  for (const [name, type] of fieldsOf(s.kind)) if (type !== "sig" && type !== "sigs" && type !== "group") parts.push(encodeParam(type, rec[name]));
  if (s.kind === "waveform" || s.kind === "ffun") parts.push(`#${children(s).length}`);
  return parts.join(" ");
}

/** Combines a label hash with child hashes (53-bit numbers) into a 53-bit number, with the structural order's mixer. */
function combine(label: number, kidHashes: readonly number[]): number {
  const m = new Mix().num(label).num(kidHashes.length);
  for (const k of kidHashes) m.num(k);
  return m.done();
}

/** The pure algorithm: the outputs with common subexpressions and equal recursions shared. */
export function cseGraph(roots: readonly Sig[], opts: CseOptions = {}): CseResult {
  const commutative = opts.commutative ?? true;
  const groupsOn = opts.groups ?? true;
  const budget = opts.budget ?? 20_000_000;
  const spanOf = opts.spans ?? noSpans;
  const first = run(roots, commutative, groupsOn, budget, spanOf);
  // safety net: merging whole groups cannot create an instantaneous cycle (see run); checked anyway
  if (first !== "over-budget" && (!groupsOn || !("cycle" in instantOrder(first.roots)))) return first;
  if (first !== "over-budget") {
    const r = run(roots, commutative, false, Infinity, spanOf) as CseResult;
    r.remarks.unshift(diag("FL805", { pass: "cse" }));
    return r;
  }
  const r = run(roots, commutative, false, Infinity, spanOf) as CseResult;
  const span = roots.map(spanOf).find((s) => s !== undefined);
  r.remarks.unshift(diag("FL806", { pass: "cse", budget }, span));
  return r;
}

function run(roots: readonly Sig[], commutative: boolean, groupsOn: boolean, budget: number, spanOf: SpanOf<Sig>): CseResult | "over-budget" {
  // --- the nodes, in the acyclic view (a projection is a leaf; its body and the bodies of every
  // signal of its group come later): post-order, children first. Ids are local indices.
  const index = new Map<Sig, number>();
  const nodes: Sig[] = [];
  const groupsSeen: RecSig[] = [];
  const groupSet = new Set<RecSig>();
  const pendingRoots: Sig[] = [...roots];
  const original = new Set(reachable(roots));
  for (let r = 0; r < pendingRoots.length; r++) {
    const start = pendingRoots[r]!;
    if (index.has(start)) continue;
    const stack: [Sig, boolean][] = [[start, false]];
    while (stack.length) {
      const [s, expanded] = stack.pop()!;
      if (index.has(s)) continue;
      if (expanded || s.kind === "proj") {
        index.set(s, nodes.length);
        nodes.push(s);
        if (s.kind === "proj" && !groupSet.has(s.group)) {
          const g = s.group;
          groupSet.add(g);
          groupsSeen.push(g);
          for (let i = 0; i < recArity(g); i++) pendingRoots.push(sig.proj(g, i), g.bodies[i]!);
        }
        continue;
      }
      stack.push([s, true]);
      const cs = children(s);
      for (let i = cs.length - 1; i >= 0; i--) if (!index.has(cs[i]!)) stack.push([cs[i]!, false]);
    }
  }
  const n = nodes.length;
  const kidsOf = (s: Sig): readonly Sig[] => (s.kind === "proj" ? [s.group.bodies[s.index]!] : children(s));
  const kids: number[][] = nodes.map((s) => kidsOf(s).map((c) => index.get(c)!));
  const comm = nodes.map((s) => commutative && isCommutative(s));
  const gIndex = new Map(groupsSeen.map((g, k) => [g, k]));
  const keyOf = (i: number, get: (k: number) => number): string => {
    const ks = kids[i]!.map(get);
    if (comm[i] && ks.length === 2 && ks[0]! > ks[1]!) ks.reverse();
    return ks.join(",");
  };
  // --- open nodes: those reaching a projection in the acyclic view (every projection when groups are compared)
  const open = new Uint8Array(n);
  for (let i = 0; i < n; i++) open[i] = nodes[i]!.kind === "proj" ? (groupsOn ? 1 : 0) : kids[i]!.some((k) => open[k]) ? 1 : 0;

  const parents: number[][] = nodes.map(() => []);
  for (let i = 0; i < n; i++) if (open[i]) for (const k of new Set(kids[i]!)) if (open[k]) parents[k]!.push(i);

  /**
   * The coarsest stable partition; the projections of the groups in `tagged`
   * are only equal to projections of their own group.
   */
  const partition = (tagged: ReadonlySet<RecSig>): Int32Array | "over-budget" => {
    const labels = nodes.map((s, i) => (s.kind === "proj" && tagged.has(s.group) ? `proj ${formatGroupName(s.group.name)}` : labelOf(s, !groupsOn)) + (comm[i] ? " ~" : ""));
    // classes of closed nodes: one bottom-up pass (children first in `nodes`)
    const cls = new Int32Array(n);
    const intern = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      if (open[i]) continue;
      // a projection's class must not depend on its body when groups are off: its label names it
      const key = `${labels[i]}|${nodes[i]!.kind === "proj" ? "" : keyOf(i, (k) => cls[k]!)}`;
      let c = intern.get(key);
      if (c === undefined) intern.set(key, (c = intern.size));
      cls[i] = c;
    }
    const closedCount = intern.size;
    // refinement of the open nodes (Moore): start from label + closed children, split by child classes until stable
    const openIdx: number[] = [];
    for (let i = 0; i < n; i++) if (open[i]) openIdx.push(i);
    if (!openIdx.length) return cls;
    const init = new Map<string, number>();
    for (const i of openIdx) {
      const key = `${labels[i]}|${keyOf(i, (k) => (open[k] ? -1 : cls[k]!))}`;
      let c = init.get(key);
      if (c === undefined) init.set(key, (c = closedCount + init.size));
      cls[i] = c;
    }
    // Splitting with a worklist: only the nodes a child of which changed class are looked at
    // again. Within a round, the dirty nodes of one class are grouped by their children's
    // classes; the members that are not dirty keep the class (a dirty node never equals one of
    // them: one of its children just got a new class), and so does the largest group when every
    // member is dirty; the other groups get new classes, and their parents are dirty next round.
    const size: number[] = [];
    for (const i of openIdx) size[cls[i]!] = (size[cls[i]!] ?? 0) + 1;
    let nextId = closedCount + init.size;
    let dirty = openIdx;
    const mark = new Uint8Array(n);
    while (dirty.length) {
      work += dirty.length;
      if (work > budget) return "over-budget";
      const byKey = new Map<string, number[]>();
      for (const d of dirty) {
        const key = `${cls[d]}|${keyOf(d, (k) => cls[k]!)}`;
        const l = byKey.get(key);
        if (l) l.push(d);
        else byKey.set(key, [d]);
      }
      const byOld = new Map<number, number[][]>();
      for (const members of byKey.values()) {
        const c = cls[members[0]!]!;
        const l = byOld.get(c);
        if (l) l.push(members);
        else byOld.set(c, [members]);
      }
      const changed: number[] = [];
      for (const [c, parts] of byOld) {
        const dirtyCount = parts.reduce((t, m) => t + m.length, 0);
        let keep = -1;
        if (dirtyCount === size[c]) parts.forEach((m, j) => (keep = keep < 0 || m.length > parts[keep]!.length ? j : keep));
        parts.forEach((members, j) => {
          if (j === keep) return;
          const id = nextId++;
          size[id] = members.length;
          size[c]! -= members.length;
          for (const m of members) (cls[m] = id), changed.push(m);
        });
      }
      const next: number[] = [];
      for (const m of changed) for (const p of parents[m]!) if (!mark[p]) (mark[p] = 1), next.push(p);
      for (const p of next) mark[p] = 0;
      dirty = next;
    }
    return cls;
  };

  /** Unions of the original groups that share a projection class (as lists of groups, in order). */
  const unionsOf = (cls: Int32Array): RecSig[][] => {
    const parent = groupsSeen.map((_, k) => k);
    const find = (k: number): number => {
      while (parent[k] !== k) k = parent[k] = parent[parent[k]!]!;
      return k;
    };
    const projClassGroup = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const s = nodes[i]!;
      if (s.kind !== "proj") continue;
      const k = gIndex.get(s.group)!;
      const other = projClassGroup.get(cls[i]!);
      if (other === undefined) projClassGroup.set(cls[i]!, k);
      else {
        const a = find(other);
        const b = find(k);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
    const unions = new Map<number, RecSig[]>();
    groupsSeen.forEach((g, k) => {
      const r = find(k);
      if (!unions.has(r)) unions.set(r, []);
      unions.get(r)!.push(g);
    });
    return [...unions.values()];
  };
  const classSet = (cls: Int32Array, g: RecSig) => [...new Set(Array.from({ length: recArity(g) }, (_, i) => cls[index.get(sig.proj(g, i))!]!))].sort((a, b) => a - b).join(",");

  // Groups are merged only whole: every group of a union must compute the same set of signals.
  // A partial overlap (g's signal equals one of g''s, their other signals differ) would put
  // signals of g and g' in one group, and a group is one node for scheduling: a body reading
  // another signal of its own group without a delay would be an instantaneous cycle. The groups
  // of such a union are tagged (their projections equal only projections of the same group) and
  // the partition is computed again.
  let work = 0;
  const tagged = new Set<RecSig>();
  let cls: Int32Array;
  let unions: RecSig[][];
  for (;;) {
    const p = partition(tagged);
    if (p === "over-budget") return p;
    cls = p;
    unions = unionsOf(cls);
    let again = false;
    for (const members of unions) {
      if (members.length < 2) continue;
      const sets = members.map((g) => classSet(cls, g));
      if (sets.every((t) => t === sets[0])) continue;
      for (const g of members) if (!tagged.has(g)) (tagged.add(g), (again = true));
    }
    if (!again) break;
  }

  // --- the quotient: one representative per class (the first node in order)
  let classCount = 0;
  for (let i = 0; i < n; i++) classCount = Math.max(classCount, cls[i]! + 1);
  const repIdx = new Int32Array(classCount).fill(-1);
  for (let i = 0; i < n; i++) if (repIdx[cls[i]!] === -1) repIdx[cls[i]!] = i;
  const rep = Array.from(repIdx, (i) => nodes[i]!);
  const qkids = Array.from(repIdx, (i) => kids[i]!.map((k) => cls[k]!));

  const qgroups: QuotientGroup[] = [];
  const remarks: Diagnostic[] = [];
  let signalsMerged = 0;
  let groupsMerged = 0;
  for (const members of unions) {
    const signals: number[] = [];
    for (const g of members)
      for (let i = 0; i < recArity(g); i++) {
        const c = cls[index.get(sig.proj(g, i))!]!;
        if (!signals.includes(c)) signals.push(c);
      }
    const g0 = members[0]!;
    const total = members.reduce((t, g) => t + recArity(g), 0);
    const sameShape = signals.length === recArity(g0) && signals.every((c, i) => cls[index.get(sig.proj(g0, i))!] === c);
    qgroups.push({ signals, hint: g0.name, ...(sameShape ? { keep: g0 } : {}) });
    const span = spanOf(sig.proj(g0, 0)) ?? spanOf(g0);
    if (members.length > 1) {
      groupsMerged += members.length - 1;
      remarks.push(
        diag("FL807", { pass: "cse", groups: members.map((g) => formatGroupName(g.name)).join(", ") }, span),
      );
    }
    const collapsed = recArity(g0) - new Set(Array.from({ length: recArity(g0) }, (_, i) => cls[index.get(sig.proj(g0, i))!])).size;
    if (collapsed > 0)
      remarks.push(diag("FL808", { pass: "cse", group: formatGroupName(g0.name), count: collapsed, arity: recArity(g0) }, span));
    signalsMerged += total - signals.length;
  }

  // --- commutative operands: ordered by a structural hash (constants last); ties keep their order
  let swapped = 0;
  if (commutative) {
    const order = quotientOrder({ rep, kids: qkids, groups: qgroups, roots: roots.map((r) => cls[index.get(r)!]!) });
    const hl = rep.map((s, c) => {
      const t = labelOf(s, false) + (comm[repIdx[c]!] ? " ~" : "");
      return new Mix().str(t).done();
    });
    let h = hl.slice();
    for (let round = 0; round < 8; round++) {
      const prev = h;
      h = hl.slice();
      for (const c of order) {
        if (rep[c]!.kind === "proj") h[c] = combine(hl[c]!, [prev[qkids[c]![0]!]!]);
        else {
          const ks = qkids[c]!.map((k) => h[k]!);
          if (comm[repIdx[c]!]) ks.sort((a, b) => a - b);
          h[c] = combine(hl[c]!, ks);
        }
      }
    }
    const isConstClass = (c: number) => rep[c]!.kind === "int" || rep[c]!.kind === "float";
    for (let c = 0; c < classCount; c++) {
      if (!comm[repIdx[c]!]) continue;
      const ks = qkids[c]!;
      const [a, b] = [ks[0]!, ks[1]!];
      const ka = [isConstClass(a) ? 1 : 0, h[a]!];
      const kb = [isConstClass(b) ? 1 : 0, h[b]!];
      if (ka[0]! > kb[0]! || (ka[0] === kb[0] && ka[1]! > kb[1]!)) {
        qkids[c] = [b, a];
        swapped++;
      }
    }
  }

  const built = buildQuotient({ rep, kids: qkids, groups: qgroups, roots: roots.map((r) => cls[index.get(r)!]!) });
  let origCount = 0;
  const origClasses = new Set<number>();
  for (let i = 0; i < n; i++)
    if (original.has(nodes[i]!)) {
      origCount++;
      origClasses.add(cls[i]!);
    }
  const stats: Record<string, number> = {
    "nodes-merged": origCount - origClasses.size,
    "groups-merged": groupsMerged,
    "signals-merged": signalsMerged - groupsMergedSignals(unions),
    "groups-kept-apart": tagged.size,
    "operands-swapped": swapped,
  };
  return { roots: built.roots, stats, remarks };
}

/** The signals of the groups merged into another (counted by groups-merged, not signals-merged). */
function groupsMergedSignals(unions: readonly RecSig[][]): number {
  let t = 0;
  for (const members of unions) for (const g of members.slice(1)) t += recArity(g);
  return t;
}

export const csePass = definePass({
  name: "cse",
  summary: "common subexpressions: commutative operands in a canonical order, recursions equal up to renaming merged",
  options: {
    commutative: boolOption(true, "order the operands of commutative operators (add, mul, and, or, xor, eq, ne, int min/max)"),
    groups: boolOption(true, "merge recursion groups and group signals that are equal up to renaming"),
    budget: intOption(20_000_000, "node visits the refinement may make before it gives up on recursions", { min: 0 }),
  },
  semantics: { exact: true },
  run(graph, am, opts) {
    const r = cseGraph(graph.outputs, { ...opts, spans: am.context.spans?.lookup });
    return rewritten(graph, r.roots, [], r.stats, r.remarks);
  },
});
