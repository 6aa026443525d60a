import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DiagnosticError, render } from "../diagnostics.ts";
import { arbSignalGraph } from "../../harness/arbitrary/signals.ts";
import { parseSignals } from "./parse.ts";
import { printSignals } from "./print.ts";
import { freshRecName, sig } from "./signal.ts";
import { verifySignals } from "./verify.ts";

function parseError(text: string): string {
  try {
    parseSignals(text, "t.sig");
  } catch (e) {
    if (e instanceof DiagnosticError) return render(e.diagnostics[0]!, { snippet: false });
    throw e;
  }
  return "no error";
}

describe("printer", () => {
  it("prints a one-pole filter with the recursion as a block", () => {
    const name = freshRecName("onepole");
    const x = sig.input(0);
    const [y] = sig.recursion(name, 1, ([y]) => [sig.add(x, sig.mul(sig.float(0.9), sig.delay1(y!)))]);
    expect(printSignals([sig.output(0, y!)])).toBe(
      [
        `%0 = proj @${name}, 0`,
        "%1 = output 0, %0",
        "%2 = input 0",
        "%3 = float 0.9",
        `rec @${name}(1) {`,
        "  %4 = delay1 %0",
        "  %5 = mul %3, %4",
        "  %6 = add %2, %5",
        "  yield %6",
        "}",
        "return %1",
        "",
      ].join("\n"),
    );
  });
  it("prints every parameter kind so that it parses back", () => {
    const sl = sig.vslider("gain", sig.float(0.5), sig.float(0), sig.float(1), sig.float(0.01), {
      path: [{ orient: "h", label: "Main \"mix\"" }, { orient: "t", label: "Tab" }],
      meta: [["unit", "dB"], ["style", "knob"]],
    });
    const ff = sig.ffun("powf", "float", ["float", "float"], [sl, sig.float(2)], "<math.h>", "m");
    const roots = [ff, sig.fconst("int", "fSamplingFreq"), sig.fvar("float", "count", "x.h"), sig.float(-0), sig.float(NaN), sig.float(-Infinity), sig.float(1e300), sig.int(-5)];
    const text = printSignals(roots);
    expect(text).toContain('%4 = vslider "gain", [["h","Main \\"mix\\""],["t","Tab"]], [["unit","dB"],["style","knob"]], %0, %1, %2, %3');
    expect(text).toContain('ffun "powf", float, [float, float], "<math.h>", "m", [%4, %5]');
    expect(text).toContain("float -0.0");
    expect(text).toContain("float nan");
    expect(text).toContain("float -inf");
    expect(text).toContain("float 1e+300");
    const back = parseSignals(text).roots;
    back.forEach((r, i) => expect(r).toBe(roots[i]));
  });
});

describe("parser", () => {
  it("reads hand-written IR with comments, forward group references and nested-free blocks", () => {
    const name = freshRecName("hand");
    const text = `
      ; a ramp
      %1 = proj @${name}, 0
      rec @${name}(1) {
        %2 = int 1
        %3 = delay1 %1
        %4 = add %2, %3
        yield %4
      }
      return %1`;
    const { roots } = parseSignals(text);
    const [y] = sig.recursion(name, 1, ([y]) => [sig.add(sig.int(1), sig.delay1(y!))]);
    expect(roots[0]).toBe(y);
  });
  it("accepts an integer literal for a float constant", () => {
    expect(parseSignals("%0 = float 2\nreturn %0").roots[0]).toBe(sig.float(2));
  });
  it("reports syntax errors with a span", () => {
    expect(parseError("%0 = input 0\n%1 = frobnicate %0\nreturn %1")).toBe("t.sig:2:6: error FL560: signal IR syntax error: unknown signal kind 'frobnicate'");
    expect(parseError("%0 = add %1, %2\nreturn %0")).toBe("t.sig:1:10: error FL561: signal IR: undefined value %1");
    expect(parseError("%0 = input 0")).toMatch(/FL560.*missing 'return'/);
    expect(parseError("%0 = int 99999999999\nreturn %0")).toMatch(/FL560.*out of range/);
    expect(parseError("%0 = input 0 $")).toMatch(/FL560.*unexpected character/);
    expect(parseError("%0 = proj @nowhere, 0\nreturn %0")).toMatch(/FL561/);
    expect(parseError("%0 = input 0\n%0 = input 1\nreturn %0")).toMatch(/defined twice/);
    expect(parseError('%0 = fconst float, "\\x", ""\nreturn %0')).toMatch(/FL560.*bad string/);
    expect(parseError('%0 = proj @"\\q", 0\nreturn %0')).toMatch(/FL560.*bad string/);
  });
  it("reports constructor errors at the statement", () => {
    expect(parseError("%0 = input 0\n%1 = table %0, %0\n%2 = proj @q, 3\nrec @q(1) {\nyield %1\n}\nreturn %2")).toMatch(/t.sig:3:6: error FL570/);
    const name = freshRecName("clash");
    sig.recursion(name, 1, ([y]) => [sig.delay1(y!)]);
    expect(parseError(`%0 = int 0\nrec @${name}(1) {\nyield %0\n}\nreturn %0`)).toMatch(/FL562/);
  });
});

describe("print/parse round trip (property)", () => {
  it("parse(print(g)) gives the same nodes, and printing is a fixpoint", () => {
    fc.assert(
      fc.property(arbSignalGraph(), (roots) => {
        expect(verifySignals(roots).map((p) => p.diagnostic.message)).toEqual([]);
        const text = printSignals(roots);
        const back = parseSignals(text).roots;
        expect(back.length).toBe(roots.length);
        back.forEach((r, i) => expect(r).toBe(roots[i]));
        expect(printSignals(back)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe("parser robustness (property)", () => {
  const outcome = (text: string): string => {
    try {
      parseSignals(text);
      return "ok";
    } catch (e) {
      if (e instanceof DiagnosticError) return e.diagnostics[0]!.code;
      throw e;
    }
  };
  it("answers arbitrary text with a result or a diagnostic, never a crash", () => {
    const alphabet = fc.constantFrom("\\x", "@\"", ..."%@=,[]{}()\"\\;-.e0123456789 \nabcdrxyz_".split(""), "rec", "yield", "return", "add", "proj", "float", "int", "input", "table");
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (parts) => {
        expect(outcome(parts.join(""))).toMatch(/^(ok|FL5\d\d)$/);
      }),
      { numRuns: 2000 },
    );
  });
  it("answers mutilated printed graphs with a result or a diagnostic", () => {
    fc.assert(
      fc.property(arbSignalGraph(), fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 4 }), (roots, at, len, ins) => {
        const text = printSignals(roots);
        const k = at % (text.length + 1);
        expect(outcome(text.slice(0, k) + ins + text.slice(k + len))).toMatch(/^(ok|FL5\d\d)$/);
      }),
      { numRuns: 500 },
    );
  });
});

describe("local group names", () => {
  it("print the same text whatever groups the process created before", () => {
    const build = (hint: string) => {
      const [y] = sig.recursion(freshRecName(hint), 1, ([p]) => [sig.add(sig.input(0), sig.mul(sig.float(0.5), sig.delay1(p!)))]);
      return [sig.output(0, y!)];
    };
    const a = build("y");
    const b = build("y"); // same structure, another global name
    expect(printSignals(a)).not.toBe(printSignals(b));
    const text = printSignals(a, { localGroupNames: true });
    expect(printSignals(b, { localGroupNames: true })).toBe(text);
    expect(text).toContain("rec @r0(1) {");
    expect(text).toContain("proj @r0, 0");
  });
});
