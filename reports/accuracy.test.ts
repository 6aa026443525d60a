import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempTree } from "../src/cli/testutil.ts";
import { compareRendering, formatSnr, measureAccuracy, whiteNoise } from "./accuracy.ts";

describe("compareRendering", () => {
  it("gives an infinite SNR for an exact rendering", () => {
    const t = [Float64Array.from([1, -2, 3])];
    const m = compareRendering(t, [Float64Array.from([1, -2, 3])]);
    expect(m).toEqual({ snr: Infinity, maxAbsError: 0, stable: true });
    expect(formatSnr(m)).toBe("exact");
  });
  it("computes the SNR from the energies of signal and error", () => {
    // signal energy 1+1+1+1 = 4, error energy 4 × 0.01² = 4e-4 → 40 dB
    const m = compareRendering([Float64Array.from([1, -1, 1, -1])], [Float64Array.from([1.01, -0.99, 1.01, -0.99])]);
    expect(m.snr).toBeCloseTo(40, 9);
    expect(m.maxAbsError).toBeCloseTo(0.01, 12);
    expect(formatSnr(m)).toBe("40.0");
  });
  it("sums over every output", () => {
    const m = compareRendering([Float64Array.from([1, 0]), Float64Array.from([0, 1])], [Float64Array.from([1, 0]), Float64Array.from([0, 1.1])]);
    expect(m.snr).toBeCloseTo(10 * Math.log10(2 / 0.01), 9);
  });
  it("flags divergence and non-finite samples as unstable", () => {
    expect(compareRendering([Float64Array.from([0.5, 0.5])], [Float64Array.from([0.5, Infinity])]).stable).toBe(false);
    expect(compareRendering([Float64Array.from([0.5, 0.5])], [Float64Array.from([0.5, NaN])]).stable).toBe(false);
    expect(compareRendering([Float64Array.from([0.5, 0.5])], [Float64Array.from([0.5, 5000])]).stable).toBe(false);
    expect(formatSnr(compareRendering([Float64Array.from([0.5])], [Float64Array.from([1e9])]))).toBe("unstable");
  });
});

describe("whiteNoise", () => {
  it("is deterministic, in [-0.5, 0.5), different per channel and roughly zero-mean", () => {
    const a = whiteNoise();
    const b = whiteNoise();
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      expect(a(0, i)).toBe(b(0, i));
      expect(a(0, i)).toBeGreaterThanOrEqual(-0.5);
      expect(a(0, i)).toBeLessThan(0.5);
      sum += a(0, i);
    }
    expect(Math.abs(sum / 10000)).toBeLessThan(0.02);
    expect(a(1, 5)).not.toBe(a(0, 5));
  });
});

describe("measureAccuracy", () => {
  const tree = tempTree("accuracy");
  const lp = tree.write("lp.dsp", 'import("stdfaust.lib");\nprocess = fi.lowpass(4, 1000);\n');
  it("measures float32 against float64, with the real compiler beside it", async () => {
    const r = await measureAccuracy(lp, { samples: 4000, passes: "normalize" });
    expect(r.inputs).toBe(1);
    expect(r.errors).toEqual([]);
    // float32 of a 4th-order lowpass at 1 kHz: about 115 dB for both compilers (issue 8's figure for Faust 2.88)
    expect(r.measures.f32!.snr).toBeGreaterThan(100);
    expect(r.measures.f32!.snr).toBeLessThan(140);
    expect(r.measures["ref f32"]!.snr).toBeGreaterThan(100);
    // the real compiler's float64 is the same response up to rounding
    expect(r.measures["ref f64"]!.snr).toBeGreaterThan(200);
    expect(r.measures["f64+P"]!.stable).toBe(true);
  });
  it("prints a table and writes JSON through the CLI", async () => {
    const json = path.join(tree.dir, "acc.json");
    const r = await runCli("accuracy", lp, "-n", "2000", "-no-reference", "-passes", "normalize", "-json", json);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^program\s+f32\s+f32 normalize\s+f64 normalize\s+ref f32\s+ref f64$/m);
    expect(r.out).toMatch(/^lp\.dsp\s+\d+\.\d\s+\d+\.\d\s+(exact|\d+\.\d)\s+-\s+-$/m);
    const data = JSON.parse(fs.readFileSync(json, "utf8"));
    expect(data.passes).toBe("normalize");
    expect(data.rows[0].measures.f32.stable).toBe(true);
  });
  it("reports a program error as a diagnostic, not a crash", async () => {
    const bad = tree.write("bad.dsp", "process = undefined_thing;\n");
    const r = await runCli("accuracy", bad, "-no-reference", "-json", path.join(tree.dir, "x.json"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.dsp:1:\d+: error FL4/);
  });
});
