import { describe, expect, it } from "vitest";
import { B, type Box } from "../../core/boxes/box.ts";
import { printBox } from "../../core/boxes/print.ts";
import { MAX_BOX_DEPTH, MAX_NESTING, parseExpression, parseText } from "./parser.ts";

function expr(text: string): Box {
  const r = parseExpression(text);
  expect(r.diagnostics).toEqual([]);
  return r.box!;
}
const x = B.ident("x"), y = B.ident("y"), z = B.ident("z");

describe("parser precedence (faustparser.y)", () => {
  it("composition: <: :> loosest, then :, then ',', then ~; right-assoc except ~", () => {
    expect(expr("x : y : z")).toBe(B.seq(x, B.seq(y, z)));
    expect(expr("x <: y :> z")).toBe(B.split(x, B.merge(y, z)));
    expect(expr("x , y : z")).toBe(B.seq(B.par(x, y), z));
    expect(expr("x : y , z")).toBe(B.seq(x, B.par(y, z)));
    expect(expr("x , y ~ z")).toBe(B.par(x, B.rec(y, z)));
    expect(expr("x ~ y ~ z")).toBe(B.rec(B.rec(x, y), z));
    expect(expr("x , y , z")).toBe(B.par(x, B.par(y, z)));
    expect(expr("x <: y : z")).toBe(B.split(x, B.seq(y, z)));
  });
  it("infix arithmetic is (a, b) : op, left-assoc, by level", () => {
    expect(expr("x + y")).toBe(B.seq(B.par(x, y), B.prim("add")));
    expect(expr("x - y - z")).toBe(B.infix("sub", B.infix("sub", x, y), z));
    expect(expr("x + y * z")).toBe(B.infix("add", x, B.infix("mul", y, z)));
    expect(expr("x ^ y ^ z")).toBe(B.infix("pow", B.infix("pow", x, y), z));
    expect(expr("x * y @ z")).toBe(B.infix("mul", x, B.infix("delay", y, z)));
    expect(expr("x < y + z")).toBe(B.infix("lt", x, B.infix("add", y, z)));
    expect(expr("x | y & z")).toBe(B.infix("or", x, B.infix("and", y, z)));
    expect(expr("x + y : z")).toBe(B.seq(B.infix("add", x, y), z));
    expect(expr("x ~ y + z")).toBe(B.rec(x, B.infix("add", y, z)));
  });
  it("postfix forms bind tightest", () => {
    expect(expr("x'")).toBe(B.seq(x, B.prim("mem")));
    expect(expr("x @ y'")).toBe(B.infix("delay", x, B.seq(y, B.prim("mem"))));
    expect(expr("x + y(z)")).toBe(B.infix("add", x, B.app(y, [z])));
    expect(expr("x.y(z)")).toEqual(B.app(expr("x.y"), [z]));
    expect(expr("f(x, y : z)")).toBe(B.app(B.ident("f"), [x, B.seq(y, z)]));
  });
  it("with binds loosest and is left-associative", () => {
    const b = expr("x : y with { y = 1; }");
    expect(b.kind).toBe("with");
    if (b.kind === "with") expect(b.body).toBe(B.seq(x, y));
    const c = expr("x with { a = 1; } : z");
    expect(c.kind).toBe("seq");
  });
  it("signs: numbers, 0 - x, and the primitive", () => {
    expect(expr("-1")).toBe(B.int(-1));
    expect(expr("+1.5")).toBe(B.real(1.5));
    expect(expr("-x")).toBe(B.infix("sub", B.int(0), x));
    expect(expr("-(1)")).toBe(B.app(B.prim("sub"), [B.int(1)]));
    expect(expr("x - -2")).toBe(B.infix("sub", x, B.int(-2)));
    expect(expr("-0")).toBe(B.int(0));
    expect(expr("-0.0")).toBe(B.real(-0));
    expect(expr("-0.0")).not.toBe(B.real(0));
  });
  it("keeps int and float literals distinct", () => {
    expect(expr("1")).not.toBe(expr("1.0"));
    expect(expr("1.0")).toBe(expr("1."));
  });
});

