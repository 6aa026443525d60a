import { describe, expect, it } from "vitest";
import { DiagnosticError } from "../diagnostics.ts";
import { children, declareRec, defineRec, freshRecName, isSig, make, mapChildren, nodeById, sig, uiAddress, type Sig } from "./signal.ts";

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostics[0]!.code;
    throw e;
  }
  return undefined;
}

describe("hash-consing", () => {
  it("gives structurally equal signals the same object and a dense id", () => {
    const a = sig.add(sig.input(0), sig.float(0.5));
    const b = sig.add(sig.input(0), sig.float(0.5));
    expect(a).toBe(b);
    expect(nodeById(a.id)).toBe(a);
    expect(sig.add(sig.input(1), sig.float(0.5))).not.toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });
  it("keeps int and float constants apart and floats exact", () => {
    expect(sig.int(1)).not.toBe(sig.float(1));
    expect(sig.float(0.1 + 0.2).value).toBe(0.1 + 0.2);
    expect(sig.float(0.1 + 0.2)).not.toBe(sig.float(0.3));
    expect(sig.float(-0)).not.toBe(sig.float(0));
    expect(sig.float(NaN)).toBe(sig.float(NaN));
  });
  it("wraps int constants to 32 bits", () => {
    expect(sig.int(2 ** 31).value).toBe(-(2 ** 31));
    expect(sig.int(2 ** 32 + 5)).toBe(sig.int(5));
  });
  it("includes structured UI data in the key", () => {
    const p = [{ orient: "h" as const, label: "Main" }];
    const s1 = sig.button("go", { path: p, meta: [["tooltip", "start"]] });
    const s2 = sig.button("go", { path: [{ orient: "h", label: "Main" }], meta: [["tooltip", "start"]] });
    expect(s1).toBe(s2);
    expect(sig.button("go", { path: p })).not.toBe(s1);
    expect(uiAddress(s1)).toBe("/Main/go");
  });
  it("rejects ill-typed fields with FL570", () => {
    expect(codeOf(() => make("input", { index: -1 }))).toBe("FL570");
    expect(codeOf(() => make("int", { value: 1.5 }))).toBe("FL570");
    expect(codeOf(() => make("binop", { op: "pow" as never, x: sig.int(1), y: sig.int(2) }))).toBe("FL570");
    expect(codeOf(() => make("delay1", { x: { kind: "int", id: 0, value: 1 } as unknown as Sig }))).toBe("FL570");
  });
});

describe("schema-driven traversal", () => {
  it("lists children in schema order", () => {
    const x = sig.input(0);
    const s = sig.select2(sig.int(0), x, sig.float(2));
    expect(children(s)).toEqual([sig.int(0), x, sig.float(2)]);
    const sl = sig.hslider("f", sig.float(1), sig.float(0), sig.float(2), sig.float(0.1));
    expect(children(sl)).toEqual([sig.float(1), sig.float(0), sig.float(2), sig.float(0.1)]);
    expect(children(sig.waveform([sig.int(1), sig.int(2)]))).toEqual([sig.int(1), sig.int(2)]);
  });
  it("maps children and returns the same node when nothing changes", () => {
    const s = sig.mul(sig.input(0), sig.input(1));
    expect(mapChildren(s, (c) => c)).toBe(s);
    const swapped = mapChildren(s, (c) => (c === sig.input(0) ? sig.input(1) : sig.input(0)));
    expect(swapped).toBe(sig.mul(sig.input(1), sig.input(0)));
  });
  it("expresses select3 with select2 as Faust does", () => {
    const [s, a, b, c] = [sig.input(0), sig.float(1), sig.float(2), sig.float(3)];
    expect(sig.select3(s, a, b, c)).toBe(sig.select2(sig.eq(s, sig.int(0)), sig.select2(sig.eq(s, sig.int(1)), c, b), a));
  });
});

describe("recursion groups", () => {
  it("builds a cycle through a one-sample delay", () => {
    const name = freshRecName("ramp");
    const [y] = sig.recursion(name, 1, ([y]) => [sig.add(sig.int(1), sig.delay1(y!))]);
    expect(y!.kind).toBe("proj");
    const g = y!.group;
    expect(g.bodies[0]).toBe(sig.add(sig.int(1), sig.delay1(y!)));
    expect(children(y!)).toEqual([g]);
    expect(children(g)).toEqual([g.bodies[0]]);
    expect(isSig(g)).toBe(true);
  });
  it("identifies groups by name and accepts an identical redefinition only", () => {
    const name = freshRecName("g");
    const g = declareRec(name, 1);
    const body = sig.delay1(sig.proj(g, 0));
    defineRec(g, [body]);
    expect(declareRec(name, 1)).toBe(g);
    expect(defineRec(g, [body])).toBe(g);
    expect(codeOf(() => defineRec(g, [sig.int(0)]))).toBe("FL562");
    expect(codeOf(() => declareRec(name, 2))).toBe("FL563");
    expect(codeOf(() => sig.proj(g, 1))).toBe("FL570");
  });
  it("makes fresh names unique", () => {
    const a = freshRecName("u");
    declareRec(a, 1);
    expect(freshRecName("u")).not.toBe(a);
  });
});
