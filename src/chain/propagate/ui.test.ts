import { describe, expect, it } from "vitest";
import { B, mk } from "../../core/boxes/box.ts";
import { propagateProcess } from "./propagate.ts";
import { addressSegment, buildUI, flattenUI } from "./ui.ts";

const slider = (label: string, init = 0, max = 1) => mk("hslider", { label, init: B.int(init), min: B.int(0), max: B.int(max), step: B.int(1) });

describe("the UI description", () => {
  it("wraps widgets in a vertical group named after the program", () => {
    // process = hslider("b",0,0,1,1) + vgroup("top", hslider("a",0,0,1,1)) (shapes as the reference prints them)
    const box = B.seq(B.par(slider("b"), mk("vgroup", { label: "top", body: slider("a") })), B.prim("add"));
    const ui = buildUI(propagateProcess(box), "p");
    expect(ui).toHaveLength(1);
    expect(ui[0]).toMatchObject({ type: "vgroup", label: "p" });
    expect(flattenUI(ui).map((w) => w.address).sort()).toEqual(["/p/b", "/p/top/a"]);
  });

  it("makes a single top-level group the root", () => {
    const ui = buildUI(propagateProcess(mk("hgroup", { label: "top", body: slider("a") })), "p");
    expect(ui[0]).toMatchObject({ type: "hgroup", label: "top" });
    expect(flattenUI(ui)[0]).toMatchObject({ type: "hslider", label: "a", address: "/top/a", init: 0, min: 0, max: 1, step: 1 });
  });

  it("merges groups with the same path and sorts widget metadata by key", () => {
    const box = B.seq(B.par(slider("h:A/v:B/[1]freq[unit:Hz][style:knob]"), slider("h:A/v:B/zz")), B.prim("add"));
    const ui = buildUI(propagateProcess(box), "p");
    const a = ui[0]!;
    expect(a).toMatchObject({ type: "hgroup", label: "A" });
    const ws = flattenUI(ui);
    expect(ws.map((w) => w.address)).toEqual(["/A/B/freq", "/A/B/zz"]);
    expect(ws[0]!.meta).toEqual([{ 1: "" }, { style: "knob" }, { unit: "Hz" }]);
  });

  it("leaves out widgets no output depends on", () => {
    const box = B.par(B.seq(slider("gone"), B.cut()), B.int(1));
    expect(flattenUI(buildUI(propagateProcess(box), "p"))).toEqual([]);
  });

  it("replaces Faust's special characters in addresses", () => {
    expect(addressSegment("a  b")).toBe("a__b");
    expect(addressSegment("abs/c (x) [y]")).toBe("abs_c__x___y_");
  });
});

describe("empty labels", () => {
  it("show as 0x00, for groups and widgets alike", () => {
    // process = hgroup("", hslider("a",…)) + vgroup("x", hslider("",…)): as the reference prints it
    const box = B.seq(B.par(mk("hgroup", { label: "", body: slider("a") }), mk("vgroup", { label: "x", body: slider("") })), B.prim("add"));
    const ws = flattenUI(buildUI(propagateProcess(box), "p"));
    expect(ws.map((w) => [w.label, w.address])).toEqual([
      ["a", "/p/0x00/a"],
      ["0x00", "/p/x/0x00"],
    ]);
  });
});

describe("labels as the reference shows them", () => {
  it("turns line breaks into blanks and names unnamed bargraphs after their type", () => {
    const cb = mk("checkbox", { label: "[2] Ext (Saw/Noise\n  sel)" });
    const bar = mk("vbargraph", { label: "", min: B.int(0), max: B.int(1) });
    const ws = flattenUI(buildUI(propagateProcess(B.par(cb, B.seq(B.int(0), bar))), "p"));
    expect(ws.map((w) => [w.label, w.address])).toEqual([
      ["Ext (Saw/Noise   sel)", "/p/Ext__Saw_Noise___sel_"],
      ["vbargraph0", "/p/vbargraph0"],
    ]);
  });
});
