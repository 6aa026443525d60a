// The UI description of our wasm JSON against the real compiler's (libfaust 2.88 in
// @grame/faustwasm): the program's name (its `declare name`, else the file's), the
// widget tree with labels, addresses and metadata. Also the C and C++ backends'
// buildUserInterface: a `declare` call per widget metadata pair before the widget, as
// Faust's architectures read them.

import { describe, expect, it } from "vitest";
import { compileFir } from "../../driver/compile.ts";
import { compileReference, type ReferenceUIItem } from "../../harness/oracle.ts";
import { cSource } from "./c.ts";
import { cppSource } from "./cpp.ts";
import { wasmModule } from "./wasm.ts";

/** The fields both compilers give the same meaning to (the reference adds varname, shortname; index is a byte offset in both). */
function shape(items: readonly ReferenceUIItem[]): unknown[] {
  return items.map((i) => {
    const { type, label, address, meta, init, min, max, step } = i as ReferenceUIItem & { meta?: unknown; init?: number; min?: number; max?: number; step?: number };
    return { type, label, address, meta, init, min, max, step, items: i.items ? shape(i.items) : undefined };
  });
}

const programs: Record<string, string> = {
  declared: 'declare name "MyGain";\ndeclare author "me";\nprocess = *(hslider("gain[style:knob][unit:dB]", 0.5, 0, 1, 0.01));\n',
  undeclared: 'process = *(hslider("gain[unit:dB]", 0.5, 0, 1, 0.01)), *(vslider("v[tooltip:a b]", 1, 0, 2, 0.5));\n',
  groups: 'declare name "Groups";\nprocess = hgroup("A", *(hslider("x[style:knob]", 1, 0, 2, 0.1)) : vgroup("B", *(nentry("y", 1, 0, 4, 1)))) , button("go[midi:ctrl 7]");\n',
  single: 'declare name "Ignored";\nprocess = vgroup("Only", *(hslider("g", 1, 0, 2, 0.1)));\n',
  groupMeta: 'process = hgroup("G[m:1][style:knob]", vgroup("V [n:2]", hslider("f[unit:Hz]", 1, 0, 2, 0.1)) + checkbox("c"));\n',
};

describe("the UI description against the real compiler", () => {
  for (const [name, text] of Object.entries(programs))
    it(name, async () => {
      const ref = JSON.parse((await compileReference(text, name)).json) as { name: string; ui: ReferenceUIItem[] };
      const ours = JSON.parse(wasmModule(compileFir({ text, path: `/t/${name}.dsp` })).json) as { name: string; ui: ReferenceUIItem[] };
      expect(ours.name).toBe(ref.name);
      expect(shape(ours.ui)).toEqual(shape(ref.ui));
    });
});

describe("C and C++ buildUserInterface", () => {
  it("declares each widget's metadata before it, and labels the top group with the declared name", () => {
    const m = compileFir({ text: programs["declared"]!, path: "/t/declared.dsp" });
    const cpp = cppSource(m);
    const at = (s: string) => cpp.indexOf(s);
    expect(at('ui_interface->openVerticalBox("MyGain");')).toBeGreaterThan(0);
    expect(at('ui_interface->declare(&fHslider0, "style", "knob");')).toBeGreaterThan(at('openVerticalBox("MyGain")'));
    expect(at('ui_interface->declare(&fHslider0, "unit", "dB");')).toBeGreaterThan(at('"style", "knob"'));
    expect(at("ui_interface->addHorizontalSlider(\"gain\"")).toBeGreaterThan(at('"unit", "dB"'));
    expect(cSource(m)).toContain('ui_interface->declare(ui_interface->uiInterface, &dsp->fHslider0, "style", "knob");');
  });
  it("declares a group's metadata (zone 0) before opening it", () => {
    const m = compileFir({ text: programs["groupMeta"]!, path: "/t/groupMeta.dsp" });
    const cpp = cppSource(m);
    const at = (s: string) => cpp.indexOf(s);
    expect(at('ui_interface->declare(0, "m", "1");')).toBeGreaterThan(0);
    expect(at('ui_interface->declare(0, "style", "knob");')).toBeGreaterThan(at('ui_interface->declare(0, "m", "1");'));
    expect(at('ui_interface->openHorizontalBox("G");')).toBeGreaterThan(at('ui_interface->declare(0, "style", "knob");'));
    expect(at('ui_interface->openVerticalBox("V");')).toBeGreaterThan(at('ui_interface->declare(0, "n", "2");'));
    expect(cSource(m)).toContain('ui_interface->declare(ui_interface->uiInterface, 0, "m", "1");');
  });
});
