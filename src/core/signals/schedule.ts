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
// Table generators are not entered (each is a scope of its own). FIR
// generation emits in this order; the `schedule` analysis prints it.

import { scheduleDag, type Strategy } from "../schedule.ts";
import { instantChildren, instantOrder, localChildren, stronglyConnected } from "./graph.ts";
import { compareSignals } from "./order.ts";
import { type Sig } from "./signal.ts";
import { typeOf, VARIABILITY, type Variability } from "./types.ts";

export interface ScheduleUnit {
  /** The group of a recursion (the structurally least, if several share a cycle), else the node. */
  readonly head: Sig;
  /** Its nodes, each after its instantaneous dependencies. */
  readonly nodes: readonly Sig[];
  readonly recursive: boolean;
  readonly rate: Variability;
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
export function scheduleSignals(roots: readonly Sig[], strategy: Strategy): SignalSchedule | { cycle: Sig[] } {
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
  const units: ScheduleUnit[] = inner.map((nodes, u) => {
    const groups = nodes.filter((s) => s.kind === "rec");
    const head = groups.length ? groups.reduce((a, b) => (compareSignals(b, a) < 0 ? b : a)) : nodes[nodes.length - 1]!;
    return { head, nodes, recursive: comps[u]!.length > 1 || edges(nodes[0]!).includes(nodes[0]!), rate: VARIABILITY[rank[u]!]! };
  });
  const deps = new Map<ScheduleUnit, ScheduleUnit[]>(units.map((x, u) => [x, depIdx[u]!.map((v) => units[v]!)]));
  const ordered: ScheduleUnit[] = [];
  let fallback = false;
  for (let r = 0; r < VARIABILITY.length; r++) {
    const here = units.filter((_, u) => rank[u] === r);
    const s = scheduleDag(here, (x) => deps.get(x)!.filter((y) => y.rate === x.rate), strategy, { compare: (a, b) => compareSignals(a.head, b.head) });
    fallback ||= s.fallback;
    ordered.push(...s.order);
  }
  return { strategy, units: ordered, order: ordered.flatMap((x) => x.nodes), deps, fallback };
}
