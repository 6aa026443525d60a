import { describe, expect, it } from "vitest";
import { B, mk } from "../boxes/box.ts";
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
