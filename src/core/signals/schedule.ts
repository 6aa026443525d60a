// The schedule of a signal graph: in what order one sample's computations
// are done, hierarchically.
//
//   - units: the strongly connected components of the graph (all edges, the
//     delayed ones included): a recursion (its group, projections, bodies and
//     the delays reading them) is one unit, any other node a unit of its own.
//     Inside a unit, nodes follow their instantaneous dependencies
//     (post-order from the unit's head); the units form a DAG.
//   - rates: each unit has the largest variability (constant, block, sample)
//     of its nodes and of the units it depends on; the schedule lists the
//     constant units, then the block-rate ones, then the sample-rate ones,
//     each rate scheduled on its own sub-DAG by the strategy (src/core/schedule.ts,
//     Faust's -ss), ties broken by the structural order of the units' heads
//     (order.ts: a recursion's head is its group), never by node ids.
//
//   - lockstep bundles (option `lockstep`): sample-rate recursive units of the
//     same shape (the same nodes and edges inside the unit, up to what they
//     read from outside: inputs, coefficients, other units; int literals read
//     from outside, such as delay amounts, are part of the shape) that do not
//     depend on one another become one unit whose lanes are computed side by
//     side: node i of every lane, then node i+1 of every lane. The shape is
//     found by a walk from each unit's head numbering its nodes, which is also
//     the correspondence of the lanes' nodes; its text is hashed to group the
//     candidates and compared in full to confirm them.
//
// Table generators are not entered (each is a scope of its own). FIR
// generation emits in this order; the `schedule` analysis prints it.

import { InternalError } from "../assert.ts";
import { scheduleDag, type Strategy } from "../schedule.ts";
import { instantChildren, instantOrder, localChildren, stronglyConnected } from "./graph.ts";
import { compareSignals } from "./order.ts";
import { encodeParam, fieldsOf, type Sig } from "./signal.ts";
import { typeOf, VARIABILITY, type Variability } from "./types.ts";

export interface ScheduleUnit {
  /** The group of a recursion (the structurally least, if several share a cycle), else the node. */
  readonly head: Sig;
  /** Its nodes, each after its instantaneous dependencies. */
  readonly nodes: readonly Sig[];
  readonly recursive: boolean;
  readonly rate: Variability;
  /** A lockstep bundle: its lanes (units of one shape), whose nodes `nodes` interleaves. */
  readonly lanes?: readonly ScheduleUnit[];
}

export interface ScheduleOptions {
  /** Bundle independent recursions of the same shape into lockstep units (default false). */
  readonly lockstep?: boolean;
}

export interface SignalSchedule {
  readonly strategy: Strategy;
  /** The units, constant ones first, then block-rate, then sample-rate; each after those it depends on. */
  readonly units: readonly ScheduleUnit[];
  /** Every node, unit after unit. */
  readonly order: readonly Sig[];
  /** Units each unit depends on (other than itself). */
  readonly deps: ReadonlyMap<ScheduleUnit, readonly ScheduleUnit[]>;
  /** The interleaved strategy fell back to depth-first on some rate (too many paths to summarize). */
  readonly fallback: boolean;
}

// the edges within one clock domain (a domain's body is scheduled by itself)
const edges = (s: Sig): readonly Sig[] => (s.kind === "table" ? [] : localChildren(s));
const rateRank = (v: Variability) => VARIABILITY.indexOf(v);

