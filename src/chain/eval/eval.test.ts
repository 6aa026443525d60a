import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { printBox } from "../../core/boxes/print.ts";
import type { Box } from "../../core/boxes/box.ts";
import type { EvalOptions, EvalResult } from "./eval.ts";
import { evaluateProgram } from "../../driver/signals.ts";
import { constantOf } from "./constant.ts";
import { checkEvaluated } from "./arity.ts";
import type { FileParser } from "../frontend/imports.ts";
import { decodeParsed, parseAndEncode } from "../frontend/parsed-form.ts";

function run(text: string, opts: EvalOptions = {}): EvalResult {
  return evaluateProgram({ text, path: "test.dsp" }, opts);
}

/** Canonical text with slots renumbered in order of appearance (slot numbers are global). */
function show(b: Box): string {
  const names = new Map<string, string>();
  return printBox(b).replace(/slot\d+/g, (m) => {
    if (!names.has(m)) names.set(m, `s${names.size}`);
    return names.get(m)!;
  });
}

/** Evaluates and returns the canonical text and arity; fails the test on diagnostics. */
function ok(text: string, opts: EvalOptions = {}): { box: string; io: string; process: Box } {
  const r = run(text, opts);
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  expect(checkEvaluated(r.process!)).toBeUndefined();
  return { box: show(r.process!), io: `${r.arity!.ins}->${r.arity!.outs}`, process: r.process! };
}

/** Evaluates a program that must fail; returns its first error. */
function err(text: string, opts: EvalOptions = {}) {
  const r = run(text, opts);
  const e = r.diagnostics.find((d) => d.severity === "error");
  expect(e, `expected an error for: ${text}`).toBeDefined();
  expect(r.process).toBeUndefined();
  return e!;
}

function value(text: string): number | undefined {
  return constantOf(ok(text).process)?.v;
}

describe("application", () => {
  it("applies primitives to too few arguments as Faust does", () => {
    // a binary operator with one argument takes it as its second operand; others fill from the left
    expect(ok("process = /(2), -(1);").box).toBe("_ / 2, _ - 1");
    expect(ok("process = prefix(1);").box).toBe("1, _ : prefix");
    expect(ok("process = (_,_:+)(1);").box).toBe("1, _ : _ + _");
    expect(ok("process = @(3);").io).toBe("1->1");
  });

  it("curries user functions: partial application is a closure awaiting the rest", () => {
    const r = ok("f(x,y) = x - y; g = f(1); process = g(2), g;");
    expect(r.box).toBe("1 - 2, \\(s0).(1 - s0)");
    expect(r.io).toBe("1->2");
  });

  it("turns an unapplied lambda into a symbolic box with one input per parameter", () => {
    expect(ok("process = \\(x,y).(x-y);").io).toBe("2->1");
    expect(ok("f = \\(x).(x*x); process = f;").box).toBe("\\(s0).(s0 * s0)");
  });

  it("puts the arguments of a block diagram in parallel in front of it", () => {
    expect(ok("f = _,_,_ :> _; process = f(1, 2);").box).toBe("1, 2, _ : (_, _, _ :> _)");
  });

  it("simplifies numeric arguments before binding them", () => {
    expect(ok("f(x) = x; process = f(1+1), f(4/2), f(3/2);").box).toBe("2, 2, 1.5");
  });

  it("reports too many arguments (FL407)", () => {
    const e = err("process = +(1,2,3);");
    expect(e.code).toBe("FL407");
    expect(e.message).toContain("too much arguments : 3, instead of : 2");
    expect(err("f(0, y) = y; f(x, y) = x + y; process = f(1, 2, 3);").code).toBe("FL407");
  });
});

