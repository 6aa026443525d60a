import { describe, expect, it } from "vitest";
import { scheduleDag, STRATEGIES, type Strategy } from "./schedule.ts";

/** A DAG on 0…n-1 from its dependency lists. */
const dag = (deps: number[][]) => ({ nodes: deps.map((_, i) => i), deps: (i: number) => deps[i]! });
const run = (g: ReturnType<typeof dag>, s: Strategy, budget?: number) => scheduleDag(g.nodes, g.deps, s, { compare: (a, b) => a - b, budget });

/** Every node once, each after its dependencies. */
function valid(g: ReturnType<typeof dag>, order: readonly number[]): boolean {
  const at = new Map(order.map((v, i) => [v, i]));
  return order.length === g.nodes.length && at.size === order.length && g.nodes.every((v) => g.deps(v).every((d) => at.get(d)! < at.get(v)!));
}

describe("scheduleDag: the acceptance orders", () => {
  // 3 → 1, 2; 1, 2 → 0
  const diamond = dag([[], [0], [0], [1, 2]]);
  // 1 → 0, 2 → 0, 3 alone, 4 → 1, 2, 3
  const forkJoin = dag([[], [0], [0], [], [1, 2, 3]]);
  it.each([
    [0, [0, 1, 2, 3], [0, 1, 2, 3, 4]],
    [1, [0, 1, 2, 3], [0, 3, 1, 2, 4]],
    [2, [0, 2, 1, 3], [0, 2, 3, 1, 4]],
    [3, [0, 2, 1, 3], [0, 3, 2, 1, 4]],
  ] as [Strategy, number[], number[]][])("strategy %i", (s, d, f) => {
    expect(run(diamond, s).order).toEqual(d);
    expect(run(forkJoin, s).order).toEqual(f);
  });
  it("a chain has one order under every strategy", () => {
    const chain = dag([[], [0], [1], [2]]);
    for (const s of STRATEGIES) expect(run(chain, s).order).toEqual([0, 1, 2, 3]);
  });
});

describe("scheduleDag: validity and limits", () => {
  it("every strategy gives a valid order on pseudo-random DAGs", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < 40; t++) {
      const n = 1 + Math.floor(rnd() * 30);
      const g = dag(Array.from({ length: n }, (_, i) => Array.from({ length: i }, (_, j) => j).filter(() => rnd() < 0.2)));
      for (const s of STRATEGIES) expect(valid(g, run(g, s).order)).toBe(true);
    }
  });
  it("the interleaved order of a ladder of 200 diamonds (2^200 paths) is exact, without a fallback", () => {
    // stage k: two nodes on the previous join, then a join on both (the paths double at each stage)
    const deps: number[][] = [[]];
    for (let k = 0, join = 0; k < 200; k++, join += 3) deps.push([join], [join], [join + 1, join + 2]);
    const g = dag(deps);
    const r = run(g, 2);
    expect(r.fallback).toBe(false);
    expect(valid(g, r.order)).toBe(true);
  });
  it("past its budget the interleaved strategy falls back to depth-first, and says so", () => {
    const g = dag(Array.from({ length: 50 }, (_, i) => (i ? [i - 1] : [])));
    const r = run(g, 2, 100);
    expect(r.fallback).toBe(true);
    expect(r.order).toEqual(run(g, 0).order);
  });
  it("ties at one height go by the comparison, not by the order of the nodes", () => {
    const g = dag([[], [], [0, 1]]);
    expect(scheduleDag(g.nodes, g.deps, 1, { compare: (a, b) => b - a }).order).toEqual([1, 0, 2]);
    expect(scheduleDag(g.nodes, g.deps, 1).order).toEqual([0, 1, 2]);
  });
  it("rejects a cycle", () => {
    const g = dag([[1], [0], [0]]);
    expect(() => run(g, 0)).toThrow(/cycle/);
  });
});
