// The basic analyses every pass can ask for:
//
//   types      Faust's sigtype of every node (nature, variability, computability)
//   intervals  the value interval of every node (src/core/signals/intervals.ts, Faust's assumptions)
//   uses       how many times each node is used as an operand (fan-out), counting every edge
//   stats      counts of nodes by kind, recursion groups, delay-line memory
//
// Each prints one line per node in the canonical text order (`%n: …`), so a
// golden test can CHECK a node's fact by its local name.

import { analyzeIntervals, checkProgram, showInterval, type Interval } from "../src/core/signals/intervals.ts";
import { reachable, segments, type SignalGraph } from "../src/core/signals/graph.ts";
import { children, type Kind, type Sig } from "../src/core/signals/signal.ts";
import { showType, typeOf, type SigType } from "../src/core/signals/types.ts";
import type { Analysis, PrintContext } from "./analysis.ts";

/** The graph's nodes in canonical print order (the order of the `%n` names). */
export function printOrder(g: SignalGraph): Sig[] {
  return segments(g.outputs).flatMap((s) => s.nodes);
}

function perNode<T>(result: ReadonlyMap<Sig, T>, ctx: PrintContext, show: (v: T, s: Sig) => string | undefined): string {
  const rows: [number, string][] = [];
  for (const s of printOrder(ctx.graph)) {
    const v = result.get(s);
    if (v === undefined) continue;
    const t = show(v, s);
    const name = ctx.name(s);
    // in the order of the printed text: %0, %1, …, then groups
    if (t !== undefined) rows.push([name.startsWith("%") ? Number(name.slice(1)) : Infinity, `${name}: ${t}`]);
  }
  rows.sort((a, b) => a[0] - b[0]);
  return rows.map((r) => r[1] + "\n").join("");
}

const VALUE_LESS = new Set<Kind>(["rec", "table", "output", "soundfile"]);

export const typesAnalysis: Analysis<ReadonlyMap<Sig, SigType>> = {
  name: "types",
  summary: "Faust's signal type of every node: nature (int/float), variability (constant/block/sample), computability",
  compute(g) {
    const m = new Map<Sig, SigType>();
    for (const s of reachable(g.outputs)) if (!VALUE_LESS.has(s.kind)) m.set(s, typeOf(s));
    return m;
  },
  print: (r, ctx) => perNode(r, ctx, (t) => showType(t)),
};

export const intervalsAnalysis: Analysis<ReadonlyMap<Sig, Interval>> = {
  name: "intervals",
  summary: "the interval of values of every node, under Faust's assumptions (inputs in [-1,1], controls in their range)",
  compute: (g) => analyzeIntervals(g.outputs),
  print: (r, ctx) => perNode(r, ctx, (i, s) => (VALUE_LESS.has(s.kind) ? undefined : showInterval(i))),
};

export const usesAnalysis: Analysis<ReadonlyMap<Sig, number>> = {
  name: "uses",
  summary: "the number of operand edges reading each node (its fan-out), outputs included",
  compute(g) {
    const m = new Map<Sig, number>();
    for (const s of reachable(g.outputs)) {
      if (!m.has(s)) m.set(s, 0);
      for (const c of children(s)) m.set(c, (m.get(c) ?? 0) + 1);
    }
    for (const r of g.outputs) m.set(r, m.get(r)! + 1);
    return m;
  },
  print: (r, ctx) => perNode(r, ctx, (n) => String(n)),
};

export interface GraphStats {
  readonly nodes: number;
  readonly byKind: ReadonlyMap<string, number>;
  readonly recursionGroups: number;
  /** Sum of the delay-line sizes (samples), as the backends allocate them. */
  readonly delayMemory: number;
  readonly tableMemory: number;
}

export const statsAnalysis: Analysis<GraphStats> = {
  name: "stats",
  summary: "node counts by kind, recursion groups, delay-line and table memory",
  compute(g) {
    const nodes = reachable(g.outputs);
    const byKind = new Map<string, number>();
    for (const s of nodes) {
      const k = s.kind === "binop" || s.kind === "math1" || s.kind === "math2" ? s.op : s.kind;
      byKind.set(k, (byKind.get(k) ?? 0) + 1);
    }
    let delayMemory = 0;
    let tableMemory = 0;
    try {
      const info = checkProgram(g.outputs);
      // one line per delayed signal, as long as its longest delay
      const lines = new Map<Sig, number>();
      for (const [d, n] of info.delays) {
        const x = (d as Sig & { x: Sig }).x;
        lines.set(x, Math.max(lines.get(x) ?? 0, n));
      }
      for (const n of lines.values()) delayMemory += n;
      for (const t of info.tables.values()) tableMemory += t;
    } catch {
      delayMemory = tableMemory = NaN; // a graph Faust would reject (e.g. an unbounded delay)
    }
    return { nodes: nodes.length, byKind, recursionGroups: nodes.filter((s) => s.kind === "rec").length, delayMemory, tableMemory };
  },
  print(r) {
    const kinds = [...r.byKind].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return [`nodes: ${r.nodes}`, `recursion groups: ${r.recursionGroups}`, `delay memory: ${r.delayMemory}`, `table memory: ${r.tableMemory}`, ...kinds.map(([k, n]) => `${k}: ${n}`)].join("\n") + "\n";
  },
};

export const BASIC_ANALYSES: readonly Analysis<unknown>[] = [typesAnalysis, intervalsAnalysis, usesAnalysis, statsAnalysis] as Analysis<unknown>[];