/** The schedule of the graph under `roots`, or the nodes of an instantaneous cycle. */
export function scheduleSignals(roots: readonly Sig[], strategy: Strategy, opts: ScheduleOptions = {}): SignalSchedule | { cycle: Sig[] } {
  const unitOf = new Map<Sig, number>();
  const comps: Sig[][] = [];
  stronglyConnected(roots, edges, (comp) => {
    for (const s of comp) unitOf.set(s, comps.length);
    comps.push(comp);
  });
  // inside each unit: post-order over the instantaneous edges that stay in it (an instantaneous
  // cycle, which can only be inside a unit, makes it fail: instantOrder then names the cycle)
  const inner: Sig[][] = [];
  for (let u = 0; u < comps.length; u++) {
    const comp = comps[u]!;
    const kids = (s: Sig) => instantChildren(s).filter((c) => unitOf.get(c) === u);
    if (comp.length === 1 && !kids(comp[0]!).length) {
      inner.push(comp);
      continue;
    }
    try {
      inner.push([...scheduleDag([...comp].reverse(), kids, 0).order]);
    } catch {
      const r = instantOrder(roots);
      return "cycle" in r ? r : { cycle: comp };
    }
  }
  // the units, dependencies first (Tarjan's order), their dependencies and rates
  const depIdx: number[][] = inner.map((nodes, u) => {
    const ds: number[] = [];
    for (const s of nodes)
      for (const c of edges(s)) {
        const v = unitOf.get(c)!;
        if (v !== u && !ds.includes(v)) ds.push(v);
      }
    return ds;
  });
  const rank: number[] = [];
  for (let u = 0; u < inner.length; u++) {
    let r = 0;
    for (const s of inner[u]!) r = Math.max(r, rateRank(typeOf(s).variability));
    for (const v of depIdx[u]!) r = Math.max(r, rank[v]!);
    rank.push(r);
  }
  let units: ScheduleUnit[] = inner.map((nodes, u) => {
    const groups = nodes.filter((s) => s.kind === "rec");
    const head = groups.length ? groups.reduce((a, b) => (compareSignals(b, a) < 0 ? b : a)) : nodes[nodes.length - 1]!;
    return { head, nodes, recursive: comps[u]!.length > 1 || edges(nodes[0]!).includes(nodes[0]!), rate: VARIABILITY[rank[u]!]! };
  });
  let unitDeps = depIdx;
  if (opts.lockstep) ({ units, deps: unitDeps } = bundle(units, depIdx, unitOf));
  const deps = new Map<ScheduleUnit, ScheduleUnit[]>(units.map((x, u) => [x, unitDeps[u]!.map((v) => units[v]!)]));
  const ordered: ScheduleUnit[] = [];
  let fallback = false;
  for (const rate of VARIABILITY) {
    const here = units.filter((x) => x.rate === rate);
    const s = scheduleDag(here, (x) => deps.get(x)!.filter((y) => y.rate === x.rate), strategy, { compare: (a, b) => compareSignals(a.head, b.head) });
    fallback ||= s.fallback;
    ordered.push(...s.order);
  }
  return { strategy, units: ordered, order: ordered.flatMap((x) => x.nodes), deps, fallback };
}

// (min and max are left out: with NaN or signed zeros their operands do not commute bit for bit)
const COMMUTATIVE = new Set(["add", "mul", "and", "or", "xor", "eq", "ne"]);
const isCommutative = (s: Sig) => (s.kind === "binop" || s.kind === "math2") && COMMUTATIVE.has(s.op);

/**
 * A unit's shape (text) and its nodes in the walk's order: a DFS from the head over the unit's own
 * edges, numbering nodes on first visit. The operands of a commutative operation are visited in the
 * order of a local key (their structure a few levels down, leaves abstracted), so that lanes
 * normalization wrote as `a + b` and `b + a` have one shape.
 */
