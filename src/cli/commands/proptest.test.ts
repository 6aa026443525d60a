// Loaded passes (-load-pass) and property tests of pipelines (proptest), and
// the signal IR loop: `signals F > F.sig` reads back with opt, impulse, compile.

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempTree } from "../testutil.ts";
import { projectPath } from "../../core/paths.ts";
import { parseSignals } from "../../core/signals/parse.ts";
import { loadPasses } from "../../driver/load-pass.ts";
import { instances } from "../../../passes/registry.ts";
import { runProptest } from "../../harness/proptest.ts";

const example = projectPath("examples", "passes", "double-to-add.ts");
const tree = tempTree("proptest");
const abs = (rel: string) => JSON.stringify(projectPath(rel));
// deliberately wrong: swaps the operands of every subtraction and claims to be exact
const wrong = tree.write(
  "wrong.mts",
  `import { definePass, rewritten } from ${abs("passes/pass.ts")};
import { substitute } from ${abs("src/core/signals/rewrite.ts")};
import { sig } from ${abs("src/core/signals/signal.ts")};
export const subSwap = definePass({
  name: "sub-swap", summary: "wrong on purpose: x - y -> y - x", options: {}, semantics: { exact: true },
  run(graph) {
    const r = substitute(graph.outputs, (s) => (s.kind === "binop" && s.op === "sub" ? sig.sub(s.y, s.x) : undefined));
    return rewritten(graph, r.roots, [], {});
  },
});
`,
);
const dsp = tree.write("gain.dsp", "process = _ * 2.0 + 1, (_ : *(2.0));\n");

describe("-load-pass", () => {
  it("registers the module's passes beside the built-in ones, and they run in pipelines", async () => {
    const loaded = await loadPasses([example]);
    expect(loaded.passes.map((p) => p.name)).toEqual(["double-to-add"]);
    expect(instances("cse,double-to-add<commuted=false>", loaded.registry).map((i) => i.text)).toEqual(["cse", "double-to-add<commuted=false>"]);
    const r = await runCli("opt", dsp, "-load-pass", example, "-passes", "double-to-add", "-stats", "-remarks");
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/2 double-to-add - rewrites/);
    expect(r.err).toMatch(/FL800: double-to-add: 2 multiplications by 2 became additions/);
    expect(r.out).toMatch(/add %\d+, %\d+/);
    expect(r.out).not.toMatch(/mul/);
    const list = await runCli("opt", "--list", "-load-pass", example);
    expect(list.out).toMatch(/^double-to-add +x \* 2\.0/m);
  });
  it("renders through a loaded pass with the same samples", async () => {
    const a = await runCli("impulse", dsp, "-n", "4");
    const b = await runCli("impulse", dsp, "-n", "4", "-load-pass", example, "-passes", "double-to-add");
    expect(b.code).toBe(0);
    expect(b.out.split("\n").slice(1)).toEqual(a.out.split("\n").slice(1));
  });
  it("gives located diagnostics for a missing module, a module without passes, a taken name", async () => {
    expect((await runCli("opt", dsp, "-load-pass", path.join(tree.dir, "nope.ts"), "-passes", "cse")).err).toMatch(/FL720: cannot load pass module .*no such file/);
    const none = tree.write("none.mts", "export const x = 1;\n");
    expect((await runCli("opt", dsp, "-load-pass", none, "-passes", "cse")).err).toMatch(/FL721/);
    const taken = tree.write("taken.mts", `import { definePass, unchanged } from ${abs("passes/pass.ts")};\nexport const p = definePass({ name: "cse", summary: "s", options: {}, semantics: { exact: true }, run: (g) => unchanged(g) });\n`);
    const r = await runCli("opt", dsp, "-load-pass", taken, "-passes", "cse");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/FL723: pass 'cse' .* already registered \(a built-in pass or pipeline\)/);
    const bad = tree.write("bad.mts", `export const p = { name: "Bad Name", run() {} };\n`);
    expect((await runCli("opt", dsp, "-load-pass", bad, "-passes", "cse")).err).toMatch(/FL722: 'p' exported by .* is not a pass: its name must be kebab-case/);
  });
});

describe("proptest", () => {
  it("catches a deliberately wrong loaded pass and prints a shrunk counterexample as signal IR", async () => {
    const r = await runCli("proptest", "-load-pass", wrong, "-passes", "sub-swap", "-runs", "60", "-seed", "3");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/FL724: proptest: pipeline 'sub-swap' broke the semantic property/);
    expect(r.err).toMatch(/shrinking steps: sub-swap changed output \d+ at sample \d+/);
    // the counterexample is valid signal IR, small once shrunk, with a RUN line for a golden test
    expect(r.out).toMatch(/^; RUN: faustlab opt %s -passes 'sub-swap'$/m);
    const ir = parseSignals(r.out, "cx.sig", { freshGroups: true });
    expect(ir.roots.length).toBeGreaterThan(0);
    expect(r.out.split("\n").filter((l) => /^%\d+ =/.test(l)).length).toBeLessThanOrEqual(8);
    expect(r.out).toMatch(/= sub /);
    // and the golden text reads back with opt
    const file = tree.write("cx.sig", r.out);
    expect((await runCli("opt", file, "-passes", "cse")).code).toBe(0);
  });
  it("passes for the example pass and a built-in pipeline with it, on the same random graphs", async () => {
    const loaded = await loadPasses([example]);
    const r = runProptest({ pipeline: "cse,double-to-add", registry: loaded.registry, runs: 40, seed: 5 });
    expect(r.counterexample).toBeUndefined();
    expect(r.runs).toBe(40);
    expect(r.changed).toBeGreaterThan(0);
  });
});

describe("signal IR files close the loop", () => {
  it("signals F > F.sig reads back with opt, impulse and compile, with the same samples", async () => {
    const src = projectPath("corpus", "programs", "lti", "tf2.dsp");
    const s = await runCli("signals", src);
    expect(s.out.split("\n")[0]).toMatch(/^; \d+ inputs?, \d+ outputs?$/);
    const sigFile = tree.write("tf2.sig", s.out);
    expect((await runCli("opt", sigFile, "-O")).code).toBe(0);
    const a = await runCli("impulse", src, "-n", "16");
    const b = await runCli("impulse", sigFile, "-n", "16");
    expect(b.code).toBe(0);
    expect(b.out.split("\n").slice(1)).toEqual(a.out.split("\n").slice(1));
    const c = await runCli("compile", sigFile, "-lang", "c");
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/computemydsp/);
    expect(fs.existsSync(sigFile)).toBe(true);
  });
});
