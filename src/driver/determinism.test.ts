// A compiler's output depends only on its input and options, never on what the
// process compiled before: the FIR text of a program compiled in a fresh module
// graph (empty node tables, ids from 0, group names from scratch) equals the
// text of the same program compiled after other programs, and after itself.
// The programs are library tests whose output used to depend on the node ids
// of earlier compilations (normalization ordered terms and factors by id).

import { describe, expect, it, vi } from "vitest";
import { extractLibraryTests, type LibraryTest } from "./libtests.ts";
import { compileFir } from "./compile.ts";
import { printModule } from "../core/fir/print.ts";
import { render, type Diagnostic } from "../core/diagnostics.ts";

type Compile = (t: LibraryTest, passes?: string) => string;

/** compileFir + printModule from a fresh module graph (nothing compiled before in it). */
async function freshCompiler(): Promise<Compile> {
  vi.resetModules();
  const { compileFir } = await import("./compile.ts");
  const { printModule } = await import("../core/fir/print.ts");
  return (t, passes) =>
    printModule(compileFir({ text: t.source, path: `/library-tests/${t.id}.dsp` }, { double: true, name: t.name, ...(passes !== undefined ? { passes } : {}) }));
}

const TARGETS = [
  "filters/bandstop_test",
  "physmodels/modeFilter_test",
  "oscillators/squareN_test",
  "vaeffects/bandpass2Matched_test",
  "phaflangers/phaser2_mono_test",
];
/** Compiled first in the warm graph: they create nodes (and group names) the targets share. */
const BEFORE = ["filters/lowpass_test", "filters/peak_eq_rm_test", "physmodels/modeInterpRes_test", "oscillators/pulsetrainN_test", "demos/zita_light_test"];

describe("compilation does not depend on the process's history", () => {
  const all = extractLibraryTests();
  const test = (id: string) => {
    const t = all.find((x) => x.id === id);
    if (!t) throw new Error(`no library test ${id}`);
    return t;
  };

  it("gives the same FIR text fresh, after other programs and after itself", async () => {
    const warm = await freshCompiler();
    for (const id of BEFORE) warm(test(id));
    const afterOthers = TARGETS.map((id) => warm(test(id)));
    const again = TARGETS.map((id) => warm(test(id)));
    // in reverse order in another graph: each target follows the other targets
    const reverse = await freshCompiler();
    const reversed = [...TARGETS].reverse().map((id) => reverse(test(id))).reverse();
    for (let i = 0; i < TARGETS.length; i++) {
      const fresh = (await freshCompiler())(test(TARGETS[i]!));
      expect(afterOthers[i], TARGETS[i]).toBe(fresh);
      expect(again[i], TARGETS[i]).toBe(fresh);
      expect(reversed[i], TARGETS[i]).toBe(fresh);
    }
  });

  it("gives the same FIR text with the O1 pipeline", async () => {
    const warm = await freshCompiler();
    for (const id of BEFORE) warm(test(id), "O1");
    const afterOthers = TARGETS.map((id) => warm(test(id), "O1"));
    const fresh = await freshCompiler();
    for (let i = 0; i < TARGETS.length; i++) expect(afterOthers[i], TARGETS[i]).toBe(fresh(test(TARGETS[i]!), "O1"));
  });

  it("compiling A, then B, then A again in one process gives the same code and diagnostics, in single precision with -O", () => {
    // biquad-factor and realize act in single precision: the sections travel in the IR, spans belong to each compilation
    const compile = (id: string) => {
      const t = test(id);
      const notes: Diagnostic[] = [];
      const fir = printModule(
        compileFir({ text: t.source, path: `/library-tests/${t.id}.dsp` }, { name: t.name, passes: "O1", onWarning: (d) => notes.push(d), onRemark: (d) => notes.push(d) }),
      );
      return { fir, notes: notes.map((d) => render(d)).join("\n") };
    };
    const A = ["filters/lowpass_test", "filters/bandstop_test", "vaeffects/bandpass2Matched_test"];
    const B = ["filters/peak_eq_rm_test", "physmodels/modeFilter_test", "demos/zita_light_test"];
    const first = A.map(compile);
    const between = B.map(compile);
    const again = A.map(compile);
    const bAgain = B.map(compile);
    for (let i = 0; i < A.length; i++) {
      expect(again[i]!.fir, A[i]).toBe(first[i]!.fir);
      expect(again[i]!.notes, A[i]).toBe(first[i]!.notes);
      expect(bAgain[i]!.fir, B[i]).toBe(between[i]!.fir);
      expect(bAgain[i]!.notes, B[i]).toBe(between[i]!.notes);
    }
    // the pipeline did factor and realize sections (the case where a side table used to matter)
    const all = [...first, ...between].map((c) => c.notes).join("\n");
    expect(all).toMatch(/FL820/);
    expect(all).toMatch(/FL822/);
  });
});
