// The golden checker itself (src/harness/golden.ts): directive parsing, each
// directive passing and failing, captures, labels, malformed files.

import { describe, expect, it } from "vitest";
import { checkOutput, formatFailure, GoldenSyntaxError, parseGolden, parsePattern, shellWords, substitute, type CheckFailure } from "./golden.ts";

/** Checks `output` against a .sig golden file made of one RUN line and `directives` (comment lines without the `; `). */
function check(output: string, ...directives: string[]): CheckFailure | undefined {
  const g = parseGolden(["; RUN: faustlab opt %s", ...directives.map((d) => `; ${d}`)].join("\n"), "t.sig");
  return checkOutput(output, g.directives);
}
const passes = (output: string, ...ds: string[]) => expect(check(output, ...ds)).toBeUndefined();
/** Asserts a failure of the directive on file line `line` (1 is the RUN line), at output line `outLine`, with a message matching `msg`. */
function fails(output: string, ds: string[], line: number, outLine: number, msg: RegExp): CheckFailure {
  const f = check(output, ...ds);
  expect(f, "expected a failure").toBeDefined();
  expect(f!.directive.line).toBe(line);
  expect(f!.outputLine).toBe(outLine);
  expect(f!.message).toMatch(msg);
  return f!;
}
const syntaxError = (text: string, path = "t.sig"): GoldenSyntaxError => {
  try {
    parseGolden(text, path);
  } catch (e) {
    expect(e).toBeInstanceOf(GoldenSyntaxError);
    return e as GoldenSyntaxError;
  }
  throw new Error("expected a GoldenSyntaxError");
};

const OUT = ["%0 = input 0", "%1 = float 0.5", "%2 = mul %0, %1", "", "return %2", ""].join("\n");

describe("CHECK", () => {
  it("matches in order, anywhere after the previous match", () => {
    passes(OUT, "CHECK: input 0", "CHECK: mul", "CHECK: return %2");
    passes(OUT, "CHECK: %0", "CHECK: %0, %1"); // the second %0 is on line 3
  });
  it("fails when the text is missing or comes before the previous match", () => {
    fails(OUT, ["CHECK: add"], 2, 1, /no match/);
    fails(OUT, ["CHECK: mul", "CHECK: float 0.5"], 3, 3, /no match.*searched from output line 3/);
  });
  it("ignores the amount of horizontal space and the pattern's surrounding spaces", () => {
    passes("a   b\tc\n", "CHECK:    a b c   ");
    fails("ab\n", ["CHECK: a b"], 2, 1, /no match/);
  });
  it("treats regex characters of literal text literally", () => {
    passes("f(x) = [1+2]*3 ^ $y\n", "CHECK: f(x) = [1+2]*3 ^ $y");
    fails("f(xx)\n", ["CHECK: f(x.)"], 2, 1, /no match/);
  });
  it("points at the closest line when a match is missed", () => {
    const f = fails(OUT, ["CHECK: float 0.25"], 2, 2, /closest line is 2: '%1 = float 0.5'/);
    expect(f.context).toContain(">     2 | %1 = float 0.5");
    expect(formatFailure(f, "t.sig")).toMatch(/^t\.sig:2: CHECK: float 0\.25\n {2}no match/);
  });
});

describe("CHECK-NEXT, CHECK-SAME, CHECK-EMPTY", () => {
  it("CHECK-NEXT matches on the line right after the previous match", () => {
    passes(OUT, "CHECK: input", "CHECK-NEXT: float", "CHECK-NEXT: mul");
    fails(OUT, ["CHECK: input", "CHECK-NEXT: mul"], 3, 3, /line 3, not on line 2/);
    fails(OUT, ["CHECK: %2 =", "CHECK-NEXT: mul"], 3, 3, /line of the previous match/);
  });
  it("CHECK-SAME matches later on the line of the previous match", () => {
    passes(OUT, "CHECK: %2 =", "CHECK-SAME: mul %0", "CHECK-SAME: %1");
    fails(OUT, ["CHECK: %1 =", "CHECK-SAME: mul"], 3, 3, /line 3, not on line 2/);
  });
  it("CHECK-EMPTY needs an empty next line", () => {
    passes(OUT, "CHECK: mul", "CHECK-EMPTY:", "CHECK-NEXT: return");
    fails(OUT, ["CHECK: float", "CHECK-EMPTY:"], 3, 3, /expected an empty line.*found '%2 = mul %0, %1'/);
    fails("a\n", ["CHECK: a", "CHECK-EMPTY:"], 3, 1, /found the end of the output/);
  });
});

