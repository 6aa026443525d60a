// `faustlab opt` through the CLI, and -passes / -O in impulse and compile.
import { describe, expect, it } from "vitest";
import { PASSES, PIPELINES } from "../../../passes/registry.ts";
import { ANALYSES } from "../../../analyses/registry.ts";
import { parseImpulse } from "../../driver/impulse.ts";
import { firstDifference } from "../../harness/difftest.ts";
import { runCli, tempTree } from "../testutil.ts";

const { write } = tempTree("opt");
const run = runCli;

const dsp = 'import("stdfaust.lib");\nprocess = _ <: fi.lowpass(2, 1000), (+ ~ *(0.5)), @(20) : _, _, *(2.0 * 0.5);\n';
const sigText = "%0 = input 0\n%1 = float 0.5\n%2 = float 4.0\n%3 = mul %1, %2\n%4 = mul %0, %3\nreturn %4\n";

describe("faustlab opt --list", () => {
  it("prints one line per registered pass, in registry order, starting with its name", async () => {
    const r = await run("opt", "--list");
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    const passLines = lines.slice(0, lines.indexOf(""));
    expect(passLines).toHaveLength(PASSES.length);
    passLines.forEach((l, i) => {
      expect(l.startsWith(PASSES[i]!.name + " ")).toBe(true);
      expect(l).toContain(PASSES[i]!.summary);
    });
  });
  it("lists the named pipelines and the analyses after the passes", async () => {
    const r = await run("opt", "--list");
    for (const name of Object.keys(PIPELINES)) expect(r.out).toMatch(new RegExp(`^# ${name}: `, "m"));
    for (const a of ANALYSES) expect(r.out).toContain(`# ${a.name}: ${a.summary}`);
  });
});

describe("faustlab opt --print-pipeline", () => {
  it("prints the canonical text, alone on the last line", async () => {
    const r = await run("opt", "--print-pipeline", "-passes", " normalize , print< analysis=types >");
    expect([r.code, r.out, r.err]).toEqual([0, "normalize,print<types>\n", ""]);
  });
  it("after the graph when a file is given", async () => {
    const f = write("a.sig", sigText);
    const r = await run("opt", f, "-passes", "print<uses> ,normalize", "--print-pipeline");
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines.at(-1)).toBe("print<uses>,normalize");
    expect(lines.at(-2)).toMatch(/^return %\d+$/);
  });
  it("-O prints as the name of the default pipeline", async () => {
    expect((await run("opt", "--print-pipeline", "-O")).out).toBe("O1\n");
  });
});

describe("faustlab opt FILE", () => {
  it("reads signal text, runs the pipeline and prints the graph", async () => {
    const f = write("b.sig", sigText);
    const r = await run("opt", f, "-passes", "normalize");
    expect([r.code, r.out, r.err]).toEqual([0, "%0 = input 0\n%1 = float 2.0\n%2 = mul %0, %1\nreturn %2\n", ""]);
    // no pipeline: the graph as read
    expect((await run("opt", f)).out).toBe("%0 = input 0\n%1 = float 0.5\n%2 = float 4.0\n%3 = mul %1, %2\n%4 = mul %0, %3\nreturn %4\n");
  });
  it("reads Faust source; -O gives what -passes O1 gives", async () => {
    const f = write("c.dsp", dsp);
    const a = await run("opt", f, "-O");
    const b = await run("opt", f, "-passes", "O1");
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/^rec @r[0-9]+\([12]\) \{$/m);
    expect(a.out).toBe(b.out);
    expect(a.err).toBe(b.err);
  });
  it("writes the graph with -o; -disable-output prints nothing but the print passes", async () => {
    const f = write("d.sig", sigText);
    const o = write("out/d.txt", "");
    expect((await run("opt", f, "-passes", "normalize", "-o", o)).out).toBe("");
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(o, "utf8")).toBe("%0 = input 0\n%1 = float 2.0\n%2 = mul %0, %1\nreturn %2\n");
    const r = await run("opt", f, "-passes", "print<stats>", "-disable-output");
    expect(r.out).toMatch(/^nodes: 5\n/);
    expect(r.out).not.toMatch(/return/);
  });
  it("-remarks prints each pass's remarks as diagnostics on stderr, with the source line", async () => {
    const f = write("r.dsp", "process = *(0.987654) : sin;\n");
    const r = await run("opt", f, "-passes", "tf-reconstruct", "-remarks", "-disable-output");
    expect([r.code, r.out]).toEqual([0, ""]);
    // the location is where the hash-consed `sin` box was first parsed in this process (spans are
    // first-writer-wins), here or in a library another test compiled: check the shape only
    expect(r.err).toMatch(/^\S+\.(dsp|lib):\d+:\d+: remark FL810: tf-reconstruct: not LTI: `sin` of a signal \(%\d+\)\n {4}.*sin.*\n {4} *\^+\n/);
    // without -remarks, nothing
    expect((await run("opt", f, "-passes", "tf-reconstruct", "-disable-output")).err).toBe("");
  });
  it("the output parses back to the same graph", async () => {
    const f = write("e.dsp", dsp);
    const first = await run("opt", f, "-O");
    const g = write("e.sig", first.out);
    const second = await run("opt", g);
    expect(second.out).toBe(first.out);
  });
});