describe("pattern matching", () => {
  it("tries the rules of a definition in order, with numbers and variables", () => {
    expect(value("fact(0) = 1; fact(n) = n * fact(n - 1); process = fact(5);")).toBe(120);
    expect(ok("f(2) = 1; f(n) = 0; process = f(1+1), f(3);").box).toBe("1, 0");
  });

  it("matches structural patterns over evaluated boxes", () => {
    expect(ok("len((x,xs)) = 1 + len(xs); len(x) = 1; process = par(i, len((1,2,3)), _);").io).toBe("3->3");
    expect(ok("first(x:y) = x; process = first(+ : _);").box).toBe("+");
    // checked against the reference: arguments are simplified before matching (1+1 is 2, not a
    // composition); an ill-formed argument is an error only where a constant is compared
    expect(ok("f(x:y) = 1; f(z) = 2; process = f(1+1);").box).toBe("2");
    expect(ok("first(x:y) = x; process = first(+ : *);").box).toBe("+");
    expect(err("c = case { (0) => 0; (x:y) => y; }; process = c(+ : *);").code).toBe("FL412");
    expect(err("f(x) = 1; process = f((_,_) : _);").code).toBe("FL412");
    expect(ok("f = case { (x, 0) => x; (x, y) => y; }; process = f(1, 0), f(1, 2);").box).toBe("1, 2");
  });

  it("requires a variable seen twice to match equal values", () => {
    expect(ok("eq(x, x) = 1; eq(x, y) = 0; process = eq(2, 1+1), eq(1, 2), eq(4/2, 2), eq(3/2, 1.5);").box).toBe("1, 0, 1, 1");
  });

  it("binds functions held in lists", () => {
    expect(ok("apply2((f, g), x) = f(x), g(x); process = apply2((+(1), *(2)), 3);").box).toBe("(3 : _ + 1), (3 : _ * 2)");
  });

  it("reports a failed match (FL408) and inconsistent rules (FL409)", () => {
    expect(err("f(0) = 1; process = f(1);").code).toBe("FL408");
    expect(err("f(x) = 1; f(x, y) = 2; process = f(1);").code).toBe("FL409");
  });
});