describe("parser constructs", () => {
  it("parses definitions, rules and declarations", () => {
    const r = parseText('declare name "n"; declare f author "a"; import("x.lib"); f(0) = 1; f(n) = n; singleprecision g = 2;');
    expect(r.diagnostics).toEqual([]);
    expect(r.stmts.map((s) => s.kind)).toEqual(["declare", "declare", "import", "def", "def", "def"]);
    const g = r.stmts[5]!;
    expect(g.kind === "def" && g.variants).toBe(1);
  });
  it("parses letrec with where", () => {
    const b = expr("x letrec { 'x = x + y; where y = 1; }");
    expect(b.kind).toBe("letrec");
    if (b.kind === "letrec") {
      expect(b.defs.length).toBe(1);
      expect(b.where.length).toBe(1);
    }
  });
  it("records the spans of the file's boxes in its own table", () => {
    const r = parseText("process = foo + 1;");
    const def = r.stmts[0]!;
    const s = r.boxSpans.get(def.kind === "def" ? def.body : def)!;
    expect([s.start, s.end]).toEqual([10, 17]);
  });
  it("round-trips through the printer", () => {
    for (const t of ["x : y : z", "(x : y) : z", "x, (y, z)", "(x, y), z", "x ~ (y ~ z)", "(x + y)'", "x - (y - z)", "(-1).x", "\\(a, b).(a + b)"]) {
      const b = expr(t);
      expect(expr(printBox(b))).toBe(b);
    }
  });
});

describe("parser errors", () => {
  it("recovers at ';' and reports several errors", () => {
    const r = parseText("a = (1 + ;\nb = 2;\nc = f(1;\nd = 3;\n");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["FL202", "FL203"]);
    expect(r.stmts.map((s) => (s.kind === "def" ? s.name : s.kind))).toEqual(["b", "d"]);
    expect(r.diagnostics[1]!.related[0]!.message).toBe("'(' opened here");
  });
  it("resumes at a column-0 definition after an unclosed bracket", () => {
    const r = parseText("a = f(1, 2\nb = 3;\nc = case { (0) => 1;\nd = 4;\n");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["FL203", "FL201"]);
    expect(r.stmts.map((s) => (s.kind === "def" ? s.name : s.kind))).toEqual(["b", "d"]);
  });
  it("recovers inside with blocks", () => {
    const r = parseText("p = x with { a = ; b = 1; };\nq = 2;");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["FL202"]);
    expect(r.stmts.length).toBe(2);
  });
  it("rejects what Faust rejects", () => {
    for (const t of ['p = "abc";', "p = x where x = 1;", "p = 1..2;", "p = f(x with {});", ";", "p = 1E3;", "p = waveform{};"]) {
      expect(parseText(t).diagnostics.length, t).toBeGreaterThan(0);
    }
  });
  it("guards nesting depth with a diagnostic, not a stack overflow", () => {
    const n = 100_000;
    const r = parseText(`p = ${"(".repeat(n)}1${")".repeat(n)};`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["FL204"]);
    expect(MAX_NESTING).toBeLessThan(n);
  });
  it("parses long operator chains and guards operator depth with a diagnostic", () => {
    // `a + b` is `(a, b) : +`, two levels per term
    const ok = parseText(`p = ${Array(10_000).fill("1").join(" + ")};`);
    expect(ok.diagnostics).toEqual([]);
    const r = parseText(`p = ${Array(MAX_BOX_DEPTH / 2 + 1).fill("1").join("+")};`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["FL205"]);
  });
  it("stops after too many errors", () => {
    const r = parseText("a = ;\n".repeat(500));
    expect(r.diagnostics.at(-1)!.code).toBe("FL206");
  });
});