describe("faustlab opt errors", () => {
  it("a bad pipeline: exit 1, the diagnostic with a caret under the culprit", async () => {
    const f = write("f.sig", sigText);
    const r = await run("opt", f, "-passes", "normalize,prnt<types>");
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toBe("<pipeline>:1:11: error FL701: unknown pass or pipeline 'prnt'; did you mean 'print'?\n    normalize,prnt<types>\n              ^^^^\n");
  });
  it("a missing file: FL001", async () => {
    for (const name of ["/nonexistent/x.sig", "/nonexistent/x.dsp"]) {
      const r = await run("opt", name, "-O");
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/error FL001: cannot read file '\/nonexistent\/x\.(sig|dsp)'/);
    }
  });
  it("the front end's warnings on Faust source are printed (stderr)", async () => {
    const f = write("w.dsp", "process = _;\n/* never closed");
    const r = await run("opt", f);
    expect(r.code).toBe(0);
    expect(r.out).toBe("%0 = input 0\nreturn %0\n");
    expect(r.err).toMatch(/w\.dsp:2:1: warning FL102/);
  });
  it("bad signal text: its parser's diagnostic", async () => {
    const f = write("g.sig", "%0 = input 0\n%1 = frobnicate %0\nreturn %1\n");
    const r = await run("opt", f);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/g\.sig:2:\d+: error FL56\d/);
  });
  it("an ill-formed graph in signal text: the verifier's diagnostic, before any pass", async () => {
    const f = write("k.sig", "%0 = proj @y, 0\n%1 = input 0\nrec @y(1) {\n  %2 = add %1, %0\n  yield %2\n}\nreturn %0\n");
    for (const extra of [[], ["-passes", "normalize"]]) {
      const r = await run("opt", f, ...extra);
      expect([r.code, r.out]).toEqual([1, ""]);
      expect(r.err).toMatch(/error FL571: .*instantaneous cycle/);
      expect(r.err).not.toMatch(/FL705/);
    }
  });
  it("usage errors: no file, two files, both -O and -passes", async () => {
    expect((await run("opt")).err).toMatch(/FL010: 'opt' takes a FILE/);
    expect((await run("opt", "a.sig", "b.sig")).err).toMatch(/FL010: .*one FILE/);
    const both = await run("opt", "--print-pipeline", "-O", "-passes", "normalize");
    expect([both.code, both.err]).toEqual([1, expect.stringMatching(/FL011: .*either -passes or -O/)]);
  });
});

describe("-passes and -O in impulse and compile", () => {
  it("impulse -O and -passes give the samples of the unoptimized program (within rounding)", async () => {
    const f = write("h.dsp", dsp);
    const plain = await run("impulse", f, "-n", "64", "-double");
    expect(plain.code).toBe(0);
    for (const extra of [["-O"], ["-passes", "normalize,print<stats>,O1"]]) {
      const opt = await run("impulse", f, "-n", "64", "-double", ...extra);
      expect(opt.code).toBe(0);
      expect(firstDifference(parseImpulse(plain.out).outputs, parseImpulse(opt.out).outputs, 1e-12)).toBeUndefined();
    }
  });
  it("impulse and compile report a bad pipeline as a diagnostic", async () => {
    const f = write("i.dsp", dsp);
    for (const cmd of ["impulse", "compile"]) {
      const r = await run(cmd, f, "-passes", "normalize<x=1>");
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/error FL70[02]/);
    }
  });
  it("compile -O generates code", async () => {
    const f = write("j.dsp", dsp);
    const r = await run("compile", f, "-lang", "fir", "-O");
    expect(r.code).toBe(0);
    expect(r.out.length).toBeGreaterThan(100);
  });
});
