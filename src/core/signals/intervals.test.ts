import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DiagnosticError, SourceFile } from "../diagnostics.ts";
import { arbSignalGraph } from "../../harness/arbitrary/signals.ts";
import { sig, type Sig } from "./signal.ts";
import { SpanTable } from "../spans.ts";
import { arbArith } from "../../harness/arbitrary/programs.ts";
import { analyzeIntervals, checkProgram, intervalOf, showInterval, type CheckOptions, type Interval } from "./intervals.ts";
import { compileSignals } from "../../driver/signals.ts";
import { normalize } from "../../chain/normalize/normalize.ts";
import { evaluateAll, hasNaN, hasUndefinedIntConversion } from "../../harness/normalize-util.ts";
import { projectPath } from "../paths.ts";

const x = sig.input(0);
const I = (s: Sig): Interval => intervalOf(s);
const slider = (lo: number, hi: number, init = lo) => sig.hslider("d", sig.float(init), sig.float(lo), sig.float(hi), sig.float(1));
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const counter = (name: string, step: Sig = sig.int(1)) => sig.recursion(name, 1, ([c]) => [sig.add(step, sig.delay1(c!))])[0]!;

/** Diagnostics of checkProgram on the normalized outputs (empty when accepted). */
function problems(outputs: Sig[], opts: CheckOptions = {}): { code: string; message: string }[] {
  try {
    checkProgram(normalize(outputs), opts);
    return [];
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostics.map((d) => ({ code: d.code, message: d.message }));
    throw e;
  }
}

