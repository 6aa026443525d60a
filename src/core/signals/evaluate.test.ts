import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DiagnosticError } from "../diagnostics.ts";
import { arbSignalGraph } from "../../harness/arbitrary/signals.ts";
import { evaluate } from "./evaluate.ts";
import { freshRecName, sig, type Sig } from "./signal.ts";

const run = (roots: Sig[], samples: number, inputs: number[][] = [], extra = {}) => evaluate(roots, { samples, inputs, ...extra }).map((a) => [...a]);
const x = sig.input(0);

describe("reference evaluator", () => {
  it("runs a ramp y = 1 + y'", () => {
    const [y] = sig.recursion(freshRecName("ramp"), 1, ([y]) => [sig.add(sig.int(1), sig.delay1(y!))]);
    expect(run([y!], 5)).toEqual([[1, 2, 3, 4, 5]]);
  });
  it("runs a one-pole filter on an impulse", () => {
    const [y] = sig.recursion(freshRecName("lp"), 1, ([y]) => [sig.add(x, sig.mul(sig.float(0.5), sig.delay1(y!)))]);
    expect(run([sig.output(0, y!)], 5, [[1, 0, 0, 0, 0]])).toEqual([[1, 0.5, 0.25, 0.125, 0.0625]]);
  });
  it("rounds every float result to float32 in single precision, never an int", () => {
    // 1/3 + 1e-9: the sum is rounded (the small term vanishes), the int ramp is not
    const f = sig.add(sig.div(sig.float(1), sig.float(3)), sig.float(1e-9));
    const [ramp] = sig.recursion(freshRecName("ramp"), 1, ([y]) => [sig.add(sig.int(16777217), sig.delay1(y!))]);
    const [d, s] = [run([f], 1)[0]![0]!, run([f], 1, [], { precision: "single" })[0]![0]!];
    expect(d).toBe(1 / 3 + 1e-9);
    expect(s).toBe(Math.fround(1 / 3));
    expect(run([ramp!], 1, [], { precision: "single" })).toEqual([[16777217]]);
    // inputs are rounded where they are read
    expect(run([x], 1, [[0.1]], { precision: "single" })).toEqual([[Math.fround(0.1)]]);
  });
  it("runs mutually recursive signals", () => {
    const [a, b] = sig.recursion(freshRecName("ab"), 2, ([a, b]) => [sig.delay1(b!), sig.add(sig.delay1(a!), sig.int(1))]);
    expect(run([a!, b!], 5)).toEqual([
      [0, 1, 1, 2, 2],
      [1, 1, 2, 2, 3],
    ]);
  });
  it("wraps 32-bit integer arithmetic", () => {
    expect(run([sig.add(sig.int(2147483647), sig.int(1))], 1)).toEqual([[-2147483648]]);
    expect(run([sig.mul(sig.int(65536), sig.int(65536))], 1)).toEqual([[0]]);
    expect(run([sig.sub(sig.int(-2147483648), sig.int(1))], 1)).toEqual([[2147483647]]);
    const [y] = sig.recursion(freshRecName("big"), 1, ([y]) => [sig.add(sig.int(1000000000), sig.delay1(y!))]);
    expect(run([y!], 3)).toEqual([[1000000000, 2000000000, 3000000000 - 4294967296]]);
    // the same with floats does not wrap
    expect(run([sig.add(sig.float(2147483647), sig.int(1))], 1)).toEqual([[2147483648]]);
  });
  it("follows Faust's int/float semantics of / and %", () => {
    expect(run([sig.div(sig.int(1), sig.int(2))], 1)).toEqual([[0.5]]);
    expect(run([sig.rem(sig.int(-7), sig.int(2))], 1)).toEqual([[-1]]);
    expect(run([sig.rem(sig.float(-7.5), sig.int(2))], 1)).toEqual([[-1.5]]);
    expect(run([sig.rem(sig.int(5), sig.int(0))], 1)).toEqual([[0]]);
    expect(run([sig.intcast(sig.float(-2.7)), sig.intcast(sig.float(3e9)), sig.intcast(sig.float(NaN))], 1)).toEqual([[-2], [3e9 - 2 ** 32], [0]]);
    expect(run([sig.shl(sig.int(1), sig.int(31)), sig.lshr(sig.int(-1), sig.int(28)), sig.ashr(sig.int(-16), sig.int(2))], 1)).toEqual([[-2147483648], [15], [-4]]);
    expect(run([sig.and(sig.float(7.9), sig.int(3)), sig.lt(sig.int(1), sig.float(1.5))], 1)).toEqual([[3], [1]]);
  });
  it("implements delays and prefix", () => {
    const ins = [[1, 2, 3, 4, 5]];
    expect(run([sig.delay(x, sig.int(2))], 5, ins)).toEqual([[0, 0, 1, 2, 3]]);
    expect(run([sig.prefix(sig.int(7), x)], 5, ins)).toEqual([[7, 1, 2, 3, 4]]);
    expect(run([sig.delay1(x)], 5, ins)).toEqual([[0, 1, 2, 3, 4]]);
    // a delay amount that varies: 0, 1, 2, 0, 1
    const amount = sig.intcast(sig.input(1));
    expect(run([sig.delay(x, amount)], 5, [[1, 2, 3, 4, 5], [0, 1, 2, 0, 1]])).toEqual([[1, 1, 1, 4, 4]]);
  });
  it("looks up read-only and read-write tables", () => {
    const [r] = sig.recursion(freshRecName("gen"), 1, ([r]) => [sig.add(sig.int(1), sig.delay1(r!))]);
    const tbl = sig.table(sig.int(4), sig.mul(r!, sig.int(10))); // 10 20 30 40
    expect(run([sig.rdtable(tbl, sig.intcast(x))], 5, [[0, 3, 5, -1, 1.9]])).toEqual([[10, 40, 40, 10, 20]]);
    // write x at index t % 4, read index 0
    const [t] = sig.recursion(freshRecName("time"), 1, ([t]) => [sig.add(sig.int(1), sig.delay1(t!))]);
    const idx = sig.rem(sig.sub(t!, sig.int(1)), sig.int(4));
    expect(run([sig.rwtable(tbl, idx, sig.intcast(x), sig.int(0))], 6, [[5, 6, 7, 8, 9, 10]])).toEqual([[5, 5, 5, 5, 9, 9]]);
  });
  it("selects, plays waveforms and applies math", () => {
    expect(run([sig.select2(x, sig.int(10), sig.int(20))], 3, [[0, 1, 0.5]])).toEqual([[10, 20, 10]]);
    expect(run([sig.select3(sig.intcast(x), sig.int(1), sig.int(2), sig.int(3))], 4, [[0, 1, 2, 5]])).toEqual([[1, 2, 3, 3]]);
    expect(run([sig.waveform([sig.int(1), sig.int(2), sig.float(3.5)])], 5)).toEqual([[1, 2, 3.5, 1, 2]]);
    expect(run([sig.math1("sqrt", sig.float(2)), sig.math2("pow", sig.int(2), sig.int(10)), sig.math1("rint", sig.float(2.5)), sig.math1("round", sig.float(-2.5))], 1)).toEqual([
      [Math.SQRT2],
      [1024],
      [2],
      [-3],
    ]);
    expect(run([sig.math2("remainder", sig.float(5), sig.float(3)), sig.math2("fmod", sig.float(5), sig.float(3)), sig.math1("abs", sig.int(-3))], 1)).toEqual([[-1], [2], [3]]);
  });
  it("reads controls by address, as constants or functions of time", () => {
    const path = [{ orient: "h" as const, label: "Main" }];
    const sl = sig.hslider("gain", sig.float(0.5), sig.float(0), sig.float(1), sig.float(0.01), { path });
    expect(run([sl], 2)).toEqual([[0.5, 0.5]]);
    expect(run([sl], 2, [], { controls: { "/Main/gain": 0.25 } })).toEqual([[0.25, 0.25]]);
    expect(run([sig.button("go")], 3, [], { controls: { "/go": (t: number) => (t >= 1 ? 1 : 0) } })).toEqual([[0, 1, 1]]);
    expect(run([sig.attach(x, sig.hbargraph("m", sig.float(0), sig.float(1), x))], 2, [[3, 4]])).toEqual([[3, 4]]);
  });
  it("implements enable and control", () => {
    const c = sig.input(1);
    expect(run([sig.enable(x, c), sig.control(x, c)], 4, [[1, 2, 3, 4], [1, 0, 0, 1]])).toEqual([
      [1, 1, 1, 4],
      [1, 1, 1, 4],
    ]);
  });
  it("evaluates foreign constants and functions", () => {
    expect(run([sig.fconst("int", "fSamplingFreq")], 1, [], { sampleRate: 48000 })).toEqual([[48000]]);
    expect(run([sig.ffun("sinf", "float", ["float"], [sig.float(1)])], 1)).toEqual([[Math.sin(1)]]);
    expect(run([sig.fvar("int", "count")], 1, [], { foreign: { vars: { count: 3.7 } } })).toEqual([[3]]);
    expect(() => run([sig.fconst("float", "nowhere")], 1)).toThrow(/FL573|foreign constant 'nowhere'/);
  });
  it("refuses an ill-formed graph with a diagnostic", () => {
    const [y] = sig.recursion(freshRecName("bad"), 1, ([y]) => [sig.add(sig.int(1), y!)]);
    expect(() => run([y!], 2)).toThrow(DiagnosticError);
  });
  it("evaluates random graphs deterministically (property)", () => {
    fc.assert(
      fc.property(arbSignalGraph(), (roots) => {
        const ins = [Float64Array.from({ length: 16 }, (_, i) => Math.sin(i)), Float64Array.from({ length: 16 }, (_, i) => i % 3)];
        const a = evaluate(roots, { samples: 16, inputs: ins });
        const b = evaluate(roots, { samples: 16, inputs: ins });
        expect(a).toEqual(b);
        expect(a.length).toBe(roots.length);
      }),
      { numRuns: 200 },
    );
  });
});