describe("CHECK-NOT", () => {
  it("forbids text between the surrounding matches", () => {
    passes(OUT, "CHECK: input", "CHECK-NOT: return", "CHECK: mul");
    fails(OUT, ["CHECK: input", "CHECK-NOT: float", "CHECK: mul"], 3, 2, /must not be there: 'float'/);
  });
  it("at the start checks before the first match, at the end after the last", () => {
    passes(OUT, "CHECK-NOT: return", "CHECK: mul");
    fails(OUT, ["CHECK-NOT: float", "CHECK: mul"], 2, 2, /must not be there/);
    passes(OUT, "CHECK: return", "CHECK-NOT: input");
    fails(OUT, ["CHECK: input", "CHECK-NOT: return"], 3, 5, /must not be there: 'return'/);
  });
});

describe("CHECK-LABEL", () => {
  const OUT2 = ["func a", "  x = 1", "  y = 2", "func b", "  x = 3", "func c", "  y = 4", ""].join("\n");
  it("splits the output into blocks: a check cannot match past the next label", () => {
    passes(OUT2, "CHECK-LABEL: func a", "CHECK: x = 1", "CHECK-LABEL: func b", "CHECK: x = 3", "CHECK-LABEL: func c", "CHECK: y = 4");
    // y appears in block c, but not in block b
    fails(OUT2, ["CHECK-LABEL: func b", "CHECK: y =", "CHECK-LABEL: func c"], 3, 5, /no match/);
    // without the label, the same check would find the y of block c
    passes(OUT2, "CHECK-LABEL: func b", "CHECK: y =");
  });
  it("a CHECK-NOT covers its block up to the next label only", () => {
    passes(OUT2, "CHECK-LABEL: func b", "CHECK-NOT: y =", "CHECK-LABEL: func c", "CHECK: y = 4");
    fails(OUT2, ["CHECK-LABEL: func a", "CHECK-NOT: y =", "CHECK-LABEL: func b"], 3, 3, /must not be there: 'y ='/);
  });
  it("labels are found first, in order; a missing one fails", () => {
    fails(OUT2, ["CHECK-LABEL: func c", "CHECK-LABEL: func a"], 3, 6, /no match for the label \(searched from output line 6\)/);
    fails(OUT2, ["CHECK: x = 3", "CHECK-LABEL: func z"], 3, 1, /no match for the label/);
  });
  it("CHECK-NEXT after a label refers to the label's line", () => {
    passes(OUT2, "CHECK-LABEL: func b", "CHECK-NEXT: x = 3");
    fails(OUT2, ["CHECK-LABEL: func a", "CHECK-NEXT: y = 2"], 3, 3, /not on line 2/);
  });
});