describe("interval rules", () => {
  it("assumes Faust's ranges for inputs and controls", () => {
    expect(I(x)).toEqual({ lo: -1, hi: 1 });
    expect(I(slider(20, 2000, 440))).toEqual({ lo: 20, hi: 2000 });
    expect(I(slider(0, 1, 5))).toEqual({ lo: 0, hi: 5 });
    expect(I(sig.button("b"))).toEqual({ lo: 0, hi: 1 });
    expect(I(sig.checkbox("c"))).toEqual({ lo: 0, hi: 1 });
    expect(I(sig.fconst("int", "fSamplingFreq"))).toEqual({ lo: -Number.MAX_VALUE, hi: Number.MAX_VALUE });
  });
  it("does arithmetic, with the whole int range when an int may overflow", () => {
    expect(I(sig.add(x, sig.float(2)))).toEqual({ lo: 1, hi: 3 });
    expect(I(sig.mul(x, sig.float(-3)))).toEqual({ lo: -3, hi: 3 });
    expect(I(sig.sub(sig.int(5), sig.intcast(slider(0, 10))))).toEqual({ lo: -5, hi: 5 });
    expect(I(sig.mul(sig.intcast(slider(0, 100000)), sig.int(100000)))).toEqual({ lo: INT_MIN, hi: INT_MAX });
    expect(I(sig.div(sig.float(1), slider(1, 4)))).toEqual({ lo: 0.25, hi: 1 });
    // a divisor that may be 0: anything
    expect(I(sig.div(sig.float(10), slider(0, 10)))).toEqual({ lo: -Infinity, hi: Infinity });
  });
  it("bounds remainders by the divisor and the dividend", () => {
    expect(I(sig.rem(sig.intcast(slider(0, 100)), sig.int(7)))).toEqual({ lo: 0, hi: 6 });
    expect(I(sig.rem(sig.intcast(slider(0, 5)), sig.int(7)))).toEqual({ lo: 0, hi: 5 });
    expect(I(sig.rem(sig.intcast(slider(-100, 100)), sig.int(-10)))).toEqual({ lo: -9, hi: 9 });
    expect(I(sig.rem(slider(0, 100), sig.float(7.5)))).toEqual({ lo: 0, hi: 7.5 });
  });
  it("truncates and saturates int(), joins 0 into delays, joins select2's branches", () => {
    expect(I(sig.intcast(sig.mul(x, sig.float(2.5))))).toEqual({ lo: -2, hi: 2 });
    expect(I(sig.intcast(sig.mul(x, sig.float(1e10))))).toEqual({ lo: INT_MIN, hi: INT_MAX });
    expect(I(sig.delay1(slider(5, 10)))).toEqual({ lo: 0, hi: 10 });
    expect(I(sig.delay(slider(5, 10), sig.int(3)))).toEqual({ lo: 0, hi: 10 });
    expect(I(sig.select2(x, sig.int(3), sig.int(5)))).toEqual({ lo: 3, hi: 5 });
    expect(I(sig.prefix(sig.int(7), slider(0, 1)))).toEqual({ lo: 0, hi: 7 });
  });
  it("gives comparisons [0, 1] or the known answer, and bitwise operators their bit range", () => {
    expect(I(sig.gt(x, sig.int(0)))).toEqual({ lo: 0, hi: 1 });
    expect(I(sig.gt(x, sig.int(2)))).toEqual({ lo: 0, hi: 0 });
    expect(I(sig.and(sig.intcast(slider(0, 100)), sig.int(15)))).toEqual({ lo: 0, hi: 15 });
    expect(I(sig.or(sig.intcast(slider(0, 100)), sig.int(3)))).toEqual({ lo: 0, hi: 127 });
    expect(I(sig.shl(sig.intcast(slider(0, 4)), sig.int(2)))).toEqual({ lo: 0, hi: 16 });
    expect(I(sig.ashr(sig.intcast(slider(-64, 64)), sig.int(2)))).toEqual({ lo: -16, hi: 16 });
  });
  it("covers the math primitives", () => {
    const sin = I(sig.math1("sin", x));
    expect(sin.lo).toBeLessThanOrEqual(Math.sin(-1));
    expect(sin.hi).toBeGreaterThanOrEqual(Math.sin(1));
    expect(sin.hi).toBeLessThan(0.85);
    expect(I(sig.math1("cos", sig.mul(x, sig.float(4))))).toEqual({ lo: -1, hi: 1 });
    const log = I(sig.math1("log", slider(0, 10)));
    expect(log.lo).toBe(-Infinity);
    expect(log.hi).toBeCloseTo(Math.log(10), 12);
    expect(I(sig.math1("sqrt", x)).lo).toBe(0);
    expect(I(sig.math1("abs", x))).toEqual({ lo: 0, hi: 1 });
    expect(I(sig.math2("min", sig.int(100), slider(0, 1000)))).toEqual({ lo: 0, hi: 100 });
    expect(I(sig.math2("max", sig.int(1), x))).toEqual({ lo: 1, hi: 1 });
    const p = I(sig.math2("pow", x, sig.int(2)));
    expect(p.lo).toBe(0);
    expect(p.hi).toBeGreaterThanOrEqual(1);
    expect(I(sig.math1("tan", sig.mul(x, sig.float(2))))).toEqual({ lo: -Infinity, hi: Infinity });
  });
  it("gives a table read the interval of the table's generator", () => {
    const gen = sig.floatcast(counter("itv.gen"));
    const tbl = sig.table(sig.int(8), sig.mul(sig.float(0.5), sig.math1("sin", gen)));
    const r = I(sig.rdtable(tbl, sig.intcast(slider(0, 7))));
    expect(r.lo).toBeGreaterThanOrEqual(-0.5 - 1e-15);
    expect(r.hi).toBeLessThanOrEqual(0.5 + 1e-15);
    expect(I(sig.waveform([sig.int(3), sig.float(-1.5), sig.int(7)]))).toEqual({ lo: -1.5, hi: 7 });
  });
});

