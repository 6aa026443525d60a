// Lockstep bundles in the signal schedule (src/core/signals/schedule.ts): which
// recursions of the same shape are found side by side, which are not, and the
// crosswise dependencies that must not contract into a cycle.
import { describe, expect, it } from "vitest";
import { compileSignals } from "../../driver/signals.ts";
import { scheduleSignals, type SignalSchedule } from "./schedule.ts";
import { STRATEGIES } from "../schedule.ts";

const schedule = (text: string, lockstep = true, strategy: 0 | 1 | 2 | 3 = 0): SignalSchedule => {
  const p = compileSignals({ text: `import("stdfaust.lib");\n${text}`, path: "/virtual/lockstep.dsp" }, { precision: "single" });
  const s = scheduleSignals(p.outputs, strategy, { lockstep });
  if ("cycle" in s) throw new Error("cycle");
  return s;
};
/** The widths of the bundles, and the number of recursive units left alone. */
const bundles = (s: SignalSchedule) => ({
  lanes: s.units.filter((u) => u.lanes).map((u) => u.lanes!.length),
  alone: s.units.filter((u) => u.recursive && !u.lanes).length,
});
/** Every unit comes after the units it depends on. */
const ordered = (s: SignalSchedule) => {
  const pos = new Map(s.units.map((u, i) => [u, i]));
  return s.units.every((u, i) => s.deps.get(u)!.every((d) => pos.get(d)! < i));
};

describe("lockstep bundles", () => {
  it("the eight resonators of a resonbp bank are one bundle of eight lanes", () => {
    const s = schedule("process = no.noise <: par(i, 8, fi.resonbp(100*(i+1), 30, 0.1)) :> _;");
    expect(bundles(s)).toEqual({ lanes: [8], alone: 1 }); // the noise generator's recursion stays alone
    const b = s.units.find((u) => u.lanes)!;
    // node i of every lane, then node i + 1: the lanes have one width
    expect(b.nodes.length).toBe(b.lanes!.reduce((n, l) => n + l.nodes.length, 0));
    expect(b.lanes!.every((l) => l.nodes.length === b.lanes![0]!.nodes.length)).toBe(true);
    expect(ordered(s)).toBe(true);
  });

  // Normalization orders the three terms of each biquad's feedback sum (input, a1·y', a2·y'') by
  // their structure, which differs from channel to channel; lanes must round alike, so channels
  // whose sums associate differently are in different bundles.
  it("a bank of eight tf2 biquads on eight channels is in bundles, one per association of the feedback sum", () => {
    const s = schedule("process = par(i, 8, fi.tf2(0.2, 0.3, 0.1, -1.1, 0.4));");
    expect(bundles(s).alone).toBe(0);
    expect(bundles(s).lanes.reduce((a, b) => a + b, 0)).toBe(8);
    expect(bundles(s).lanes.length).toBeLessThanOrEqual(3);
  });

  it("so is a bank with coefficients per channel", () => {
    const s = schedule("process = par(i, 8, fi.tf2(0.2 + 0.01*i, 0.3, 0.1 - 0.005*i, -1.1 - 0.02*i, 0.4 + 0.03*i));");
    expect(bundles(s).alone).toBe(0);
    expect(bundles(s).lanes.reduce((a, b) => a + b, 0)).toBe(8);
    expect(bundles(s).lanes.length).toBeLessThanOrEqual(3);
  });

  it("stereo filters on a shared control are one bundle of two lanes", () => {
    const s = schedule('process = par(i, 2, fi.lowpass(4, hslider("f", 1000, 20, 20000, 1)));');
    expect(bundles(s).lanes).toEqual([2, 2]); // two biquad sections per channel, each pair side by side
    expect(bundles(s).alone).toBe(0);
  });

  it("is not found when the structures differ, nor without the option", () => {
    // a one-pole and a biquad: different shapes
    expect(bundles(schedule("process = fi.pole(0.5), fi.tf2(0.2, 0.3, 0.1, -1.1, 0.4);"))).toEqual({ lanes: [], alone: 2 });
    // the same filter with different delay amounts (int literals are part of the shape)
    expect(bundles(schedule("process = par(i, 2, +~(@(i+2) : *(0.5)));"))).toEqual({ lanes: [], alone: 2 });
    expect(bundles(schedule("process = par(i, 8, fi.tf2(0.2, 0.3, 0.1, -1.1, 0.4));", false))).toEqual({ lanes: [], alone: 8 });
  });

  it("does not bundle a recursion with one it depends on (a cascade)", () => {
    const s = schedule("process = fi.pole(0.5) : fi.pole(0.25) : fi.pole(0.125);");
    expect(bundles(s)).toEqual({ lanes: [], alone: 3 });
  });

  it("bundles of two shapes depending on each other crosswise are dissolved until the units form a DAG", () => {
    // poles a, b and biquads c, d: c reads a, b reads d. Bundling {a, b} and {c, d} would make each
    // bundle depend on the other.
    const src = "process = (fi.pole(0.5) : fi.tf2(0.2, 0.3, 0.1, -1.1, 0.4)), (fi.tf2(0.25, 0.3, 0.1, -1.2, 0.45) : fi.pole(0.25));";
    for (const ss of STRATEGIES) {
      const s = schedule(src, true, ss);
      expect(ordered(s)).toBe(true);
      const b = bundles(s);
      expect(b.lanes.length).toBe(1); // one of the two bundles is kept
      expect(b.alone).toBe(2);
    }
  });

  it("every strategy schedules the bundles after their dependencies", () => {
    for (const ss of STRATEGIES) {
      const s = schedule("process = no.noise <: par(i, 4, fi.resonbp(100*(i+1), 30, 0.1)) :> fi.pole(0.5);", true, ss);
      expect(bundles(s)).toEqual({ lanes: [4], alone: 2 });
      expect(ordered(s)).toBe(true);
    }
  });
});
