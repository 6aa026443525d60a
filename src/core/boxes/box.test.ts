import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseExpression, parseText } from "../../chain/frontend/parser.ts";
import { keywords } from "../../chain/frontend/lexer.ts";
import { B, children, kinds, mapChildren, mk, primOps, schema, verifyBox, type Box } from "./box.ts";
import { printBox, printProgram } from "./print.ts";

// ---------------------------------------------------------------------------
// Random well-formed boxes (definitions only in definition lists, rules only
// in case, and so on), for the print/parse property.

const name = fc
  .stringMatching(/^[a-z][a-z0-9_]{0,5}$/)
  .filter((s) => !keywords.has(s))
  .map((s) => `v${s}`);
const label = fc.stringMatching(/^[a-zA-Z0-9 _:\[\]{}'\/.\n-]{0,12}$/);
const include = fc.constantFrom("<math.h>", "<stdio>", '"foo.h"', '""');
const intBox = fc.integer({ min: -1_000_000, max: 1_000_000 }).map(B.int);
const realBox = fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0.1, -0, 1e21, 1.5e-7, Infinity)).map(B.real);
const num = fc.oneof(intBox, realBox);
const leaf: fc.Arbitrary<Box> = fc.oneof(
  name.map(B.ident),
  num,
  fc.constant(B.wire()),
  fc.constant(B.cut()),
  fc.constantFrom(...primOps).map(B.prim),
  fc.record({ path: label }).map((f) => mk("library", f)),
  fc.record({ path: label }).map((f) => mk("component", f)),
  fc.record({ label }).map((f) => mk("button", f)),
  fc.record({ type: fc.constantFrom("int" as const, "float" as const), name, include }).map((f) => mk("fconstant", f)),
  fc.record({
    type: fc.constantFrom("int" as const, "float" as const),
    names: fc.array(name, { minLength: 1, maxLength: 4 }),
    argTypes: fc.array(fc.constantFrom("int" as const, "float" as const, "any" as const), { maxLength: 3 }),
    include,
    library: label,
  }).map((f) => mk("ffunction", f)),
  fc.array(num, { minLength: 1, maxLength: 4 }).map((values) => mk("waveform", { values })),
);

const { box: arbBox } = fc.letrec<{ box: Box; def: Box; recdef: Box; stmt: Box }>((tie) => {
  const box = tie("box");
  const def = tie("def");
  const recdef = tie("recdef");
  const stmt = tie("stmt");
  const boxes = (min: number, max: number) => fc.array(box, { minLength: min, maxLength: max });
  const defs = fc.array(def, { maxLength: 3 });
  const bin = (k: "seq" | "par" | "split" | "merge" | "rec") => fc.tuple(box, box).map(([a, b]) => mk(k, { left: a, right: b }));
  const infixOp = fc.constantFrom(...(["add", "sub", "mul", "div", "rem", "pow", "delay", "and", "or", "xor", "lsh", "rsh", "lt", "le", "gt", "ge", "eq", "ne"] as const));
  return {
    box: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      bin("seq"), bin("par"), bin("split"), bin("merge"), bin("rec"),
      fc.tuple(infixOp, box, box).map(([op, a, b]) => B.infix(op, a, b)),
      box.map((a) => B.seq(a, B.prim("mem"))),
      fc.tuple(box, boxes(1, 3)).map(([fn, args]) => B.app(fn, args)),
      fc.tuple(fc.array(name, { minLength: 1, maxLength: 3 }), box).map(([params, body]) => mk("lambda", { params, body })),
      fc.array(fc.tuple(boxes(1, 2), box).map(([patterns, body]) => mk("rule", { patterns, body })), { minLength: 1, maxLength: 3 }).map((rules) => mk("case", { rules })),
      fc.tuple(box, defs).map(([body, ds]) => mk("with", { body, defs: ds })),
      fc.tuple(box, fc.array(recdef, { maxLength: 2 }), defs).map(([body, ds, where]) => mk("letrec", { body, defs: ds, where })),
      fc.array(stmt, { maxLength: 3 }).map((stmts) => mk("environment", { stmts })),
      fc.tuple(box, name).map(([body, n]) => mk("access", { body, name: n })),
      fc.tuple(box, defs).map(([body, ds]) => mk("modif", { body, defs: ds })),
      fc.tuple(fc.constantFrom("par" as const, "seq" as const, "sum" as const, "prod" as const), name, box, box).map(([op, variable, count, body]) => mk("iter", { op, variable, count, body })),
      box.map((body) => mk("inputs", { body })),
      box.map((body) => mk("outputs", { body })),
      fc.tuple(box, box, fc.option(box, { nil: undefined })).map(([ins, outs, spec]) => mk("route", { ins, outs, spec })),
      fc.tuple(label, box).map(([l, chans]) => mk("soundfile", { label: l, chans })),
      fc.tuple(fc.constantFrom("fad", "rad"), box, box).map(([mode, body, seed]) => mk("autodiff", { mode, body, seed })),
      fc.tuple(fc.constantFrom("ondemand", "upsampling", "downsampling"), box).map(([mode, body]) => mk("clocked", { mode, body })),
      fc.tuple(fc.constantFrom("hslider" as const, "vslider" as const, "nentry" as const), label, boxes(4, 4)).map(([k, l, [a, b, c, d]]) => mk(k, { label: l, init: a!, min: b!, max: c!, step: d! })),
      fc.tuple(fc.constantFrom("hbargraph" as const, "vbargraph" as const), label, box, box).map(([k, l, a, b]) => mk(k, { label: l, min: a, max: b })),
      fc.tuple(fc.constantFrom("hgroup" as const, "vgroup" as const, "tgroup" as const), label, box).map(([k, l, body]) => mk(k, { label: l, body })),
      fc.tuple(fc.array(fc.tuple(label, fc.option(box, { nil: undefined })).map(([l, circuit]) => mk("modEntry", { label: l, circuit })), { minLength: 1, maxLength: 2 }), box).map(([entries, body]) => mk("modulate", { entries, body })),
    ),
    def: fc.tuple(name, boxes(0, 2), box, fc.integer({ min: 0, max: 15 })).map(([n, params, body, variants]) => B.def(n, params, body, variants)),
    recdef: fc.tuple(name, box).map(([n, body]) => B.def(n, [], body)),
    stmt: fc.oneof(
      def,
      label.map((path) => mk("import", { path })),
      fc.tuple(fc.option(name, { nil: "" }), name, label).map(([target, key, value]) => mk("declare", { target, key, value })),
    ),
  };
});

