// Textual pipelines (passes/pipeline.ts): canonical printing, the round-trip
// property over random pipelines of the registry's passes with random option
// values, named pipelines, whitespace, and every error with its caret.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DiagnosticError, render } from "../src/core/diagnostics.ts";
import { boolOption, definePass, enumOption, floatOption, intOption, stringOption, unchanged, type AnyPass, type OptionDecl, type OptionValue } from "./pass.ts";
import { flattenPipeline, optionValue, parsePipeline, printPipeline, type PassRegistry } from "./pipeline.ts";
import { PASSES, PIPELINES, instances, registry } from "./registry.ts";

/** A pass with one option of every type (test-only, not in PASSES). */
const probe = definePass({
  name: "probe",
  summary: "test-only: one option of each type",
  options: {
    mode: enumOption(["fast", "slow", "exact"], "fast", "an enum, positional"),
    n: intOption(4, "an int in [1, 64]", { min: 1, max: 64 }),
    gain: floatOption(0.5, "a float >= 0", { min: 0 }),
    k: floatOption(1, "any float"),
    on: boolOption(false, "a bool"),
    tag: stringOption("none", "a word"),
  },
  positional: "mode",
  semantics: { exact: true },
  run: (g) => unchanged(g),
});

const NAMED: Record<string, string> = { ...Object.fromEntries(Object.entries(PIPELINES).map(([k, v]) => [k, v.text])), TWO: "normalize,probe<slow;n=3>", NEST: "TWO,O1" };
const ALL: readonly AnyPass[] = [...PASSES, probe];
const testRegistry: PassRegistry = {
  pass: (name) => ALL.find((p) => p.name === name),
  namedPipeline: (name) => NAMED[name],
  names: () => [...ALL.map((p) => p.name), ...Object.keys(NAMED)],
};

const parse = (text: string) => parsePipeline(text, testRegistry);
const canon = (text: string) => printPipeline(parse(text));

/** The error a pipeline text gives: code, 1-based column, caret width, message, rendered text. */
function errorOf(text: string, reg: PassRegistry = testRegistry) {
  try {
    parsePipeline(text, reg);
  } catch (e) {
    expect(e).toBeInstanceOf(DiagnosticError);
    const d = (e as DiagnosticError).diagnostics[0]!;
    const r = render(d);
    const caret = r.split("\n")[2]!;
    return { code: d.code, col: d.span!.start + 1, width: caret.trim().length, caretCol: caret.indexOf("^") - 4 + 1, message: d.message, rendered: r };
  }
  throw new Error(`'${text}' parsed without error`);
}

describe("canonical texts print back identically", () => {
  const texts = [
    "",
    "normalize",
    "print",
    "print<types>",
    "print<intervals>,normalize,print<uses>,print<stats>",
    "O0",
    "O1",
    "O1,print<types>,O0",
    "normalize,normalize",
    "probe<slow;n=3;gain=0.25;k=-1e-7;on=true;tag=a.b:c>",
    "probe<n=64>",
    "probe<k=1e+21>",
    "probe<k=-0>",
    "TWO,NEST",
  ];
  for (const t of texts) it(JSON.stringify(t), () => expect(canon(t)).toBe(t));

  it("for every registered pass, alone and with each option at its default", () => {
    for (const p of PASSES) {
      expect(printPipeline(parsePipeline(p.name, registry))).toBe(p.name);
      for (const [k, d] of Object.entries(p.options)) {
        const text = `${p.name}<${k === p.positional ? "" : k + "="}${String(d.default)}>`;
        expect(printPipeline(parsePipeline(text, registry))).toBe(text);
      }
    }
  });
});

describe("non-canonical texts print in canonical form", () => {
  it("drops spaces, tabs and newlines around every token", () => {
    expect(canon(" \t normalize \n,\tprint < types > ")).toBe("normalize,print<types>");
    expect(canon("probe < n = 3 ; slow >")).toBe("probe<slow;n=3>");
    expect(canon("   ")).toBe("");
  });
  it("writes options in declaration order, the positional one bare", () => {
    expect(canon("probe<tag=x;on=true;n=2;mode=exact>")).toBe("probe<exact;n=2;on=true;tag=x>");
    expect(canon("print<analysis=uses>")).toBe("print<uses>");
  });
  it("writes numbers as JavaScript prints them", () => {
    expect(canon("probe<n=+007>")).toBe("probe<n=7>");
    expect(canon("probe<gain=.50;k=1E3>")).toBe("probe<gain=0.5;k=1000>");
    expect(canon("probe<k=-2.50e-1>")).toBe("probe<k=-0.25>");
  });
  it("keeps -0 as a float value and makes it 0 as an int", () => {
    expect(Object.is(flattenPipeline(parse("probe<k=-0>"))[0]!.options.k, -0)).toBe(true);
    expect(Object.is(flattenPipeline(parse(canon("probe<k=-0.0>")))[0]!.options.k, -0)).toBe(true);
    expect(canon("probe<k=-0.0>")).toBe("probe<k=-0>");
    expect(Object.is(optionValue(intOption(1, "an int"), "-0"), 0)).toBe(true);
  });
});

