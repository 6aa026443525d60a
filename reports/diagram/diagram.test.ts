// Diagrams of a spread of corpus programs and library tests: they draw, the
// layout is sound (no overlap, wires on ports), folded links resolve, the SVG
// is well-formed. `npm run diagrams` draws every program the same way.

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { boxDiagrams, drawBoxDiagram, drawSignalGraph, programGraph } from "./index.ts";
import { drawingProblems, xmlProblems } from "./check.ts";
import { corpusDir, listPrograms, readManifest } from "../../corpus/manifest.ts";
import { extractLibraryTests } from "../../src/driver/libtests.ts";
import { evaluateProgram } from "../../src/driver/signals.ts";
import { projectPath } from "../../src/core/paths.ts";

const accepted = new Set(readManifest().filter((e) => e.accepted).map((e) => e.path));
const corpus = listPrograms().filter((p) => accepted.has(p));
const libManifest = JSON.parse(fs.readFileSync(projectPath("corpus", "library-manifest.json"), "utf8")) as { tests: { id: string; accepted: boolean }[] };
const libAccepted = new Set(libManifest.tests.filter((t) => t.accepted).map((t) => t.id));
const libTests = extractLibraryTests().filter((t) => libAccepted.has(t.id));
const spread = <T,>(xs: readonly T[], n: number): T[] => Array.from({ length: Math.min(n, xs.length) }, (_, i) => xs[Math.floor((i * xs.length) / Math.min(n, xs.length))]!);

describe("box diagrams", () => {
  it("a recursive filter: feedback wire with its delay mark, input and output ports", async () => {
    const files = await drawBoxDiagram({ text: "process = + ~ *(0.5);", path: "inline.dsp" });
    expect(files.map((f) => f.file)).toEqual(["process.svg"]);
    const d = files[0]!.diagram;
    expect(d.blocks.map((b) => b.label).sort()).toEqual(["+", "0.5", "in0", "out0", "×"].sort());
    expect(d.wires.filter((w) => w.feedback)).toHaveLength(1);
    expect(files[0]!.svg).toContain('class="mark"');
    expect(drawingProblems(files)).toEqual([]);
  });

  it("split and merge become fan-out and fan-in wires; `_` and `!` are wires", async () => {
    const files = await drawBoxDiagram({ text: "process = _ <: _, (*(2) : !), sin :> _;", path: "inline.dsp" });
    const d = files[0]!.diagram;
    // the input feeds three places: the output (through `_` and the merge), ×2 and sin
    const input = d.blocks.find((b) => b.kind === "input")!;
    expect(d.wires.filter((w) => w.from.block === input.id)).toHaveLength(3);
    expect(d.blocks.filter((b) => b.kind === "cut")).toHaveLength(1);
    expect(drawingProblems(files)).toEqual([]);
  });

  it("UI groups and named definitions are framed; widgets show their range", async () => {
    const files = await drawBoxDiagram({ text: 'gain = hslider("gain[unit:dB]", 0, -60, 6, 0.1) : ba.db2linear;\nimport("stdfaust.lib");\nprocess = hgroup("mixer", *(gain));', path: "inline.dsp" }, { fold: 1000 });
    const d = files[0]!.diagram;
    expect(d.frames.map((f) => `${f.kind}:${f.label}`)).toEqual(expect.arrayContaining(['group:hgroup("mixer")', "named:gain"]));
    const w = d.blocks.find((b) => b.kind === "widget")!;
    expect(w.label).toBe("gain");
    expect(w.sub).toContain("-60");
  });

  it("folds like faust -svg: named sub-expressions past the complexity become linked files", async () => {
    const src = { text: 'import("stdfaust.lib");\nprocess = fi.lowpass(2, 1000);', path: "inline.dsp" };
    const files = await drawBoxDiagram(src);
    expect(files.length).toBeGreaterThan(2);
    const links = files.flatMap((f) => f.diagram.blocks.filter((b) => b.href).map((b) => b.href!));
    expect(links.length).toBeGreaterThan(0);
    expect(drawingProblems(files)).toEqual([]);
    // unfolded with a large -f: one file
    const one = await drawBoxDiagram(src, { fold: 1e9 });
    expect(one).toHaveLength(1);
  });

  it("names and files do not depend on what was compiled before", async () => {
    const src = { text: 'import("stdfaust.lib");\nprocess = fi.lowpass(2, 500);', path: "inline.dsp" };
    const a = (await drawBoxDiagram(src)).map((f) => [f.file, f.svg]);
    await drawBoxDiagram({ text: 'import("stdfaust.lib");\nprocess = fi.highpass(3, 200) : fi.lowpass(2, 700);', path: "other.dsp" });
    const b = (await drawBoxDiagram(src)).map((f) => [f.file, f.svg]);
    expect(b).toEqual(a);
  });

  it("fad and rad are framed, with the derivative block's extra outputs", async () => {
    const files = await drawBoxDiagram({ text: 'p = hslider("p", 0.5, 0, 0.9, 0.01);\nprocess = fad(2 : + ~ *(p), p), rad(sin(p * p), p);', path: "ad.dsp" });
    const d = files[0]!.diagram;
    expect(d.frames.filter((f) => f.kind === "autodiff").map((f) => f.label).sort()).toEqual(["fad", "rad"]);
    const fad = d.blocks.find((b) => b.label === "∂ fad")!;
    expect([fad.ins, fad.outs]).toEqual([2, 2]);
    expect(d.blocks.filter((b) => b.kind === "output")).toHaveLength(4);
    expect(drawingProblems(files)).toEqual([]);
  });

  it("a deep composition draws without recursion on its depth", () => {
    const r = evaluateProgram({ text: "process = seq(i, 3000, +(1));", path: "deep.dsp" });
    const files = boxDiagrams(r.process!, r.names ?? new Map(), { fold: 1e9, maxBlocks: 1e9 });
    expect(files[0]!.diagram.blocks.length).toBe(3000 * 2 + 2);
  });

  it.each(spread(corpus, 8))("corpus %s", async (rel) => {
    const files = await drawBoxDiagram(path.join(corpusDir, rel));
    expect(drawingProblems(files)).toEqual([]);
  });

  it.each(spread(libTests, 6).map((t) => [t.id, t] as const))("library test %s", async (_id, t) => {
    const files = await drawBoxDiagram({ text: t.source, path: `${t.name}.dsp` });
    expect(drawingProblems(files)).toEqual([]);
  });
});