describe("captures and regexes", () => {
  it("[[X:regex]] defines, [[X]] uses", () => {
    passes(OUT, "CHECK: [[X:%[0-9]+]] = input", "CHECK: [[K:%[0-9]+]] = float", "CHECK: = mul [[X]], [[K]]");
    fails(OUT, ["CHECK: [[K:%[0-9]+]] = float", "CHECK: = mul [[K]]"], 3, 3, /no match/);
  });
  it("a use in the same pattern after its definition is a back-reference", () => {
    passes("add %3, %3\n", "CHECK: add [[A:%[0-9]+]], [[A]]");
    fails("add %3, %4\n", ["CHECK: add [[A:%[0-9]+]], [[A]]"], 2, 1, /no match/);
  });
  it("a later definition replaces the value", () => {
    passes("a 1\nb 1\na 2\nb 2\n", "CHECK: a [[N:[0-9]]]", "CHECK: b [[N]]", "CHECK: a [[N:[0-9]]]", "CHECK-NEXT: b [[N]]");
  });
  it("the value of a variable is matched literally", () => {
    passes("x a.b\ny a.b\n", "CHECK: x [[V:[a-z.]+]]", "CHECK: y [[V]]");
    fails("x a.b\ny axb\n", ["CHECK: x [[V:[a-z.]+]]", "CHECK: y [[V]]"], 3, 2, /no match/);
  });
  it("a regex class containing ']' ends at the right ']]'", () => {
    passes("v [x]\nw [x]\n", "CHECK: v [[V:\\[[a-z]\\]]]", "CHECK: w [[V]]");
    expect(parsePattern("[[X:[a-z]]]")).toEqual([{ kind: "define", name: "X", source: "[a-z]" }]);
  });
  it("using an undefined variable fails", () => {
    fails(OUT, ["CHECK: [[Y]] = input"], 2, 1, /'Y' is used before it is defined/);
  });
  it("{{regex}} with ^ and $ at line ends, alternatives kept inside", () => {
    passes(OUT, "CHECK: {{^}}return %2{{$}}");
    passes(OUT, "CHECK: {{float|int}} 0.5");
    fails(OUT, ["CHECK: {{^}}0.5"], 2, 2, /no match/);
    fails(OUT, ["CHECK: {{^int}} 0.5"], 2, 2, /no match/);
  });
});

describe("RUN lines, prefixes, XFAIL", () => {
  it("splits RUN lines as a shell, joins continuations, reads 'not' and check prefixes", () => {
    const g = parseGolden(
      [
        "// RUN: faustlab opt %s -passes 'normalize, print<types>' \\",
        "// RUN:   -stats --check-prefixes=A,B",
        "// RUN: not faustlab opt \"%s\" -passes x --check-prefix=C",
        "// A: a",
        "// B-NEXT: b",
        "// C: c",
        "// XFAIL: we miss this",
        "process = _;",
      ].join("\n"),
      "t.dsp",
    );
    expect(g.runs).toEqual([
      { line: 1, text: "opt %s -passes 'normalize, print<types>' -stats --check-prefixes=A,B".replace(/^/, "faustlab "), words: ["opt", "%s", "-passes", "normalize, print<types>", "-stats"], prefixes: ["A", "B"], expectFailure: false },
      { line: 3, text: 'not faustlab opt "%s" -passes x --check-prefix=C', words: ["opt", "%s", "-passes", "x"], prefixes: ["C"], expectFailure: true },
    ]);
    expect(g.directives.map((d) => [d.prefix, d.kind, d.pattern, d.line])).toEqual([
      ["A", "CHECK", "a", 4],
      ["B", "NEXT", "b", 5],
      ["C", "CHECK", "c", 6],
    ]);
    expect(g.xfail).toBe("we miss this");
  });
  it("directives of several prefixes are checked together, in file order", () => {
    const g = parseGolden(["; RUN: faustlab x --check-prefixes=A,B", "; A: one", "; B-NEXT: two", "; A-NEXT: three"].join("\n"), "t.sig");
    expect(checkOutput("one\ntwo\nthree\n", g.directives)).toBeUndefined();
    expect(checkOutput("one\nthree\ntwo\n", g.directives)?.directive.line).toBe(3);
  });
  it("shell words: quotes, escapes, no pipes", () => {
    expect(shellWords(`a 'b c' "d \\"e\\"" f\\ g ''`)).toEqual(["a", "b c", 'd "e"', "f g", ""]);
    expect(() => shellWords("a | b")).toThrow(/not supported/);
    expect(() => shellWords("a 'b")).toThrow(/unterminated/);
    expect(substitute("%s:%S:%%s", "/d/f.sig", "/d")).toBe("/d/f.sig:/d:%s");
  });
  it("only comment lines count: `//` in Faust, `;` in signal text", () => {
    expect(syntaxError("// RUN: faustlab x\n; CHECK: a\n", "t.dsp").detail).toMatch(/no CHECK: line/);
    expect(parseGolden("x ; RUN: y\n;RUN: faustlab x\n  ;   CHECK: a\n", "t.sig").directives).toHaveLength(1);
  });
});