describe("flattening", () => {
  it("fills every option with its default and keeps the element's text", () => {
    const [p] = flattenPipeline(parse("probe<n=2>"));
    expect(p!.pass).toBe(probe);
    expect(p!.options).toEqual({ mode: "fast", n: 2, gain: 0.5, k: 1, on: false, tag: "none" });
    expect(p!.text).toBe("probe<n=2>");
    expect(instances("print")[0]!.options).toEqual({ analysis: "graph" });
  });
  it("expands named pipelines, nested ones included, but prints them by name", () => {
    expect(instances("O1").map((i) => i.text)).toEqual(flattenPipeline(parsePipeline(PIPELINES.O1!.text, registry)).map((i) => i.text));
    expect(instances("O0")).toEqual([]);
    expect(flattenPipeline(parse("NEST,print")).map((i) => i.text)).toEqual(["normalize", "probe<slow;n=3>", ...instances("O1").map((i) => i.text), "print"]);
    expect(canon("NEST , print")).toBe("NEST,print");
  });
  it("every named pipeline of the registry parses", () => {
    for (const [name, p] of Object.entries(PIPELINES)) {
      expect(printPipeline(parsePipeline(p.text, registry))).toBe(p.text);
      expect(printPipeline(parsePipeline(name, registry))).toBe(name);
    }
  });
});

/** Text for a valid value of an option, in one of the spellings the parser accepts. */
function arbValueText(d: OptionDecl): fc.Arbitrary<string> {
  switch (d.type) {
    case "int": {
      const v = fc.integer({ min: d.min ?? -1_000_000, max: d.max ?? 1_000_000 });
      return fc.tuple(v, fc.constantFrom("", "+", "0")).map(([n, how]) => (n >= 0 && how ? how + String(n) : String(n)));
    }
    case "float": {
      const v = fc.double({ min: d.min ?? -1e30, max: d.max ?? 1e30, noNaN: true, noDefaultInfinity: true });
      return fc.tuple(v, fc.constantFrom("plain", "exp", "fixed")).map(([x, how]) => (how === "exp" ? x.toExponential() : how === "fixed" ? x.toFixed(3) : String(x)));
    }
    case "bool":
      return fc.constantFrom("true", "false");
    case "enum":
      return fc.constantFrom(...d.values);
    case "string":
      return fc.stringMatching(/^[A-Za-z0-9_.:/+-]{1,8}$/);
    default: {
      const never: never = d;
      return never;
    }
  }
}

const space = fc.constantFrom("", "", " ", "  ", "\t", "\n ");

/** A random element: a pass with a random subset of its options in random order, or a named pipeline. */
const arbElement: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...Object.keys(NAMED)),
  fc.constantFrom(...ALL).chain((p) => {
    const keys = Object.keys(p.options);
    if (!keys.length) return fc.constant(p.name);
    return fc.shuffledSubarray(keys).chain((ks) =>
      fc.tuple(fc.tuple(...ks.map((k) => fc.tuple(arbValueText(p.options[k]!), fc.boolean(), space))), space).map(([vals, sp]) => {
        if (!ks.length) return p.name;
        const params = ks.map((k, i) => {
          const [v, bare, s] = vals[i]!;
          return `${s}${k === p.positional && bare ? v : `${k}${s}=${s}${v}`}${s}`;
        });
        return `${p.name}${sp}<${params.join(";")}>`;
      }),
    );
  }),
);
const arbPipelineText = fc.tuple(fc.array(fc.tuple(arbElement, space, space), { maxLength: 6 }), space).map(([els, s]) => s + els.map(([e, a, b]) => a + e + b).join(","));

/** What a pipeline means: the passes and option values it runs. */
const meaning = (text: string) => flattenPipeline(parse(text)).map((i) => ({ pass: i.pass.name, options: i.options as Record<string, OptionValue> }));

describe("round-trip property over random pipelines", () => {
  it("print(parse(x)) is a fixpoint of print∘parse and means what x means", () => {
    fc.assert(
      fc.property(arbPipelineText, (x) => {
        const p = canon(x);
        expect(canon(p)).toBe(p);
        expect(meaning(p)).toEqual(meaning(x));
        expect(p).not.toMatch(/\s/);
      }),
      { numRuns: 500 },
    );
  });

  it("canonical texts built from option values print back character for character", () => {
    const arbCanonical = fc
      .array(
        fc.oneof(
          fc.constantFrom(...Object.keys(NAMED)),
          fc.constantFrom(...ALL).chain((p) =>
            fc.tuple(...Object.entries(p.options).map(([k, d]) => fc.option(arbValueText(d).map((t) => [k, t] as const), { nil: undefined }))).map((given) => {
              const opts = given.filter((g) => g !== undefined).map(([k, t]) => {
                const v = parsePipeline(`${p.name}<${k}=${t}>`, testRegistry).elements[0]!;
                const value = v.kind === "pass" ? v.given.get(k)! : t;
                const shown = typeof value === "number" && Object.is(value, -0) ? "-0" : String(value);
                return k === p.positional ? shown : `${k}=${shown}`;
              });
              return opts.length ? `${p.name}<${opts.join(";")}>` : p.name;
            }),
          ),
        ),
        { maxLength: 6 },
      )
      .map((els) => els.join(","));
    fc.assert(
      fc.property(arbCanonical, (c) => {
        expect(canon(c)).toBe(c);
      }),
      { numRuns: 500 },
    );
  });
});

