// The evaluator against the reference compiler: hand-built signal graphs of
// small Faust programs must compute the same samples as libfaust (in double).
import { describe, expect, it } from "vitest";
import { compileReference, renderReference } from "../../harness/oracle.ts";
import { evaluate } from "./evaluate.ts";
import { freshRecName, sig, type Sig } from "./signal.ts";

const input = [0.5, -2.5, 3.25, 1.5, -0.75, 7.9, 0, -3.1, 2.2, 100.5];
const x = sig.input(0);

async function reference(source: string): Promise<number[][]> {
  const c = await compileReference(source, "t", { double: true });
  return renderReference(c, { samples: input.length, sampleRate: 44100, blockSize: 4, input: (_c, i) => input[i]! }).data.map((d) => [...d]);
}
const ours = (roots: Sig[]) => evaluate(roots, { samples: input.length, inputs: [input], sampleRate: 44100 }).map((d) => [...d]);

describe("reference evaluator agrees with libfaust", () => {
  it("one-pole filter: process = + ~ *(0.5)", async () => {
    const [y] = sig.recursion(freshRecName("op"), 1, ([y]) => [sig.add(x, sig.mul(sig.delay1(y!), sig.float(0.5)))]);
    expect(ours([y!])).toEqual(await reference("process = + ~ *(0.5);"));
  });
  it("int counter that overflows: process = +(1000000000) ~ _", async () => {
    const [y] = sig.recursion(freshRecName("ovf"), 1, ([y]) => [sig.add(sig.delay1(y!), sig.int(1000000000))]);
    expect(ours([y!])).toEqual(await reference("process = +(1000000000) ~ _;"));
  });
  it("int and float division, remainder, casts and comparisons", async () => {
    const i = sig.intcast(x);
    const roots = [sig.div(i, sig.int(2)), sig.rem(i, sig.int(3)), sig.rem(x, sig.int(2)), sig.lt(x, sig.int(1)), sig.and(i, sig.int(6))];
    expect(ours(roots)).toEqual(await reference("process = _ <: int(_)/2, int(_)%3, _%2, _<1, int(_)&6;"));
  });
  it("delays and select2 with a float selector", async () => {
    const roots = [sig.delay(x, sig.int(3)), sig.delay1(x), sig.select2(x, sig.int(10), x)];
    expect(ours(roots)).toEqual(await reference("process = _ <: @(3), _', select2(_, 10, _);"));
  });
  it("table lookup: rdtable(5, +(1)~_, int(_))", async () => {
    const [r] = sig.recursion(freshRecName("gen"), 1, ([r]) => [sig.add(sig.delay1(r!), sig.int(1))]);
    const tbl = sig.table(sig.int(5), r!);
    expect(ours([sig.rdtable(tbl, sig.intcast(x))])).toEqual(await reference("process = rdtable(5, +(1)~_, int(_));"));
  });
});