describe("recursion: Faust's fixpoint with widening", () => {
  it("widens a counter, which then wraps over the int range", () => {
    expect(I(counter("itv.c1"))).toEqual({ lo: INT_MIN, hi: INT_MAX });
    expect(I(sig.rem(counter("itv.c2"), sig.int(10)))).toEqual({ lo: -9, hi: 9 });
    // a float counter: widened to +∞, then the descending step finds it never below 1
    expect(I(sig.floatcast(counter("itv.c3", sig.float(1) as Sig)))).toEqual({ lo: 1, hi: Infinity });
  });
  it("keeps a recursion that stays put, and widens a filter of the input to ±∞", () => {
    const [still] = sig.recursion("itv.still", 1, ([y]) => [sig.mul(sig.float(0.5), sig.delay1(y!))]);
    expect(I(still!)).toEqual({ lo: 0, hi: 0 });
    const [lp] = sig.recursion("itv.lp", 1, ([y]) => [sig.add(x, sig.mul(sig.float(0.5), sig.delay1(y!)))]);
    expect(I(lp!)).toEqual({ lo: -Infinity, hi: Infinity });
  });
  it("converges further with a larger widening limit (Faust's -wi)", () => {
    const [d] = sig.recursion("itv.decay", 1, ([y]) => [sig.add(sig.float(1), sig.mul(sig.float(0.5), sig.delay1(y!)))]);
    const def = analyzeIntervals([d!]).get(d!)!;
    expect(def).toEqual({ lo: 1, hi: Infinity });
    const wide = analyzeIntervals([d!], { wideningLimit: 200 }).get(d!)!;
    expect(wide.lo).toBe(1);
    expect(wide.hi).toBeLessThanOrEqual(2);
    expect(wide.hi).toBeGreaterThan(1.99);
  });
  it("recovers bounds with descending steps after widening, before deciding where ints may wrap", () => {
    // y = min(10, y' + 1): widened to the int range, then y ⊆ body = [1, 10]; y' + 1 never overflows
    const [y] = sig.recursion("itv.sat", 1, ([p]) => [sig.math2("min", sig.int(10), sig.add(sig.delay1(p!), sig.int(1)))]);
    expect(analyzeIntervals([y!]).get(y!)).toEqual({ lo: 1, hi: 10 });
    expect(analyzeIntervals([y!], { narrowingLimit: 2 }).get(y!)).toEqual({ lo: 1, hi: 10 });
    // without descending steps, the widened bound makes y' + 1 overflow: the int range
    expect(analyzeIntervals([y!], { narrowingSteps: 0 }).get(y!)).toEqual({ lo: INT_MIN, hi: INT_MAX });
    // corpus/programs/delays/variable_counter.dsp: (+(3) : %(8)) ~ _ steps 3, 6, 1, 4, …
    const [n] = sig.recursion("itv.mod8", 1, ([p]) => [sig.rem(sig.add(sig.delay1(p!), sig.int(3)), sig.int(8))]);
    expect(I(n!)).toEqual({ lo: 0, hi: 7 });
  });
});

describe("checkProgram: Faust's rejections and delay line sizes", () => {
  it("rejects a negative constant delay (corpus/programs/errors/negative_delay.dsp)", () => {
    // process = _ @ (-1);
    const p = problems([sig.output(0, sig.delay(x, sig.int(-1)))]);
    expect(p).toEqual([{ code: "FL530", message: "possible negative values of -1, used in delay expression IN[0]: interval [-1, -1]" }]);
  });
  it("rejects a delay by a possibly negative slider, accepts it within [0, max]", () => {
    expect(problems([sig.delay(x, sig.intcast(slider(-1, 10)))]).map((d) => d.code)).toEqual(["FL530"]);
    expect(problems([sig.delay(x, slider(0, 10))])).toEqual([]);
    expect(problems([sig.delay(x, sig.mul(sig.float(-1), slider(0, 10)))])[0]!.message).toContain("[-10, 0]");
  });
  it("rejects a delay by a counter (its interval wraps over the int range) and by min(100, counter)", () => {
    expect(problems([sig.delay(x, counter("chk.c1"))])[0]!.message).toContain(`[${INT_MIN}, ${INT_MAX}]`);
    expect(problems([sig.delay(x, sig.math2("min", sig.int(100), counter("chk.c2")))])[0]!.message).toContain(`[${INT_MIN}, 100]`);
    expect(problems([sig.delay(x, sig.rem(counter("chk.c3"), sig.int(10)))])[0]!.message).toContain("[-9, 9]");
  });
  it("converts a float amount with int() as Faust 2.88 does: a float recursion covers the int range", () => {
    const p = problems([sig.delay(x, counter("chk.f", sig.float(1)))]);
    expect(p.map((d) => d.code)).toEqual(["FL530"]);
    expect(p[0]!.message).toMatch(/^possible negative values of int\(proj0\(@chk\.f[.0-9]*\)\), used in delay expression IN\[0\]: interval \[-2147483648, 2147483647\]$/);
  });
  it("accepts a delay by a bounded counter (corpus/programs/delays/variable_counter.dsp)", () => {
    const [n] = sig.recursion("chk.mod8", 1, ([p]) => [sig.rem(sig.add(sig.int(3), sig.delay1(p!)), sig.int(8))]);
    const d = sig.delay(counter("chk.ramp"), n!);
    const [out] = normalize([d]);
    expect(checkProgram([out!]).delays.get(out!)).toBe(7);
  });
  it("rejects a delay by a foreign constant (Faust knows nothing of it) but accepts the clamped sample rate", () => {
    const sr = sig.fconst("int", "fSamplingFreq", "<math.h>");
    expect(problems([sig.delay(x, sr)]).map((d) => d.code)).toEqual(["FL530"]);
    const clamped = sig.math2("min", sig.float(192000), sig.math2("max", sig.float(1), sig.floatcast(sr)));
    expect(problems([sig.delay(x, sig.intcast(clamped))])).toEqual([]);
  });
  it("rejects a delay whose maximum exceeds the limit", () => {
    const d = sig.delay(x, sig.intcast(slider(0, 1e6)));
    expect(problems([d], { maxDelay: 65536 })).toEqual([
      { code: "FL532", message: "delay of up to 1000000 samples in delay expression IN[0] exceeds the limit of 65536 samples" },
    ]);
    expect(problems([d])).toEqual([]);
  });
  it("reports every problem at once, with the delay's span", () => {
    const file = new SourceFile("t.dsp", "process = _ @ (-1);");
    const bad = sig.delay(sig.input(1), sig.int(-2));
    const spans = new SpanTable<Sig>();
    spans.set(bad, { file, start: 10, end: 18 });
    try {
      checkProgram([bad, sig.delay(x, counter("chk.c4"))], { spans: spans.lookup });
      expect.unreachable();
    } catch (e) {
      const ds = (e as DiagnosticError).diagnostics;
      expect(ds.map((d) => d.code)).toEqual(["FL530", "FL530"]);
      expect(ds[0]!.span?.start).toBe(10);
    }
  });
  it("sizes delay lines and tables", () => {
    const tbl = sig.table(sig.int(16), sig.float(0.5));
    const d1 = sig.delay1(x);
    const d5 = sig.delay(x, sig.int(5));
    const dv = sig.delay(x, sig.intcast(sig.math1("abs", sig.mul(x, sig.float(100)))));
    const info = checkProgram([d1, d5, dv, sig.rdtable(tbl, sig.int(0))]);
    expect(info.delays.get(d1)).toBe(1);
    expect(info.delays.get(d5)).toBe(5);
    expect(info.delays.get(dv)).toBe(100);
    expect(info.tables.get(tbl)).toBe(16);
    expect(problems([sig.rdtable(sig.table(sig.int(16), sig.float(0)), sig.int(0))], { maxTableSize: 8 }).map((d) => d.code)).toEqual(["FL533"]);
  });
  it("prints intervals with infinities", () => {
    expect(showInterval({ lo: -Infinity, hi: 3 })).toBe("[-inf, 3]");
  });
});