describe("box IR", () => {
  it("hash-conses: equal structure is the same object with one id", () => {
    const a = B.infix("add", B.ident("x"), B.int(1));
    const b = B.infix("add", B.ident("x"), B.int(1));
    expect(a).toBe(b);
    expect(B.int(1)).not.toBe(B.real(1));
    expect(B.real(0)).not.toBe(B.real(-0));
    expect(mk("lambda", { params: ["a", "b"], body: B.wire() })).not.toBe(mk("lambda", { params: ["ab"], body: B.wire() }));
    expect(mk("declare", { target: "", key: "a:b", value: "c" })).not.toBe(mk("declare", { target: "a", key: "b", value: "c" }));
  });

  it("drives children and mapping from the schema", () => {
    const r = mk("route", { ins: B.int(1), outs: B.int(2), spec: undefined });
    expect(children(r)).toEqual([B.int(1), B.int(2)]);
    const app = B.app(B.ident("f"), [B.int(1), B.int(2)]);
    expect(children(app)).toEqual([B.ident("f"), B.int(1), B.int(2)]);
    const bumped = mapChildren(app, (c) => (c.kind === "int" ? B.int(c.value + 1) : c));
    expect(bumped).toBe(B.app(B.ident("f"), [B.int(2), B.int(3)]));
    expect(mapChildren(app, (c) => c)).toBe(app);
    expect(Object.keys(schema).sort()).toEqual([...kinds].sort());
  });

  it("tracks depth", () => {
    expect(B.int(1).depth).toBe(1);
    expect(B.infix("add", B.int(1), B.int(2)).depth).toBe(3);
  });

  it("the generator covers most kinds, at some depth", () => {
    const seen = new Set<string>();
    let maxDepth = 0;
    for (const b of fc.sample(arbBox, { numRuns: 400, seed: 1 })) {
      maxDepth = Math.max(maxDepth, b.depth);
      const stack = [b];
      while (stack.length) {
        const x = stack.pop()!;
        seen.add(x.kind);
        stack.push(...children(x));
      }
    }
    expect(maxDepth).toBeGreaterThan(6);
    expect(seen.size).toBeGreaterThan(kinds.length - 6);
  });

  it("property: a random box, printed and parsed back, is the same box", () => {
    fc.assert(
      fc.property(arbBox, (b) => {
        expect(verifyBox(b)).toEqual([]);
        const text = printBox(b);
        const r = parseExpression(text);
        if (r.diagnostics.length) throw new Error(`${text}\n${r.diagnostics.map((d) => d.message).join("\n")}`);
        if (r.box !== b) throw new Error(`printed:\n${text}\nreprinted:\n${printBox(r.box!)}`);
      }),
      { numRuns: Number(process.env.BOX_RUNS ?? 1500), seed: Number(process.env.BOX_SEED ?? 20261125) },
    );
  });

  it("property: random definition lists round-trip as programs", () => {
    const defList = fc.array(
      fc.tuple(name, fc.array(arbBox, { maxLength: 2 }), arbBox, fc.integer({ min: 0, max: 15 })).map(([n, p, b, v]) => B.def(n, p, b, v)),
      { minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(defList, (defs) => {
        const r = parseText(printProgram(defs));
        expect(r.diagnostics).toEqual([]);
        r.stmts.forEach((s, i) => expect(s).toBe(defs[i]));
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it("verifyBox finds no problem in parsed boxes", () => {
    const r = parseText("process = hslider(\"g\", 0, 0, 1, 0.1) : route(2, 2) with { f(x) = x; };");
    const seen = new Set<Box>();
    const stack = [...r.stmts];
    while (stack.length) {
      const b = stack.pop()!;
      if (seen.has(b)) continue;
      seen.add(b);
      expect(verifyBox(b)).toEqual([]);
      stack.push(...children(b));
    }
    expect(seen.size).toBeGreaterThan(10);
  });
});