describe("environments", () => {
  it("evaluates with-blocks lexically and lazily", () => {
    expect(value("process = f(3) with { f(n) = n * k; k = 2; };")).toBe(6);
    // an unused definition is never evaluated, even if it is wrong
    expect(ok("process = 1 with { bad = undefined_thing; };").box).toBe("1");
  });

  it("lowers letrec into a recursion over a symbolic box", () => {
    expect(ok("process = x letrec { 'x = x + 1; };").box).toBe("\\(s0).(s0 + 1) ~ _");
    expect(ok("process = (x,y) letrec { 'x = y + _; 'y = x; };").io).toBe("2->2");
  });

  it("accesses and modifies environment values", () => {
    expect(ok("e = environment { a = 1; b = a + 1; }; process = e.b, e[a = 10;].b;").box).toBe("1 + 1, 10 + 1");
  });

  it("loads library() and component() values, with e[defs] on a component", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-eval-"));
    fs.writeFileSync(path.join(dir, "mylib.lib"), "gain = 2; amp = *(gain);\n");
    fs.writeFileSync(path.join(dir, "comp.dsp"), "k = 3; process = *(k);\n");
    const main = path.join(dir, "main.dsp");
    fs.writeFileSync(main, 'l = library("mylib.lib"); process = l.amp, component("comp.dsp"), component("comp.dsp")[k = 5;];\n');
    const r = evaluateProgram(main);
    expect(r.diagnostics).toEqual([]);
    expect(show(r.process!)).toBe("_ * 2, _ * 3, _ * 5");
  });

  it("resolves library() from the folder of the program that names it", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-eval-"));
    for (const [dir, k] of [["a", 1], ["b", 2]] as const) {
      fs.mkdirSync(path.join(root, dir));
      fs.writeFileSync(path.join(root, dir, "mylib.lib"), `k = ${k};\n`);
      fs.writeFileSync(path.join(root, dir, "main.dsp"), 'process = library("mylib.lib").k;\n');
    }
    expect(show(evaluateProgram(path.join(root, "a", "main.dsp")).process!)).toBe("1");
    expect(show(evaluateProgram(path.join(root, "b", "main.dsp")).process!)).toBe("2");
  });

  it("re-reads a file that changed since it was last evaluated", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-eval-"));
    const file = path.join(dir, "main.dsp");
    fs.writeFileSync(file, "process = 1;\n");
    expect(show(evaluateProgram(file).process!)).toBe("1");
    fs.writeFileSync(file, "process = 2, 3;\n");
    expect(show(evaluateProgram(file).process!)).toBe("2, 3");
  });

  it("selects precision-qualified definitions", () => {
    const src = "doubleprecision x = 2; singleprecision x = 1; process = x;";
    expect(ok(src).box).toBe("1");
    expect(ok(src, { precision: "double" }).box).toBe("2");
  });

  it("reports undefined symbols with a suggestion (FL401)", () => {
    const e = err("foo = 1; process = fo;");
    expect(e.code).toBe("FL401");
    expect(e.message).toBe("undefined symbol : fo (did you mean 'foo'?)");
    expect(e.span).toBeDefined();
    expect(err("foo = 1;").message).toContain("undefined symbol : process");
  });

  it("points an undefined symbol at its use in the definition being evaluated", () => {
    run("zz_first = 1; process = zz_undefined;");
    const r = evaluateProgram({ text: "a = 1;\nprocess = a + zz_undefined;\n", path: "second.dsp" });
    const span = r.diagnostics[0]!.span!;
    expect(span.file.path).toBe("second.dsp");
    expect(span.file.text.slice(span.start, span.end)).toBe("zz_undefined");
    expect(span.file.position(span.start)).toEqual({ line: 1, col: 14 });
  });

  it("reports duplicate definitions (FL410) and redefinitions across files (FL411)", () => {
    expect(err("x = 1; x = 2; process = x;").code).toBe("FL410");
    expect(err('import("stdfaust.lib"); ba = 3; process = ba;').code).toBe("FL411");
  });

  it("evaluates the definitions of cached files, decoded when reached, as those of parsed files", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-lazy-"));
    try {
      // a.lib and b.lib share an identical definition (counted once) and each import the other's names
      fs.writeFileSync(path.join(dir, "a.lib"), 'same(x) = x * 2; fa(0) = 10; fa(n) = n + same(n); unused = 1/0;\nimport("b.lib");');
      fs.writeFileSync(path.join(dir, "b.lib"), "same(x) = x * 2; fb = fa(3) : same;");
      fs.writeFileSync(path.join(dir, "c.lib"), "dup = 1; dup = 2;");
      fs.writeFileSync(path.join(dir, "d.lib"), "same(x) = x * 3;");
      const cached: FileParser = (file) => decodeParsed(parseAndEncode(file).encoded!, file)!;
      const both = (text: string) => {
        const eager = run(text, { includeDirs: [dir] });
        const lazy = run(text, { includeDirs: [dir], parser: cached });
        expect(lazy.diagnostics.map((d) => d.code)).toEqual(eager.diagnostics.map((d) => d.code));
        if (eager.process) expect(show(lazy.process!)).toBe(show(eager.process));
        return lazy;
      };
      expect(constantOf(both('import("a.lib"); process = fb + fa(0);').process!)?.v).toBe(18 + 10);
      expect(both('import("c.lib"); process = dup;').diagnostics[0]!.code).toBe("FL410");
      expect(both('import("a.lib"); import("d.lib"); process = fb;').diagnostics[0]!.code).toBe("FL411");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports access to a non-environment (FL417) and an environment used as a diagram (FL418)", () => {
    expect(err("x = 1; process = x.y;").code).toBe("FL417");
    expect(err("e = environment { a = 1; }; process = e;").code).toBe("FL418");
    expect(err("e = environment { a = 1; }; process = e(1);").code).toBe("FL418");
  });
});

