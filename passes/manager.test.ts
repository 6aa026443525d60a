// The pass manager (passes/manager.ts) and the analysis cache
// (analyses/analysis.ts): lazy, cached analyses invalidated by what a pass
// does not preserve; verification naming the pass that broke the graph
// (FL705); a pass that crashes (FL707); records, statistics, timing, remarks
// and printing. The passes here are test-only, registered in a test registry,
// never in PASSES.

import { describe, expect, it } from "vitest";
import { AnalysisManager, type Analysis } from "../analyses/analysis.ts";
import { intervalsAnalysis, typesAnalysis } from "../analyses/basic.ts";
import { DiagnosticError, diag, type Diagnostic } from "../src/core/diagnostics.ts";
import type { SignalGraph } from "../src/core/signals/graph.ts";
import { freshRecName, sig, type Sig } from "../src/core/signals/signal.ts";
import { checkGraph, formatStats, formatTimes, printing, runPipeline, verification, type Instrumentation, type PassRecord, type RunOptions } from "./manager.ts";
import { debugMode } from "../src/core/debug.ts";
import { definePass, enumOption, intOption, rewritten, unchanged, type AnyPass } from "./pass.ts";
import { flattenPipeline, parsePipeline, type PassRegistry } from "./pipeline.ts";
import { PASSES, instances } from "./registry.ts";

const x = sig.input(0);
const y = sig.input(1);
const base: SignalGraph = { inputs: 2, outputs: [sig.add(x, sig.mul(y, sig.float(0.5)))] };

/** An analysis that counts its own computations (its result: the number of outputs). */
let computed = 0;
const counted: Analysis<number> = {
  name: "counted",
  summary: "test-only",
  compute(g) {
    computed++;
    return g.outputs.length;
  },
  print: (n) => `${n}\n`,
};

/** Asks for `counted`. */
const ask = definePass({
  name: "ask",
  summary: "test-only: asks for the counted analysis",
  options: {},
  semantics: { exact: true },
  run(g, am) {
    am.get(counted);
    return unchanged(g);
  },
});

/** Rewrites each output o to o*1.5 (a new graph), preserving `counted` or not. */
const bump = definePass({
  name: "bump",
  summary: "test-only: a pass that changes the graph",
  options: { keep: enumOption(["none", "counted", "all"], "none", "what it says it preserves") },
  positional: "keep",
  semantics: { exact: false, tolerance: 1, finiteOnly: true, why: "test-only" },
  run(g, _am, o) {
    const outs = g.outputs.map((s) => sig.mul(s, sig.float(1.5)));
    return rewritten(g, outs, o.keep === "all" ? "all" : o.keep === "counted" ? [counted] : [], { bumped: outs.length });
  },
});

/** Breaks the graph in the way its option says. */
const broken = definePass({
  name: "broken",
  summary: "test-only: returns an ill-formed graph",
  options: {
    how: enumOption(["extra-output", "fewer-inputs", "table-as-value", "instant-cycle", "wild-input", "dishonest-unchanged", "dishonest-changed"], "extra-output", "how to break it"),
  },
  positional: "how",
  semantics: { exact: true },
  run(g, _am, o) {
    const out = (outputs: readonly Sig[]) => ({ changed: true, graph: { inputs: g.inputs, outputs }, preserves: [], stats: {} });
    switch (o.how) {
      case "extra-output":
        return out([...g.outputs, x]);
      case "fewer-inputs":
        return { ...out(g.outputs), graph: { inputs: g.inputs - 1, outputs: g.outputs } };
      case "table-as-value":
        return out([sig.add(sig.table(sig.int(4), x), g.outputs[0]!)]);
      case "instant-cycle": {
        const [r] = sig.recursion(freshRecName("bad"), 1, ([p]) => [sig.add(p!, x)]);
        return out([r!]);
      }
      case "wild-input":
        return out([sig.add(g.outputs[0]!, sig.input(7))]);
      case "dishonest-unchanged":
        return { ...out([sig.mul(g.outputs[0]!, sig.float(3))]), changed: false };
      case "dishonest-changed":
        return { changed: true, graph: g, preserves: [], stats: {} };
      default:
        throw new Error(`unknown ${o.how}`);
    }
  },
});