function shapeOf(unit: ScheduleUnit, u: number, unitOf: ReadonlyMap<Sig, number>): { text: string; nodes: Sig[] } {
  // int literals (delay amounts) are part of the shape, and so is the table a lane reads (by identity)
  const leaf = (c: Sig) => (c.kind === "int" ? `i${c.value}` : c.kind === "table" ? `t${c.id}` : `L${typeOf(c).nature}`);
  const params = (s: Sig) => {
    const rec = s as unknown as Record<string, unknown>;
    const items: string[] = [s.kind];
    for (const [name, type] of fieldsOf(s.kind)) if (type !== "sig" && type !== "sigs" && type !== "group" && type !== "name") items.push(encodeParam(type, rec[name]));
    return items.join(" ");
  };
  const keyMemo = new Map<string, string>();
  const key = (c: Sig, depth: number): string => {
    if (unitOf.get(c) !== u) return leaf(c);
    if (depth === 0) return c.kind;
    const id = `${c.id}:${depth}`;
    const hit = keyMemo.get(id);
    if (hit !== undefined) return hit;
    const ks = edges(c).map((x) => key(x, depth - 1));
    if (isCommutative(c)) ks.sort();
    const k = `${params(c)}(${ks.join(",")})`;
    keyMemo.set(id, k);
    return k;
  };
  const operands = (s: Sig): readonly Sig[] => {
    const cs = edges(s);
    if (!isCommutative(s) || cs.length !== 2) return cs;
    const [x, y] = cs as [Sig, Sig];
    return key(y, 4) < key(x, 4) ? [y, x] : cs;
  };
  const num = new Map<Sig, number>();
  const nodes: Sig[] = [];
  const parts: string[] = [];
  const visit = (s: Sig) => {
    num.set(s, nodes.length);
    nodes.push(s);
  };
  visit(unit.head);
  for (let k = 0; k < nodes.length; k++) {
    const s = nodes[k]!;
    const items = [params(s)];
    for (const c of operands(s)) {
      if (unitOf.get(c) === u) {
        if (!num.has(c)) visit(c);
        items.push(`n${num.get(c)}`);
      } else items.push(leaf(c));
    }
    parts.push(items.join(" "));
  }
  return { text: parts.join(";"), nodes };
}

/**
 * What a lane may hold: pure computations, delays and recursions. State kept by node (enable,
 * control, rwtable), clock domains (a unit a bundle must not cross) and bargraphs stay scalar.
 */
const LANE_KINDS: ReadonlySet<Sig["kind"]> = new Set<Sig["kind"]>(["rec", "proj", "binop", "math1", "math2", "intcast", "floatcast", "select2", "delay1", "delay", "prefix", "rdtable", "ffun", "int", "float"]);

/** Units of one shape that do not depend on each other, contracted into lockstep bundles (see the header). */
function bundle(units: readonly ScheduleUnit[], deps: readonly (readonly number[])[], unitOf: ReadonlyMap<Sig, number>): { units: ScheduleUnit[]; deps: number[][] } {
  const byShape = new Map<number, { text: string; members: { u: number; nodes: Sig[] }[] }[]>();
  units.forEach((x, u) => {
    if (!x.recursive || x.rate !== "sample" || !x.nodes.every((n) => LANE_KINDS.has(n.kind))) return;
    const sh = shapeOf(x, u, unitOf);
    const h = hashText(sh.text);
    let list = byShape.get(h);
    if (!list) byShape.set(h, (list = []));
    // the hash groups, the full text confirms (the walk's numbering is the lanes' correspondence)
    let cls = list.find((c) => c.text === sh.text);
    if (!cls) list.push((cls = { text: sh.text, members: [] }));
    cls.members.push({ u, nodes: sh.nodes });
  });
  const into = new Int32Array(units.length).fill(-1); // unit → bundle index
  const bundles: { u: number; nodes: Sig[] }[][] = [];
  // the level of each sample-rate unit: 1 + the largest level of the sample-rate units it depends on
  // (units come dependencies first); units of one level do not depend on one another
  const level = new Int32Array(units.length);
  units.forEach((x, u) => {
    for (const v of deps[u]!) if (units[v]!.rate === "sample") level[u] = Math.max(level[u]!, level[v]! + 1);
  });
  const add = (lanes: { u: number; nodes: Sig[] }[]) => {
    for (const m of lanes) into[m.u] = bundles.length;
    bundles.push(lanes);
  };
  for (const list of byShape.values())
    for (const cls of list) {
      if (cls.members.length < 2) continue;
      // first the members of one level (sections k of a stereo cascade side by side)
      const byLevel = new Map<number, { u: number; nodes: Sig[] }[]>();
      for (const m of cls.members) {
        const l = byLevel.get(level[m.u]!);
        if (l) l.push(m);
        else byLevel.set(level[m.u]!, [m]);
      }
      for (const l of byLevel.values()) if (l.length >= 2) add(l);
      // then the rest greedily, dependencies first: a unit joins the open bundle unless it depends on one of its lanes
      let open: { u: number; nodes: Sig[] }[] = [];
      const flush = () => {
        if (open.length >= 2) add(open);
        open = [];
      };
      for (const m of cls.members) {
        if (into[m.u]! >= 0) continue;
        if (open.length && reaches(m.u, new Set(open.map((x) => x.u)), deps)) flush();
        open.push(m);
      }
      flush();
    }
  // bundles of different shapes depending on each other crosswise (a lane of X reads a lane of Y and
  // a lane of Y one of X) would make the contracted graph cyclic: dissolve the last bundle of each
  // cycle until none is left
  for (;;) {
    const c = contract(units, deps, into, bundles);
    const cyc = cyclicBundle(c.deps, c.bundleOf);
    if (cyc < 0) return { units: c.units, deps: c.deps };
    for (const m of bundles[cyc]!) into[m.u] = -1;
  }
}