describe("malformed golden files", () => {
  it("a file that runs nothing or checks nothing is an error", () => {
    expect(syntaxError("; CHECK: a\n").detail).toMatch(/no RUN line/);
    expect(syntaxError("; RUN: faustlab x\n").detail).toMatch(/no CHECK: line/);
    expect(syntaxError("; RUN: faustlab x\n; CHECK-NOT: a\n").detail).toMatch(/no CHECK: line/);
    expect(syntaxError("; RUN: faustlab x\n; RUN: faustlab y --check-prefix=P\n; CHECK: a\n").detail).toMatch(/no P: line/);
  });
  it("a misspelled or unknown directive is an error, not a silent comment", () => {
    expect(syntaxError("; RUN: faustlab x\n; CHECK: a\n; CHEKC: b\n").line).toBe(3);
    expect(syntaxError("; RUN: faustlab x\n; CHECK: a\n; CHECK-NXT: b\n").detail).toMatch(/not a directive/);
    expect(syntaxError("; RUN: faustlab x\n; CHECK: a\n; CHECK-DAG: b\n").detail).toMatch(/not a directive/);
    expect(syntaxError("; RUN: faustlab x --check-prefix=P\n; P: a\n; CHECK: b\n").detail).toMatch(/not a directive/);
    // ordinary comments are fine
    expect(parseGolden("; RUN: faustlab x\n; CHECK: a\n; Note: b\n", "t.sig").directives).toHaveLength(1);
  });
  it("bad RUN lines", () => {
    expect(syntaxError("; RUN: opt x\n; CHECK: a\n").detail).toMatch(/must start with 'faustlab'/);
    expect(syntaxError("; RUN: faustlab x | grep y\n; CHECK: a\n").detail).toMatch(/not supported/);
    expect(syntaxError("; RUN: faustlab x \\\n; CHECK: a\n").detail).toMatch(/not a RUN line/);
    expect(syntaxError("; RUN: faustlab x --check-prefix=A-NOT\n; A: a\n").detail).toMatch(/bad check prefix/);
  });
  it("bad patterns and misplaced directives", () => {
    expect(syntaxError("; RUN: faustlab x\n; CHECK:\n").detail).toMatch(/no text/);
    expect(syntaxError("; RUN: faustlab x\n; CHECK: a\n; CHECK-EMPTY: b\n").detail).toMatch(/takes no text/);
    expect(syntaxError("; RUN: faustlab x\n; CHECK-NEXT: a\n").detail).toMatch(/no previous CHECK: match/);
    expect(syntaxError("; RUN: faustlab x\n; CHECK: {{a\n").detail).toMatch(/no closing/);
    expect(syntaxError("; RUN: faustlab x\n; CHECK: {{(}}\n").detail).toMatch(/bad regex/);
    expect(syntaxError("; RUN: faustlab x\n; CHECK: [[9x:a]]\n").detail).toMatch(/bad variable name/);
    expect(syntaxError("; RUN: faustlab x\n; CHECK: [[#N]]\n").detail).toMatch(/not supported/);
    expect(syntaxError("; RUN: faustlab x\n; CHECK-LABEL: [[X:a]]\n").detail).toMatch(/not allowed in a LABEL/);
    expect(syntaxError("; RUN: faustlab x\n; CHECK: a\n; XFAIL:\n").detail).toMatch(/needs a reason/);
  });
});