/** Throws a plain Error (a bug in a pass). */
const thrower = definePass({
  name: "thrower",
  summary: "test-only: throws",
  options: { n: intOption(1, "unused, shows in the pass's text") },
  semantics: { exact: true },
  run() {
    throw new Error("boom");
  },
});
const rejecter = definePass({
  name: "rejecter",
  summary: "test-only: rejects the program with a diagnostic",
  options: {},
  semantics: { exact: true },
  run() {
    throw new DiagnosticError([diag("FL520", { expr: "x" })]);
  },
});

/** Speaks: a remark and a text. */
const speaker = definePass({
  name: "speaker",
  summary: "test-only: a remark and printed text",
  options: {},
  semantics: { exact: true },
  run(g) {
    return { ...unchanged(g, { spoken: 2 }, [diag("FL800", { pass: "speaker", message: "said something" })]), text: "hello\n" };
  },
});

const TEST_PASSES: readonly AnyPass[] = [...PASSES, ask, bump, broken, thrower, rejecter, speaker];
const reg: PassRegistry = {
  pass: (n) => TEST_PASSES.find((p) => p.name === n),
  namedPipeline: () => undefined,
  names: () => TEST_PASSES.map((p) => p.name),
};
const run = (text: string, g: SignalGraph = base, opts: RunOptions = {}) => runPipeline(g, flattenPipeline(parsePipeline(text, reg)), opts);

