// `faustlab impulse` and `faustlab compile` through the CLI.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { parseImpulse } from "../../driver/impulse.ts";
import { firstDifference } from "../../harness/difftest.ts";
import { runCli, tempTree } from "../testutil.ts";

const { dir: tmp, write } = tempTree("impulse");
const run = runCli;

const prog = 'import("stdfaust.lib");\nprocess = _ <: fi.lowpass(2, 1000), (+ ~ *(0.5)), @(20), hslider("g", 0.25, 0, 1, 0.01);\n';

describe("faustlab impulse", () => {
  it("prints the reference's contract format with the same samples (double and single, any block size)", async () => {
    const f = write("a.dsp", prog);
    for (const extra of [["-double"], [], ["-bs", "7"], ["-double", "-backend", "interp", "-bs", "3"]]) {
      const ours = await run("impulse", f, "-n", "40", ...extra);
      const ref = await run("reference", f, "-n", "40", ...extra.filter((a, i, all) => a !== "-backend" && all[i - 1] !== "-backend"));
      expect(ours.code).toBe(0);
      expect(ours.out.split("\n")[0]).toMatch(/^# faustlab \S+ (js|interp) inputs=1 outputs=4 sr=44100 n=40$/);
      // the same samples up to rounding (operations are not always ordered as Faust orders them)
      const a = parseImpulse(ours.out).outputs;
      expect(a).toHaveLength(4);
      expect(firstDifference(parseImpulse(ref.out).outputs, a, extra.includes("-double") ? 1e-12 : 1e-5)).toBeUndefined();
      // the recursion, the delay and the slider are exact
      expect(ours.out.split("\n").slice(2)).toEqual(ref.out.split("\n").slice(2));
    }
  });

  it("rejects an unknown backend and reports compile errors as diagnostics", async () => {
    const f = write("b.dsp", "process = _;");
    expect((await run("impulse", f, "-backend", "llvm")).code).toBe(1);
    const sf = write("c.dsp", 'process = 0, 0 : soundfile("s", 1) : !, !, _;');
    const r = await run("impulse", sf);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error FL600: .*soundfile/);
  });
});

describe("faustlab compile", () => {
  it("prints FIR text, and writes a JavaScript module that runs", async () => {
    const f = write("d.dsp", prog);
    const fir = await run("compile", f, "-lang", "fir");
    expect(fir.code).toBe(0);
    expect(fir.out).toMatch(/^module "d" single inputs=1 outputs=4/);
    expect(fir.out).toMatch(/function compute \{/);
    const out = path.join(tmp, "d.mjs");
    expect((await run("compile", f, "-lang", "js", "-double", "-o", out)).code).toBe(0);
    const create = (await import(pathToFileURL(out).href)).default as () => {
      init(sr: number): void;
      compute(n: number, i: Float64Array[], o: Float64Array[]): void;
      getParams(): string[];
    };
    const dsp = create();
    dsp.init(44100);
    expect(dsp.getParams()).toEqual(["/d/g"]);
    const calls: string[] = [];
    const ui = new Proxy({}, { get: (_t, name) => (...args: unknown[]) => void calls.push(`${String(name)}(${args.join(", ")})`) });
    (dsp as unknown as { buildUserInterface(ui: object): void }).buildUserInterface(ui);
    expect(calls).toEqual(["openVerticalBox(d)", "addHorizontalSlider(g, /d/g, 0.25, 0, 1, 0.01)", "closeBox()"]);
    const ins = [new Float64Array(4)];
    ins[0]![0] = 1;
    const outs = Array.from({ length: 4 }, () => new Float64Array(4));
    dsp.compute(4, ins, outs);
    expect([...outs[1]!]).toEqual([1, 0.5, 0.25, 0.125]);
    expect([...outs[3]!]).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it("rejects an unknown language", async () => {
    const f = write("e.dsp", "process = _;");
    const r = await run("compile", f, "-lang", "rust");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/FL602/);
  });
});