describe("iterations, route, labels, numbers", () => {
  it("builds par and seq right-nested, sum and prod left-nested", () => {
    expect(ok("process = par(i, 3, i);").box).toBe("0, 1, 2");
    expect(ok("process = seq(i, 2, +(i));").box).toBe("_ + 0 : _ + 1");
    expect(ok("process = sum(i, 4, i);").box).toBe("0 + 1 + 2 + 3");
    expect(value("process = prod(i, 3, i + 1);")).toBe(6);
    // empty iterations (checked against the reference): par/sum/prod give no signal, seq the identity
    expect(ok("process = par(i, 0, _), _;").io).toBe("1->1");
    expect(ok("process = _, sum(i, 0, _), prod(i, 0, _);").io).toBe("1->1");
    expect(ok("process = _, seq(i, 0, (_, _));").io).toBe("3->3");
    expect(ok("process = seq(i, 0, par(j, i + 1, _));").io).toBe("1->1");
    expect(err("process = seq(i, 0, +);").code).toBe("FL423");
    // negative counts, as the reference: par/seq give the body at i = n-1, sum/prod at i = 0
    expect(ok("process = par(i, -2, par(j, -i, _));").io).toBe("3->3");
    expect(ok("process = sum(i, -2, par(j, i + 1, 1));").io).toBe("0->1");
  });

  it("evaluates route with constant parameters", () => {
    expect(ok("process = route(2, 2, (1,2), (2,1));").box).toBe("route(2, 2, 1, 2, 2, 1)");
    expect(ok("n = 3; process = route(n, n, par(i, n, (i+1, n-i)));").box).toBe("route(3, 3, 1, 3, 2, 2, 3, 1)");
    expect(err("n = 1 : + ~ _; process = route(n, 2, (1, 1));").code).toBe("FL416");
    // as the reference: the pairs must be a closed list of an even number of numbers
    expect(err("process = route(2, 2, 1);").code).toBe("FL416");
    expect(err("process = route(2, 2, _);").code).toBe("FL416");
    expect(err("process = route(2, 2, (!, !));").code).toBe("FL416");
  });

  it("substitutes %i, %2i and %name in labels; keeps %% and a lone %", () => {
    const r = ok('process = par(i, 2, hslider("v%i %2i %% %", 0, 0, 1, 0.1)), nentry("n%k", 1, 0, 10, 1) with { k = 3; };');
    expect(r.box).toBe('(hslider("v0  0 %% %", 0.0, 0.0, 1.0, 0.1), hslider("v1  1 %% %", 0.0, 0.0, 1.0, 0.1)), nentry("n3", 1.0, 0.0, 10.0, 1.0)');
    // a group label sees the group's environment, not the iteration inside it
    expect(err('process = hgroup("g%j", par(j, 2, _));').code).toBe("FL401");
  });

  it("computes inputs() and outputs()", () => {
    expect(ok("process = inputs(+), outputs(_ <: _, _, _);").box).toBe("2, 3");
  });

  it("folds constants with Faust's int/float rules", () => {
    expect(value("process = 7 / 2;")).toBe(3.5);
    expect(ok("process = par(i, 4 / 2, _);").io).toBe("2->2");
    expect(value("process = int(-7.5) + (7 % 3) + (1 << 4);")).toBe(-7 + 1 + 16);
    expect(value("process = 2147483647 + 1;")).toBe(-2147483648);
    expect(ok("process = par(i, 2.7, _);").io).toBe("2->2");
  });

  it("checks widget ranges as the reference does (FL424, FL425)", () => {
    expect(err('process = hslider("a", 2, 0, 1, 0.1);').message).toBe(`init = 2 outside of [0 1] range in 'hslider("a", 2.0, 0.0, 1.0, 0.1)'`);
    expect(err('process = hslider("a", 0.5, 1, 0, 0.1);').code).toBe("FL425");
    expect(ok('process = hslider("a", 1, 0, 1, -0.1), hbargraph("b", 1, 0);').io).toBe("1->2");
  });

  it("reports non-constant widget parameters (FL405) and division by zero (FL406)", () => {
    expect(err('process = hslider("x", _, 0, 1, 0.1);').message).toContain("not a constant expression of type (0->1)");
    expect(err('process = hslider("a", hslider("b", 0, 0, 1, 0.1), 0, 1, 0.1);').code).toBe("FL405");
    expect(err('process = hslider("a", 1/0, 0, 1, 0.1);').message).toBe("division by 0 in 1 / 0");
  });
});

describe("widget modulation", () => {
  // arities checked against the reference compiler (Faust 2.88)
  it("multiplies by a new input by default, and adds one input per two-input circuit", () => {
    expect(ok('process = ["freq" -> hslider("freq", 100, 0, 1000, 1)];').box).toBe('\\(s0).(hslider("freq", 100.0, 0.0, 1000.0, 1.0) * s0)');
    expect(ok('process = ["freq": +, "gain" -> hslider("freq", 100, 0, 1000, 1), hslider("gain", 3, 0, 10, 1)];').io).toBe("2->2");
    expect(ok('process = ["freq" -> _ + hslider("freq", 100, 0, 1000, 1)];').io).toBe("2->1");
    // an unmatched label still adds the input
    expect(ok('process = ["nope" -> hslider("freq", 100, 0, 1000, 1)];').io).toBe("1->1");
  });

  it("composes a one-input circuit after the widget", () => {
    expect(ok('process = ["freq": *(2) : +(1) -> hslider("freq", 100, 0, 1000, 1)];').box).toBe('hslider("freq", 100.0, 0.0, 1000.0, 1.0) : _ * 2 : _ + 1');
  });

  it("matches names without metadata and group paths", () => {
    expect(ok('process = ["g/freq" -> hgroup("g", hslider("freq[unit:Hz]", 100, 0, 1000, 1))];').box).toBe(
      '\\(s0).(hgroup("g", hslider("freq[unit:Hz]", 100.0, 0.0, 1000.0, 1.0) * s0))',
    );
  });

  it("rejects circuits with more than two inputs (FL422)", () => {
    expect(err('process = ["freq": (_,_,_ :> _) -> hslider("freq", 100, 0, 1000, 1)];').code).toBe("FL422");
  });
});

