import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempTree } from "../testutil.ts";

const { dir: tmp, write } = tempTree("check");
const run = runCli;

describe("faustlab check", () => {
  it("exits 0 for well-formed files and what they import", async () => {
    const a = write("ok/a.dsp", 'import("stdfaust.lib");\nprocess = os.osc(440) : fi.lowpass(2, 1000);\n');
    const b = write("ok/b.dsp", 'import("mine.lib");\nprocess = m;\n');
    write("inc/mine.lib", "m = _;");
    const r = await run("check", a, b, "-I", path.join(tmp, "inc"));
    expect(r).toEqual({ code: 0, out: "", err: "" });
  });

  it("exits 1 with file:line:col diagnostics for malformed files", async () => {
    const good = write("bad/good.dsp", "process = _;\n");
    const bad = write("bad/bad.dsp", "process = (1 + ;\nx = f(1;\n");
    const r = await run("check", good, bad);
    expect(r.code).toBe(1);
    const heads = r.err.split("\n").filter((l) => /: (error|warning) FL\d+:/.test(l));
    expect(heads.length).toBe(2);
    expect(heads[0]).toMatch(/bad\.dsp:1:16: error FL202: /);
    expect(heads[1]).toMatch(/bad\.dsp:2:8: error FL203: /);
    expect(r.err).toContain("note: '(' opened here");
  });

  it("exits 1 for a missing import, at the import's position", async () => {
    const f = write("imp/m.dsp", 'process = 1;\nimport("absent.lib");\n');
    const r = await run("check", f);
    expect(r.code).toBe(1);
    expect(r.err.split("\n")[0]).toMatch(/m\.dsp:2:1: error FL301: cannot find imported file 'absent\.lib'/);
  });

  it("exits 1 for a missing file, 0 with only a cycle warning", async () => {
    expect((await run("check", path.join(tmp, "nothing.dsp"))).code).toBe(1);
    write("cyc/a.lib", 'import("main.dsp"); a = 1;');
    const f = write("cyc/main.dsp", 'import("a.lib"); process = a;');
    const r = await run("check", f);
    expect(r.code).toBe(0);
    expect(r.err).toContain("warning FL302");
  });

  it("locates every note of a multi-file check in its own file (spans belong to each compilation)", async () => {
    const a = write("multi/a.dsp", 'import("stdfaust.lib");\nprocess = fi.lowpass(2, 1000);\n');
    const b = write("multi/b.dsp", "process = (_,_ : +) : (_,_);\n");
    const alone = await run("check", b);
    const after = await run("check", a, b);
    expect(after.code).toBe(1);
    expect(after.err).toBe(alone.err);
    const located = after.err.split("\n").filter((l) => /: (error|warning|note)/.test(l));
    expect(located.length).toBe(3);
    for (const l of located) expect(l.startsWith(b + ":")).toBe(true);
    expect(after.err).not.toContain("filters.lib");
  });

  it("never crashes on pathological input", async () => {
    const deep = write("patho/deep.dsp", `process = ${"(".repeat(100_000)}1${")".repeat(100_000)};`);
    const long = write("patho/long.dsp", `process = ${Array(50_000).fill("_").join(" : ")};`);
    const junk = write("patho/junk.dsp", "\u0000\uffff$#`\"unterminated");
    // a seq of 50,000 wires is a program the real compiler accepts: no recursion on its length
    for (const [f, code] of [[deep, 1], [long, 0], [junk, 1]] as const) {
      const r = await run("check", f);
      expect(r.code, f).toBe(code);
      expect(r.err).not.toContain("FL005");
    }
  });
});

describe("faustlab boxes", () => {
  it("prints the definitions as canonical boxes", async () => {
    const f = write("boxes/p.dsp", "f(x) = x+1;\nprocess = f(2)' : _ <: _,_ with { y = 1; };\n");
    const r = await run("boxes", f);
    expect(r.code).toBe(0);
    expect(r.out).toBe("f(x) = x + 1;\nprocess = f(2)' : _ <: _, _ with {\n  y = 1;\n};\n");
  });

  it("exits 1 with diagnostics on a malformed file", async () => {
    const f = write("boxes/bad.dsp", "process = ;");
    const r = await run("boxes", f);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.dsp:1:11: error FL202/);
  });
});