/** The diagnostic a run throws. */
function thrown(text: string, opts: RunOptions = { debug: true }): Diagnostic {
  try {
    run(text, base, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(DiagnosticError);
    return (e as DiagnosticError).diagnostics[0]!;
  }
  throw new Error(`'${text}' ran without error`);
}

describe("analyses are lazy and cached per graph", () => {
  it("nothing is computed until a pass asks", () => {
    computed = 0;
    const r = run("bump,bump");
    expect(r.analyses.computations).toBe(0);
    expect(computed).toBe(0);
  });
  it("asking twice on the same graph computes once", () => {
    computed = 0;
    const r = run("ask,ask,ask");
    expect([r.analyses.computations, computed]).toEqual([1, 1]);
    expect(r.analyses.cached(counted)).toBe(true);
  });
  it("a pass that changes the graph and does not preserve the analysis invalidates it", () => {
    computed = 0;
    const r = run("ask,bump,ask");
    expect([r.analyses.computations, computed]).toEqual([2, 2]);
  });
  it("a pass that preserves it, by identity or as 'all', keeps it", () => {
    computed = 0;
    expect(run("ask,bump<counted>,ask").analyses.computations).toBe(1);
    expect(run("ask,bump<all>,ask,bump<counted>,ask").analyses.computations).toBe(1);
    expect(computed).toBe(2);
  });
  it("a pass that changes nothing keeps everything, whatever it says", () => {
    expect(run("ask,print,speaker,ask").analyses.computations).toBe(1);
  });
  it("the real analyses: print<types> twice computes types once; a normalize that changes the graph invalidates", () => {
    expect(runPipeline(base, instances("print<types>,print<types>,print<intervals>")).analyses.computations).toBe(2);
    const unnormal: SignalGraph = { inputs: 1, outputs: [sig.add(x, sig.mul(sig.float(2), sig.float(3)))] };
    const r = runPipeline(unnormal, instances("print<types>,normalize,print<types>"));
    expect(r.records[1]!.changed).toBe(true);
    expect(r.analyses.computations).toBe(2);
    // already normal: normalize changes nothing, the cache stays
    const again = runPipeline(r.graph, instances("print<types>,normalize,print<types>"));
    expect(again.records[1]!.changed).toBe(false);
    expect(again.analyses.computations).toBe(1);
  });
  it("AnalysisManager: get, cached, advance", () => {
    const am = new AnalysisManager(base);
    expect(am.cached(typesAnalysis)).toBe(false);
    const t = am.get(typesAnalysis);
    expect(am.get(typesAnalysis)).toBe(t);
    am.get(intervalsAnalysis);
    expect(am.computations).toBe(2);
    am.advance(base, []); // the same graph: everything stays
    expect(am.cached(typesAnalysis)).toBe(true);
    const next: SignalGraph = { inputs: 2, outputs: [x] };
    am.advance(next, [typesAnalysis]);
    expect(am.graph).toBe(next);
    expect([am.cached(typesAnalysis), am.cached(intervalsAnalysis)]).toEqual([true, false]);
    am.advance(base, "all");
    expect(am.cached(typesAnalysis)).toBe(true);
  });
});

describe("verification names the pass that broke the graph (FL705)", () => {
  const cases: [string, RegExp][] = [
    ["broken<extra-output>", /it has 2 outputs instead of 1/],
    ["broken<fewer-inputs>", /it has 1 inputs instead of 2/],
    ["broken<table-as-value>", /FL570: .*uses a table as a signal/],
    ["broken<instant-cycle>", /FL571/],
    ["broken<wild-input>", /reads input 7 of a program with 2 inputs/],
    ["broken<dishonest-unchanged>", /returned a new graph but said nothing changed/],
    ["broken<dishonest-changed>", /said the graph changed but returned the same graph/],
  ];
  for (const [text, detail] of cases)
    it(text, () => {
      const d = thrown(`normalize,${text},normalize`);
      expect(d.code).toBe("FL705");
      expect(d.message).toMatch(new RegExp(`^pass '${text.replace(/[<>]/g, "\\$&")}' broke the signal graph: `));
      expect(d.message).toMatch(detail);
    });
  it("an ill-formed input is reported as such, not blamed on the first pass", () => {
    const [r] = sig.recursion(freshRecName("in"), 1, ([p]) => [sig.add(p!, x)]);
    const bad: SignalGraph = { inputs: 1, outputs: [r!] };
    for (const text of ["normalize", ""]) {
      let err: unknown;
      try {
        runPipeline(bad, instances(text), { debug: true });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DiagnosticError);
      expect((err as DiagnosticError).diagnostics.map((d) => d.code)).toEqual(["FL571"]);
    }
  });
  it("without verification the same pipeline runs (debug mode only)", () => {
    const r = run("broken<extra-output>", base, { debug: false });
    expect(r.graph.outputs).toHaveLength(2);
  });
  it("checkGraph: a well-formed result has no problem", () => {
    expect(checkGraph(base, base, false)).toEqual([]);
    expect(checkGraph(base, { inputs: 2, outputs: [y] }, true)).toEqual([]);
  });
});

describe("failures inside a pass", () => {
  it("a plain exception becomes FL707 naming the pass", () => {
    const d = thrown("normalize,thrower<n=3>");
    expect(d.code).toBe("FL707");
    expect(d.message).toBe("pass 'thrower<n=3>' failed: boom");
  });
  it("a DiagnosticError (a program the pass rejects) passes through unchanged", () => {
    expect(thrown("rejecter").code).toBe("FL520");
  });
});

describe("records, printing, statistics, times", () => {
  it("one record per pass, in order, with its text, change, statistics and remarks", () => {
    const r = run("speaker,bump,print<uses>");
    expect(r.records.map((p) => [p.pass, p.changed, p.stats])).toEqual([
      ["speaker", false, { spoken: 2 }],
      ["bump", true, { bumped: 1 }],
      ["print<uses>", false, {}],
    ]);
    expect(r.records[0]!.remarks.map((d) => [d.code, d.message])).toEqual([["FL800", "speaker: said something"]]);
    expect(r.records.every((p) => p.milliseconds >= 0)).toBe(true);
  });
  it("text goes to onText; the graph after each pass that did not just print goes to printAfter", () => {
    const texts: string[] = [];
    const after: string[] = [];
    run("speaker,print,bump,print<types>,ask", base, { onText: (t) => texts.push(t), printAfter: (p) => after.push(p) });
    expect(texts[0]).toBe("hello\n");
    expect(texts[1]).toMatch(/^%0 = input 0\n[\s\S]*return %\d+\n$/);
    expect(texts[2]).toMatch(/^%0: /);
    // speaker and the print passes printed and changed nothing
    expect(after).toEqual(["bump", "ask"]);
  });
  it("formatStats aligns values, LLVM style; formatTimes sums to a total", () => {
    const recs: PassRecord[] = [
      { pass: "a", changed: true, stats: { "nodes-merged": 12, groups: 3 }, milliseconds: 1.5, remarks: [] },
      { pass: "b<x=1>", changed: false, stats: {}, milliseconds: 0.5, remarks: [] },
      { pass: "c", changed: false, stats: { n: 100 }, milliseconds: 2, remarks: [] },
    ];
    expect(formatStats(recs)).toBe(" 12 a - nodes-merged\n  3 a - groups\n100 c - n\n");
    expect(formatStats([])).toBe("no statistics\n");
    expect(formatTimes(recs).split("\n")).toEqual(["     1.500 ms  37.5%  a", "     0.500 ms  12.5%  b<x=1>", "     2.000 ms  50.0%  c", "     4.000 ms 100.0%  total", ""]);
  });
});

describe("instrumentation: callbacks of the manager", () => {
  it("before the pipeline, before and after each pass (after-callbacks in reverse order), any pass by the same rule", () => {
    const log: string[] = [];
    const hook = (tag: string): Instrumentation => ({
      name: tag,
      beforePipeline: (g) => log.push(`${tag} start ${g.outputs.length}`),
      beforePass: (p) => log.push(`${tag} before ${p.text}`),
      afterPass: (p, before, r) => log.push(`${tag} after ${p.text} ${r.changed} ${before === r.graph}`),
    });
    run("bump,print", base, { debug: false, instrumentations: [hook("a"), hook("b")] });
    expect(log).toEqual([
      "a start 1", "b start 1",
      "a before bump", "b before bump", "b after bump true false", "a after bump true false",
      "a before print", "b before print", "b after print false true", "a after print false true",
    ]);
  });
  it("an instrumentation that throws a DiagnosticError stops the pipeline with it", () => {
    const stop: Instrumentation = { name: "stop", afterPass: () => { throw new DiagnosticError([diag("FL502", {})]); } };
    expect(() => run("bump", base, { instrumentations: [stop] })).toThrow(/no output signal/);
  });
  it("verification is the debug switch: the run option wins over the environment (FAUSTLAB_DEBUG=1 under vitest)", () => {
    expect(debugMode()).toBe(true);
    expect(() => run("broken<extra-output>")).toThrow(/FL705|broke the signal graph/);
    expect(run("broken<extra-output>", base, { debug: false }).graph.outputs).toHaveLength(2);
    const saved = process.env.FAUSTLAB_DEBUG;
    try {
      for (const v of ["0", ""]) {
        process.env.FAUSTLAB_DEBUG = v;
        expect(debugMode()).toBe(false);
        expect(run("broken<extra-output>").graph.outputs).toHaveLength(2);
        expect(() => run("broken<extra-output>", base, { debug: true })).toThrow(/broke the signal graph/);
      }
    } finally {
      process.env.FAUSTLAB_DEBUG = saved;
    }
  });
  it("the standard ones are exported: verification() names the pass, printing() skips a pass that only printed", () => {
    const v = verification();
    const inst = instances("cse")[0]!;
    expect(() => v.afterPass!(inst, base, { changed: false, graph: { inputs: 2, outputs: [] }, preserves: "all", stats: {} })).toThrow(/pass 'cse' broke the signal graph: it has 0 outputs instead of 1/);
    const seen: string[] = [];
    const pr = printing((p) => seen.push(p));
    pr.afterPass!(inst, base, { ...unchanged(base), text: "x" });
    pr.afterPass!(inst, base, unchanged(base));
    expect(seen).toEqual(["cse"]);
  });
});

describe("the driver's normalization is a manager run like any pipeline", () => {
  it("compileSignals runs normalize through the manager, with its instrumentation and debug switch", async () => {
    const { compileSignals } = await import("../src/driver/signals.ts");
    const log: string[] = [];
    const rec: Instrumentation = { name: "rec", beforePipeline: (g) => log.push(`start ${g.inputs}->${g.outputs.length}`), afterPass: (p, _b, r) => log.push(`${p.text} ${r.changed}`) };
    const src = { path: "t.dsp", text: "process = _ * (2*3), _;" };
    const dbg = compileSignals(src, { debug: true, instrumentations: [rec] });
    expect(log).toEqual(["start 2->2", "normalize true"]);
    expect(compileSignals(src, { debug: false }).outputs).toEqual(dbg.outputs);
  });
});
