import { describe, expect, it } from "vitest";
import { realizeTf, realizeZpk } from "./realize.ts";
import { fixture } from "./fixtures.ts";
import { runCascade, faustNoise, compareSignals } from "./errors.ts";
import { filterCascadeDF1, totalGain } from "./sos.ts";
import { float32 } from "./structures.ts";
import { cx } from "./complex.ts";

describe("realizeTf / realizeZpk", () => {
  it("realizes fi.lowpass(8, 50) from zpk above 110 dB in float32, L2-scaled", () => {
    const r = realizeZpk(fixture("butter-lowpass-8-50").zpk, { scaling: "l2" });
    if (!r.ok) throw new Error(r.reason);
    const x = faustNoise(48000);
    const ref = filterCascadeDF1(r.sos.sections, x);
    const y = runCascade(r.choice.sections.map((s) => s.realization), x, float32);
    expect(compareSignals(ref, y).snrDb).toBeGreaterThan(110);
    expect(totalGain(r.sos.sections)).toBeCloseTo(fixture("butter-lowpass-8-50").zpk.k, 20);
  });

  it("keeps a pure delay and restricts the candidates", () => {
    const r = realizeTf({ b: [0, 0, 0.5, 0.5], a: [1, -0.5] }, { candidates: ["df2t"] });
    if (!r.ok) throw new Error(r.reason);
    expect(r.sos.delay).toBe(2);
    expect(r.choice.sections.every((s) => s.best === "df2t")).toBe(true);
  });

  it("refuses unstable, non-causal and non-finite filters with a reason", () => {
    const unstable = realizeTf({ b: [1], a: [1, -1.5, 0.5] }); // a pole at z = 1
    expect(unstable.ok).toBe(false);
    if (!unstable.ok) expect(unstable.reason).toMatch(/not stable/);
    expect(realizeTf({ b: [1], a: [0, 1] }).ok).toBe(false);
    expect(realizeTf({ b: [NaN], a: [1] }).ok).toBe(false);
    expect(realizeZpk({ z: [cx(0.5, 0.1)], p: [], k: 1 }).ok).toBe(false); // unpaired complex zero
  });
});
