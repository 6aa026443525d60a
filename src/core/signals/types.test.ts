import { describe, expect, it } from "vitest";
import { freshRecName, sig } from "./signal.ts";
import { showType, typeOf } from "./types.ts";

const ty = (s: Parameters<typeof typeOf>[0]) => showType(typeOf(s));
const x = sig.input(0);
const slider = sig.hslider("gain", sig.float(0.5), sig.float(0), sig.float(1), sig.float(0.01));

describe("typing rules", () => {
  it("types constants, inputs and controls", () => {
    expect(ty(sig.int(3))).toBe("int,constant,compile");
    expect(ty(sig.float(3))).toBe("float,constant,compile");
    expect(ty(x)).toBe("float,sample,exec");
    expect(ty(slider)).toBe("float,block,exec");
    expect(ty(sig.button("go"))).toBe("float,block,exec");
    expect(ty(sig.fconst("int", "fSamplingFreq"))).toBe("int,constant,init");
  });
  it("joins natures and rates of operands", () => {
    expect(ty(sig.add(sig.int(1), sig.float(2)))).toBe("float,constant,compile");
    expect(ty(sig.add(sig.int(1), sig.int(2)))).toBe("int,constant,compile");
    expect(ty(sig.mul(slider, sig.int(2)))).toBe("float,block,exec");
    expect(ty(sig.mul(slider, x))).toBe("float,sample,exec");
  });
  it("applies Faust's operator-specific natures", () => {
    expect(ty(sig.div(sig.int(1), sig.int(2)))).toBe("float,constant,compile");
    expect(ty(sig.lt(x, sig.float(0)))).toBe("int,sample,exec");
    expect(ty(sig.and(x, sig.int(1)))).toBe("int,sample,exec");
    expect(ty(sig.rem(sig.int(7), sig.int(2)))).toBe("int,constant,compile");
    expect(ty(sig.math1("sin", sig.int(1)))).toBe("float,constant,compile");
    expect(ty(sig.math1("abs", sig.int(-1)))).toBe("int,constant,compile");
    expect(ty(sig.math2("max", sig.int(1), sig.int(2)))).toBe("int,constant,compile");
    expect(ty(sig.math2("pow", sig.int(1), sig.int(2)))).toBe("float,constant,compile");
  });
  it("makes anything through a delay sample-rate", () => {
    expect(ty(sig.delay1(x))).toBe("float,sample,exec");
    expect(ty(sig.delay1(slider))).toBe("float,sample,exec");
    expect(ty(sig.delay1(sig.int(1)))).toBe("int,sample,compile");
    expect(ty(sig.delay(slider, sig.int(3)))).toBe("float,sample,exec");
    expect(ty(sig.prefix(sig.int(0), sig.float(1)))).toBe("float,sample,compile");
  });
  it("casts set the nature", () => {
    expect(ty(sig.intcast(x))).toBe("int,sample,exec");
    expect(ty(sig.floatcast(sig.int(1)))).toBe("float,constant,compile");
  });
  it("types select2, tables and bargraphs", () => {
    expect(ty(sig.select2(sig.button("b"), sig.int(1), sig.int(2)))).toBe("int,block,exec");
    expect(ty(sig.select2(sig.int(0), sig.int(1), sig.float(2)))).toBe("float,constant,compile");
    const tbl = sig.table(sig.int(4), sig.int(7));
    expect(ty(sig.rdtable(tbl, sig.intcast(x)))).toBe("int,sample,exec");
    expect(ty(sig.rwtable(tbl, sig.int(0), x, sig.int(1)))).toBe("float,sample,exec");
    expect(ty(sig.waveform([sig.int(1), sig.float(2)]))).toBe("float,sample,compile");
    expect(ty(sig.ffun("sinf", "float", ["float"], [sig.float(1)]))).toBe("float,constant,init");
    expect(ty(sig.ffun("rand", "int", [], []))).toBe("int,sample,init");
    expect(ty(sig.fvar("int", "count"))).toBe("int,block,exec");
    expect(ty(sig.hbargraph("m", sig.float(0), sig.float(1), sig.int(1)))).toBe("int,block,compile");
  });
  it("solves recursion by a fixpoint", () => {
    const [ramp] = sig.recursion(freshRecName("ramp"), 1, ([y]) => [sig.add(sig.int(1), sig.delay1(y!))]);
    expect(ty(ramp!)).toBe("int,sample,init");
    const [filt] = sig.recursion(freshRecName("lp"), 1, ([y]) => [sig.add(x, sig.mul(sig.float(0.5), sig.delay1(y!)))]);
    expect(ty(filt!)).toBe("float,sample,exec");
    // a float enters through the second signal of a group and reaches the first one
    const [a, b] = sig.recursion(freshRecName("ab"), 2, ([a, b]) => [sig.delay1(b!), sig.add(sig.delay1(a!), slider)]);
    expect(ty(a!)).toBe("float,sample,exec");
    expect(ty(b!)).toBe("float,sample,exec");
    // an int recursion stays int
    const [c] = sig.recursion(freshRecName("cnt"), 1, ([c]) => [sig.rem(sig.add(sig.delay1(c!), sig.int(1)), sig.int(10))]);
    expect(ty(c!)).toBe("int,sample,init");
  });
  it("is memoized by identity", () => {
    const s = sig.add(x, slider);
    expect(typeOf(s)).toBe(typeOf(s));
  });
});
