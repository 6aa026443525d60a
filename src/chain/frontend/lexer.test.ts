import { describe, expect, it } from "vitest";
import { SourceFile } from "../../core/diagnostics.ts";
import { keywords, lex, numberValue, T, tokenNames } from "./lexer.ts";

function kinds(text: string): string[] {
  const t = lex(new SourceFile("<t>", text));
  const out: string[] = [];
  for (let i = 0; i < t.count - 1; i++) out.push(`${tokenNames[t.kinds[i]!]}:${text.slice(t.starts[i]!, t.ends[i]!)}`);
  return out;
}

describe("lexer", () => {
  it("scans the composition and infix operators", () => {
    expect(kinds(": , <: :> +> ~ + - * / % ^ @ ' & | xor << >> < <= > >= == != _ ! ; = ( ) { } [ ] \\ . => ->")).toEqual([
      "':'::", "',':,", "'<:':<:", "':>'::>", "':>':+>", "'~':~", "'+':+", "'-':-", "'*':*", "'/':/", "'%':%", "'^':^",
      "'@':@", "''':'", "'&':&", "'|':|", "xor:xor", "'<<':<<", "'>>':>>", "'<':<", "'<=':<=", "'>':>", "'>=':>=",
      "'==':==", "'!=':!=", "'_':_", "'!':!", "';':;", "'=':=", "'(':(", "')':)", "'{':{", "'}':}", "'[':[", "']':]",
      "'\\':\\", "'.':.", "'=>':=>", "'->':->",
    ]);
  });

  it("reads numbers as Faust's scanner does", () => {
    expect(kinds("12 1. .5 1.5e3 2e-2 3f 1.25f .5e+2f 1E3 1e 1.f")).toEqual([
      "integer:12", "number:1.", "number:.5", "number:1.5e3", "number:2e-2", "number:3f", "number:1.25f", "number:.5e+2f",
      "integer:1", "identifier:E3", "integer:1", "identifier:e", "number:1.f",
    ]);
    expect(numberValue("1.5e3")).toBe(1500);
    expect(numberValue(".5e+2f")).toBe(50);
    expect(numberValue("1.")).toBe(1);
  });

  it("distinguishes identifiers, keywords and the wire", () => {
    expect(kinds("foo _bar __x x_1_ _ _1 with process letrec where route round any singleprecision")).toEqual([
      "identifier:foo", "identifier:_bar", "identifier:__x", "identifier:x_1_", "'_':_", "'_':_", "integer:1",
      "with:with", "identifier:process", "letrec:letrec", "where:where", "route:route", "round:round", "any:any",
      "singleprecision:singleprecision",
    ]);
    for (const w of ["ondemand", "upsampling", "downsampling"]) expect(keywords.has(w)).toBe(true);
    for (const w of ["modulate", "cinputs"]) expect(keywords.has(w)).toBe(false);
  });

  it("keeps strings raw, across lines and with backslashes", () => {
    expect(kinds('"a\\nb" "multi\nline" <math.h> <stdio> < b')).toEqual([
      'string:"a\\nb"', 'string:"multi\nline"', "include file name:<math.h>", "include file name:<stdio>", "'<':<", "identifier:b",
    ]);
  });

  it("skips comments and documentation blocks", () => {
    expect(kinds("a // c\n/* x\n y */ b <mdoc> anything </mdoc> c")).toEqual(["identifier:a", "identifier:b", "identifier:c"]);
  });

  it("reports lexical errors and keeps going", () => {
    const t = lex(new SourceFile("<t>", 'a $$ b "open'));
    expect(t.diagnostics.map((d) => [d.code, d.span?.start])).toEqual([["FL103", 2], ["FL101", 7]]);
    expect(t.kinds[t.count - 1]).toBe(T.EOF);
    const c = lex(new SourceFile("<t>", "a /* never closed"));
    expect(c.diagnostics.map((d) => [d.code, d.severity])).toEqual([["FL102", "warning"]]);
  });

  it("positions tokens by offset", () => {
    const t = lex(new SourceFile("<t>", "  ab  12"));
    expect([t.starts[0], t.ends[0], t.starts[1], t.ends[1], t.starts[2]]).toEqual([2, 4, 6, 8, 8]);
  });
});