describe("soundness", () => {
  const check = (roots: Sig[]) => {
    const values = evaluateAll(roots);
    fc.pre(!hasNaN(values) && !hasUndefinedIntConversion(values));
    const itvs = analyzeIntervals(roots);
    for (const [s, vs] of values) {
      const i = itvs.get(s)!;
      for (const v of vs) if (!(i.lo <= v && v <= i.hi)) return false;
    }
    return true;
  };
  const runs = Number(process.env.NZ_RUNS ?? 150);
  it("every evaluated sample of a random graph lies in its interval", () => {
    fc.assert(fc.property(arbSignalGraph({ finite: true }), check), { numRuns: runs });
  });
  it("every evaluated sample of a random arithmetic graph lies in its interval, before and after normalization", () => {
    fc.assert(
      fc.property(fc.oneof(arbArith("int"), arbArith("float")), (roots) => check(roots) && check(normalize(roots))),
      { numRuns: runs },
    );
  });
});

describe("through the compilation driver (corpus programs)", () => {
  const corpus = (rel: string) => projectPath("corpus", "programs", rel);
  const codes = (f: () => unknown) => {
    try {
      f();
      return [];
    } catch (e) {
      if (e instanceof DiagnosticError) return e.diagnostics.map((d) => d.code);
      throw e;
    }
  };
  it("rejects errors/negative_delay.dsp with FL530 at the delay", () => {
    expect(codes(() => compileSignals(corpus("errors/negative_delay.dsp")))).toEqual(["FL530"]);
  });
  it("sizes the delay lines of delays/variable_counter.dsp, delays/variable_slider.dsp and delays/long.dsp", () => {
    const sizes = (rel: string) => [...compileSignals(corpus(rel)).info.delays.values()].sort((a, b) => a - b);
    expect(sizes("delays/variable_counter.dsp")).toContain(7);
    expect(sizes("delays/variable_slider.dsp")).toContain(20);
    expect(sizes("delays/long.dsp")).toEqual(expect.arrayContaining([1500, 2000]));
  });
});