/** The DAG with each bundle (`into[u]` ≥ 0) in the place of its first lane; `bundleOf[i]` is the bundle of contracted unit i, or −1. */
function contract(units: readonly ScheduleUnit[], deps: readonly (readonly number[])[], into: Int32Array, bundles: readonly (readonly { u: number; nodes: Sig[] }[])[]): { units: ScheduleUnit[]; deps: number[][]; bundleOf: number[] } {
  const index = new Int32Array(units.length);
  const out: ScheduleUnit[] = [];
  const bundleOf: number[] = [];
  const outDeps: number[][] = [];
  const slot = new Map<number, number>();
  units.forEach((x, u) => {
    const b = into[u]!;
    if (b < 0) {
      index[u] = out.length;
      out.push(x);
      bundleOf.push(-1);
      return;
    }
    if (slot.has(b)) return void (index[u] = slot.get(b)!);
    slot.set(b, out.length);
    index[u] = out.length;
    const lanes = bundles[b]!;
    const width = lanes[0]!.nodes.length;
    // node i of every lane, i in lane 0's own (instantaneous) order
    const pos = new Map(lanes[0]!.nodes.map((s, i) => [s, i]));
    const nodes = units[lanes[0]!.u]!.nodes.flatMap((s) => lanes.map((l) => l.nodes[pos.get(s)!]!));
    if (nodes.length !== width * lanes.length) throw new InternalError("lockstep: lanes of different sizes");
    out.push({ head: x.head, nodes, recursive: true, rate: "sample", lanes: lanes.map((l) => units[l.u]!) });
    bundleOf.push(b);
  });
  units.forEach((_, u) => {
    const me = index[u]!;
    const list = (outDeps[me] ??= []);
    for (const v of deps[u]!) {
      const d = index[v]!;
      if (d !== me && !list.includes(d)) list.push(d);
    }
  });
  return { units: out, deps: outDeps, bundleOf };
}

/** A bundle on a cycle of the contracted graph (the greatest of the first cycle found), or −1. */
function cyclicBundle(deps: readonly (readonly number[])[], bundleOf: readonly number[]): number {
  let found = -1;
  stronglyConnected<number>(
    deps.map((_, i) => i),
    (i) => deps[i]!,
    (comp) => {
      if (found >= 0 || comp.length < 2) return;
      found = Math.max(...comp.map((i) => bundleOf[i]!));
    },
  );
  return found;
}

/** Whether unit `from` depends (transitively) on one of `targets`; units come dependencies first, so the walk stops below the least target. */
function reaches(from: number, targets: ReadonlySet<number>, deps: readonly (readonly number[])[]): boolean {
  const least = Math.min(...targets);
  const seen = new Set<number>([from]);
  const stack = [from];
  while (stack.length) {
    for (const v of deps[stack.pop()!]!) {
      if (targets.has(v)) return true;
      if (v >= least && !seen.has(v)) (seen.add(v), stack.push(v));
    }
  }
  return false;
}

/** A 32-bit FNV-1a hash of a text. */
function hashText(t: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