describe("arity checks", () => {
  it("reports each composition error with Faust's text, the composition's span and notes at A and B", () => {
    const seq = err("process = (_, _) : (_, _, _);");
    expect(seq.code).toBe("FL412");
    expect(seq.message).toBe("sequential composition A:B | The number of outputs [2] of A must be equal to the number of inputs [3] of B");
    expect(seq.span).toBeDefined();
    expect(seq.related.length).toBe(2);
    expect(err("process = (_, _) <: (_, _, _);").code).toBe("FL413");
    expect(err("process = ! <: _;").code).toBe("FL413");
    expect(err("process = 1 <: 2;").code).toBe("FL413");
    expect(ok("process = (0, 0) <: (_, _, _, _);").io).toBe("0->4");
    expect(err("process = (_, _, _) :> (_, _);").code).toBe("FL414");
    expect(err("process = + ~ (_, _, _);").message).toBe(
      "recursive composition A~B | The number of outputs [1] of A must be at least the number of inputs [3] of B. The number of inputs [2] of A must be at least the number of outputs [3] of B.",
    );
  });

  it("computes the arity of every output kind", () => {
    expect(ok('process = waveform{1, 2.5}, soundfile("s", 2), button("b"), hbargraph("g", 0, 1);').io).toBe("3->8");
    expect(ok("process = ffunction(float sinhf(float), <math.h>, \"\"), fconstant(int fSamplingFreq, <math.h>);").io).toBe("1->2");
  });
});

describe("guards", () => {
  it("detects endless definitions (FL402)", () => {
    const e = err("x = x + 1; process = x;");
    expect(e.code).toBe("FL402");
    expect(e.message).toContain("endless evaluation cycle");
  });

  it("stops endless recursion with a diagnostic, never a stack overflow (FL403)", () => {
    expect(err("f(x) = f(x + 1); process = f(1);").code).toBe("FL403");
    expect(err("f(x) = g(x) with { g(y) = f(y + 1); }; process = f(0);").code).toBe("FL403");
  });

  it("bounds the number of steps (FL404)", () => {
    expect(err("process = par(i, 100, par(j, 100, i + j));", { maxSteps: 1000 }).code).toBe("FL404");
  });

  it("evaluates long composition chains without deep recursion", () => {
    const chain = Array.from({ length: 1900 }, () => "_").join(" : ");
    expect(ok(`process = ${chain};`).io).toBe("1->1");
  });

  it("folds constants through shared sub-boxes of symbolic bodies once per slot binding", () => {
    // h(60) is a symbolic box whose body is a DAG of 2^60 paths
    const r = run("h(0) = \\(x).(x); h(n) = \\(x).(h(n-1)(x) + h(n-1)(x)); process = par(i, (1 : h(60)) * 0 + 2, _);");
    expect(r.diagnostics).toEqual([]);
    expect(r.arity).toEqual({ ins: 2, outs: 2 });
  });

  it("memoizes by (box, environment): an exponential unfolding is evaluated in linear time", () => {
    const r = run("f(0) = 1; f(n) = f(n - 1) + f(n - 1); process = f(60);", { maxSteps: 100_000 });
    expect(r.diagnostics).toEqual([]);
    expect(r.arity).toEqual({ ins: 0, outs: 1 });
  });
});

describe("metadata", () => {
  it("collects global and per-function declarations", () => {
    const r = run('declare name "test"; declare f author "me"; f = _; process = f;');
    expect(r.metadata.map((m) => [m.target, m.key, m.value])).toEqual([
      ["", "name", "test"],
      ["f", "author", "me"],
    ]);
  });
});