describe("errors point at the culprit", () => {
  it("FL700 syntax errors", () => {
    const cases: [string, number, RegExp][] = [
      ["normalize,,print", 11, /expected a pass name, found ','/],
      ["normalize,", 11, /expected a pass name, found 'end of pipeline'/],
      [",normalize", 1, /expected a pass name, found ','/],
      ["print<types", 12, /expected ';' or '>', found 'end of pipeline'/],
      ["print<>", 7, /expected an option, found '>'/],
      ["print<analysis=>", 16, /expected a value for 'analysis', found '>'/],
      ["print<types;>", 13, /expected an option, found '>'/],
      ["normalize print", 11, /expected ',' between passes, found 'print'/],
      ["print<types>>", 13, /expected ',' between passes, found '>'/],
      ["nor$malize", 1, /expected a pass name, found 'nor\$malize'/],
      ["O1<fast>", 3, /the pipeline 'O1' takes no options/],
      ["normalize<x>", 11, /'x' needs a name/],
      ["probe<n=3=4>", 10, /expected ';' or '>', found '='/],
    ];
    for (const [text, col, msg] of cases) {
      const e = errorOf(text);
      expect([text, e.code, e.col, e.caretCol]).toEqual([text, "FL700", col, col]);
      expect(e.message).toMatch(msg);
    }
  });
  it("FL700 for a named pipeline that refers to itself", () => {
    const loop: PassRegistry = { ...testRegistry, namedPipeline: (n) => (n === "LOOP" ? "normalize,LOOP" : NAMED[n]) };
    const e = errorOf("print,LOOP", loop);
    expect(e.code).toBe("FL700");
    expect(e.message).toMatch(/'LOOP' refers to itself/);
  });
  it("FL701 unknown names, with a suggestion when one is close", () => {
    const e = errorOf("print,normalise");
    expect([e.code, e.col, e.width]).toEqual(["FL701", 7, 9]);
    expect(e.message).toBe("unknown pass or pipeline 'normalise'; did you mean 'normalize'?");
    expect(e.rendered.split("\n").slice(1)).toEqual(["    print,normalise", "          ^^^^^^^^^"]);
    expect(errorOf("zzzzzz").message).toBe("unknown pass or pipeline 'zzzzzz'");
    expect(errorOf("o1").message).toMatch(/did you mean 'O1'/);
  });
  it("FL702 unknown options", () => {
    const e = errorOf("print<color=red>");
    expect([e.code, e.col, e.width]).toEqual(["FL702", 7, 5]);
    expect(e.message).toBe("pass 'print' has no option 'color' (options: analysis)");
  });
  it("FL703 bad values, for each option type", () => {
    const cases: [string, number, RegExp][] = [
      ["print<typs>", 7, /expected one of graph, types/],
      ["probe<n=0>", 9, /expected an integer >= 1 <= 64/],
      ["probe<n=65>", 9, /an integer/],
      ["probe<n=2.5>", 9, /an integer/],
      ["probe<n=99999999999999999999>", 9, /an integer/],
      ["probe<gain=-1>", 12, /expected a number >= 0/],
      ["probe<k=abc>", 9, /expected a number/],
      ["probe<k=1e999>", 9, /expected a number/],
      ["probe<k=nan>", 9, /expected a number/],
      ["probe<on=yes>", 10, /expected true or false/],
      ["probe<mode=quick>", 12, /expected one of fast, slow, exact/],
    ];
    for (const [text, col, msg] of cases) {
      const e = errorOf(text);
      expect([text, e.code, e.col, e.caretCol]).toEqual([text, "FL703", col, col]);
      expect(e.message).toMatch(msg);
    }
  });
  it("FL704 an option given twice, positionally or by name", () => {
    const e = errorOf("print<types;analysis=uses>");
    expect([e.code, e.col, e.width]).toEqual(["FL704", 13, 8]);
    expect(errorOf("probe<n=1;gain=2;n=3>")).toMatchObject({ code: "FL704", col: 18 });
    expect(errorOf("probe<slow;fast>")).toMatchObject({ code: "FL704", col: 12 });
  });
  it("an error inside a named pipeline's text names that pipeline", () => {
    const bad: PassRegistry = { ...testRegistry, namedPipeline: (n) => (n === "BAD" ? "normalize,nope" : NAMED[n]) };
    const e = errorOf("print,BAD", bad);
    expect(e.code).toBe("FL701");
    expect(e.rendered).toMatch(/^<pipeline BAD>:1:11: error FL701/);
  });
});
