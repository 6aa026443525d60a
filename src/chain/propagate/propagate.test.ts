import { describe, expect, it } from "vitest";
import { B, mk, type Box } from "../../core/boxes/box.ts";
import { evaluate } from "../../core/signals/evaluate.ts";
import { sig } from "../../core/signals/signal.ts";
import { extractMetadata, labelPath, resolvePath } from "./labels.ts";
import { arityOf, propagateProcess } from "./propagate.ts";

const w = B.wire();
const impulse = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0));
const run = (b: Box, n = 8, inputs?: number[][]) => {
  const outs = propagateProcess(b);
  const ins = inputs ?? Array.from({ length: arityOf(b).ins }, () => impulse(n));
  return evaluate(outs, { samples: n, inputs: ins.map((a) => Float64Array.from(a)) }).map((a) => Array.from(a));
};

describe("propagation", () => {
  it("splits and delays: _ <: _, @(3)", () => {
    const b = B.split(w, B.par(w, B.seq(B.par(w, B.int(3)), B.prim("delay"))));
    expect(arityOf(b)).toEqual({ ins: 1, outs: 2 });
    const [o0, o1] = propagateProcess(b);
    expect(o0).toBe(sig.input(0));
    expect(o1).toBe(sig.delay(sig.input(0), sig.int(3)));
    expect(run(b, 6)).toEqual([
      [1, 0, 0, 0, 0, 0],
      [0, 0, 0, 1, 0, 0],
    ]);
  });

  it("turns A ~ B into a recursion through a one-sample delay: + ~ *(0.5)", () => {
    const b = B.rec(B.prim("add"), B.seq(B.par(w, B.real(0.5)), B.prim("mul")));
    expect(arityOf(b)).toEqual({ ins: 1, outs: 1 });
    const [y] = propagateProcess(b);
    expect(y!.kind).toBe("proj");
    expect(run(b, 5)).toEqual([[1, 0.5, 0.25, 0.125, 0.0625]]);
  });

  it("sums in a merge modulo the inputs of the right side", () => {
    const four = B.par(B.par(w, w), B.par(w, w));
    const b = B.merge(four, B.par(w, w));
    expect(run(b, 1, [[1], [2], [4], [8]])).toEqual([[5], [10]]);
  });

  it("memoizes: the same box on the same inputs gives the same signals", () => {
    const pole = B.rec(B.prim("add"), B.seq(B.par(w, B.real(0.9)), B.prim("mul")));
    const [a, b] = propagateProcess(B.split(w, B.par(pole, pole)));
    expect(a).toBe(b);
  });

  it("routes with a specification and sums colliding routes", () => {
    const b = mk("route", { ins: B.int(3), outs: B.int(2), spec: B.par(B.par(B.par(B.int(1), B.int(2)), B.par(B.int(3), B.int(2))), B.par(B.int(2), B.int(1))) });
    expect(run(b, 1, [[1], [10], [100]])).toEqual([[10], [101]]);
  });

  it("gives a waveform its size and its periodic signal", () => {
    const b = mk("waveform", { values: [B.int(1), B.int(2), B.int(3)] });
    expect(run(b, 5)).toEqual([
      [3, 3, 3, 3, 3],
      [1, 2, 3, 1, 2],
    ]);
  });

  it("places widgets on the group path given by groups and label paths", () => {
    const slider = mk("hslider", { label: "h:A/[1]freq[unit:Hz]", init: B.int(1), min: B.int(0), max: B.int(2), step: B.real(0.1) });
    const [s] = propagateProcess(mk("vgroup", { label: "G[x:y]", body: slider }));
    expect(s!.kind).toBe("hslider");
    if (s!.kind !== "hslider") return;
    expect(s.label).toBe("freq");
    // the group's metadata stay with it (the UI JSON and buildUserInterface declare them)
    expect(s.path).toEqual([
      { orient: "v", label: "G", meta: [["x", "y"]] },
      { orient: "h", label: "A" },
    ]);
    expect(s.meta).toEqual([
      ["1", ""],
      ["unit", "Hz"],
    ]);
  });
});

describe("labels", () => {
  it("follows Faust's label-path grammar", () => {
    expect(labelPath("foo/bar")).toEqual({ steps: [], name: "foo/bar" });
    expect(labelPath("/abs/c").steps).toEqual([{ kind: "root" }]);
    expect(labelPath("/abs/c").name).toBe("abs/c");
    expect(labelPath("../x")).toEqual({ steps: [{ kind: "parent" }], name: "x" });
    expect(labelPath("h:A/v:B/freq").steps).toHaveLength(2);
    const path = resolvePath([{ orient: "v", label: "top" }], labelPath("h:A/../t:T/x").steps);
    expect(path).toEqual([
      { orient: "v", label: "top" },
      { orient: "t", label: "T" },
    ]);
  });

  it("extracts [key:value] metadata and trims the label", () => {
    expect(extractMetadata(" a  b [style:knob][unit: Hz ]")).toEqual({ label: "a  b", meta: [["style", "knob"], ["unit", "Hz"]] });
    expect(extractMetadata("x[open")).toEqual({ label: "x[open", meta: [] });
    expect(extractMetadata("0 [unit:s][tooltip: typical [Beranek 2004]. More.]")).toEqual({
      label: "0",
      meta: [["unit", "s"], ["tooltip", "typical [Beranek 2004]. More."]],
    });
  });
});

describe("abstractions kept as diagrams", () => {
  it("binds a symbolic box's first input to its slot: \\(x).(x * x + x)", () => {
    const slot = mk("slot", { index: 7 });
    const body = B.seq(B.par(B.seq(B.par(slot, slot), B.prim("mul")), slot), B.prim("add"));
    const b = mk("symbolic", { slot, body });
    expect(arityOf(b)).toEqual({ ins: 1, outs: 1 });
    expect(run(b, 1, [[3]])).toEqual([[12]]);
    // Two uses on different inputs do not share the slot's binding.
    const two = B.par(b, b);
    expect(run(two, 1, [[2], [5]])).toEqual([[6], [30]]);
  });
});