describe("signal-graph pictures", () => {
  it("a one-pole filter: its recursion framed, the delay on the feedback wire, the LTI region shaded with H(z)", async () => {
    const g = programGraph({ text: "process = + ~ *(0.5);", path: "inline.dsp" }, "");
    const f = await drawSignalGraph(g, "one pole");
    const d = f.diagram;
    expect(d.frames.map((x) => x.kind).sort()).toEqual(["recursion", "region"]);
    const region = d.frames.find((x) => x.kind === "region")!;
    expect(region.title).toMatch(/LTI region 0/);
    expect(region.title).toMatch(/order 1, largest pole radius 0\.500000/);
    expect(d.wires.some((w) => w.label === "z⁻¹")).toBe(true);
    expect(drawingProblems([f])).toEqual([]);
  });

  it("an unstable filter's pole is named in the tooltip", async () => {
    const f = await drawSignalGraph(programGraph({ text: "process = + ~ *(1.5);", path: "inline.dsp" }, ""), "unstable");
    expect(f.diagram.frames.find((x) => x.kind === "region")!.title).toMatch(/radius 1\.500000 \(unstable\)/);
  });

  it("after a pipeline: the filter nodes of fir-reveal/iir-reveal", async () => {
    const src = { text: 'import("stdfaust.lib");\nprocess = fi.tf2(0.1, 0.2, 0.1, -0.5, 0.25);', path: "inline.dsp" };
    const before = await drawSignalGraph(programGraph(src, ""), "before");
    const after = await drawSignalGraph(programGraph(src, "fir-reveal,iir-reveal"), "after");
    expect(after.diagram.blocks.some((b) => b.kind === "section")).toBe(true);
    expect(before.diagram.blocks.some((b) => b.kind === "section")).toBe(false);
    expect(drawingProblems([before, after])).toEqual([]);
  });

  it("a waveform is one block with its size, however many values it holds", async () => {
    const values = Array.from({ length: 3000 }, (_, i) => String((i * 7) % 13)).join(",");
    const src = { text: `process = waveform{${values}} : !, _;`, path: "inline.dsp" };
    const d = (await drawSignalGraph(programGraph(src, ""), "wave")).diagram;
    expect(d.blocks.filter((b) => b.kind === "number")).toHaveLength(0);
    expect(d.blocks.find((b) => b.label === "waveform")?.sub).toBe("3000 values");
  });

  it("a large graph folds by recursion group and region", async () => {
    const src = { text: 'import("stdfaust.lib");\nprocess = re.mono_freeverb(0.5, 0.5, 0.5, 1);', path: "inline.dsp" };
    const g = programGraph(src, "");
    const full = await drawSignalGraph(g, "freeverb", { maxBlocks: 1e9 });
    const folded = await drawSignalGraph(g, "freeverb", { maxBlocks: 20 });
    expect(folded.diagram.blocks.length).toBeLessThan(full.diagram.blocks.length);
    expect(folded.diagram.blocks.some((b) => /^(recursion|LTI region)/.test(b.label))).toBe(true);
    expect(drawingProblems([folded])).toEqual([]);
  });
});

describe("the checks themselves", () => {
  it("find ill-formed XML", () => {
    expect(xmlProblems("<svg><g></svg>")).not.toEqual([]);
    expect(xmlProblems("<svg><text>a & b</text></svg>")).not.toEqual([]);
    expect(xmlProblems('<svg a="1"><g/><text>a &amp; b</text></svg>')).toEqual([]);
  });
});
