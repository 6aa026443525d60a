// The FIR itself: schema-driven children, the verifier's rules, the printer.
import { describe, expect, it } from "vitest";
import { fir, firChildren, FIR_KINDS, mapFirChildren, SCHEMA, type FirModule, type Stmt } from "./fir.ts";
import { printExpr, printModule } from "./print.ts";
import { verifyModule } from "./verify.ts";

function mod(compute: Stmt[], extra: Partial<FirModule> = {}): FirModule {
  return {
    name: "m",
    precision: "double",
    inputs: 1,
    outputs: 1,
    fields: [
      { name: "fRec0", type: "float", size: 2 },
      { name: "fZone", type: "float" },
      { name: "iCount", type: "int" },
    ],
    widgets: [],
    ui: [],
    metadata: [],
    functions: { instanceConstants: [], instanceResetUserInterface: [], instanceClear: [], compute },
    ...extra,
  };
}
const messages = (m: FirModule) => verifyModule(m).map((d) => d.message);
const i0 = fir.load("i0");
const loop = (body: Stmt[]) => [fir.for("i0", fir.int(0), fir.load("count"), body)];

describe("FIR schema", () => {
  it("every kind has a schema entry, and children follow it", () => {
    expect(FIR_KINDS.length).toBe(Object.keys(SCHEMA).length);
    const e = fir.binop("add", "float", fir.load("a"), fir.call("sin", "float", [fir.float(1)]));
    expect(firChildren(e).map((c) => c.kind)).toEqual(["load", "call"]);
    const s = fir.if(fir.int(1), [fir.store("a", fir.int(0))], [fir.block([])]);
    expect(firChildren(s).map((c) => c.kind)).toEqual(["int", "store", "block"]);
  });
});

describe("FIR verifier", () => {
  it("checks node shapes against the schema before typing", () => {
    const bad = { kind: "binop", op: "pow", type: "float", x: fir.float(1), y: { kind: "store", name: "a", value: fir.int(0) } } as unknown as ReturnType<typeof fir.float>;
    const got = messages(mod([...loop([fir.output(0, i0, bad)]), { kind: "nope" } as unknown as Stmt]));
    expect(got.join("\n")).toMatch(/binop: field 'op' is not a op/);
    expect(got.join("\n")).toMatch(/binop: field 'y' is not a expr/);
    expect(got.join("\n")).toMatch(/not a FIR node/);
  });

  it("mapFirChildren rebuilds only what changes", () => {
    const e = fir.binop("add", "int", fir.int(1), fir.load("a"));
    expect(mapFirChildren(e, (c) => c)).toBe(e);
    const swapped = mapFirChildren(e, (c) => (c.kind === "load" ? fir.int(2) : c));
    expect(printExpr(swapped as ReturnType<typeof fir.int>)).toBe("add.i(1, 2)");
  });

  it("accepts a well-typed module", () => {
    const m = mod(
      loop([
        fir.declare("fTemp0", "float", fir.binop("add", "float", fir.input(0, i0), fir.binop("mul", "float", fir.loadArr("fRec0", fir.int(1)), fir.load("fZone")))),
        fir.storeArr("fRec0", fir.int(0), fir.load("fTemp0")),
        fir.output(0, i0, fir.select("float", fir.binop("lt", "float", fir.load("fTemp0"), fir.float(0)), fir.float(0), fir.load("fTemp0"))),
        fir.store("iCount", fir.binop("add", "int", fir.load("iCount"), fir.cast("int", fir.call("floor", "float", [fir.load("fTemp0")])))),
      ]),
    );
    expect(messages(m)).toEqual([]);
  });

  it("reports undeclared names, type mismatches, bad indices and channels", () => {
    const m = mod(
      loop([
        fir.store("nope", fir.int(0)),
        fir.store("iCount", fir.float(1.5)),
        fir.output(0, i0, fir.load("iCount")),
        fir.output(3, i0, fir.float(0)),
        fir.storeArr("fRec0", fir.float(0), fir.float(0)),
        fir.store("fRec0", fir.float(0)),
        fir.declare("x", "float", fir.binop("and", "float", fir.float(1), fir.float(2))),
        fir.declare("x", "int", fir.int(1)),
        fir.declare("y", "float", fir.call("pow", "float", [fir.float(1)])),
        fir.declare("z", "int", fir.binop("add", "int", fir.int(1), fir.float(2))),
      ]),
    );
    const got = messages(m).join("\n");
    expect(got).toMatch(/'nope' is not declared/);
    expect(got).toMatch(/value stored in 'iCount' should be int, is float/);
    expect(got).toMatch(/output value should be float, is int/);
    expect(got).toMatch(/output channel 3 out of range/);
    expect(got).toMatch(/index of 'fRec0' should be int/);
    expect(got).toMatch(/array 'fRec0' stored as a scalar/);
    expect(got).toMatch(/and on floats/);
    expect(got).toMatch(/local 'x' is declared twice/);
    expect(got).toMatch(/pow takes 2 arguments, given 1/);
    expect(got).toMatch(/right operand of add should be int, is float/);
  });

  it("locals are scoped to their block, inputs live in compute only", () => {
    const m = mod([fir.block([fir.declare("a", "int", fir.int(0))]), fir.store("a", fir.int(1))], {
      functions: {
        instanceConstants: [fir.store("fZone", fir.input(0, fir.int(0)))],
        instanceResetUserInterface: [],
        instanceClear: [],
        compute: [fir.block([fir.declare("a", "int", fir.int(0))]), fir.store("a", fir.int(1))],
      },
    });
    const got = messages(m).join("\n");
    expect(got).toMatch(/compute.*'a' is not declared|'a' is not declared/);
    expect(got).toMatch(/inputs are read outside compute/);
  });

  it("checks fields and widget zones", () => {
    const m = mod([], {
      fields: [
        { name: "a", type: "float", size: 0 },
        { name: "a", type: "int" },
        { name: "w", type: "float", size: 2, data: [1] },
      ],
      widgets: [{ kind: "hslider", label: "g", address: "/m/g", zone: "missing", init: 0, min: 0, max: 1, step: 0.1 }],
    });
    const got = messages(m).join("\n");
    expect(got).toMatch(/array 'a' has a bad size 0/);
    expect(got).toMatch(/field 'a' is declared twice/);
    expect(got).toMatch(/array 'w' has 1 initial values for size 2/);
    expect(got).toMatch(/widget \/m\/g has no float zone 'missing'/);
  });
});

describe("FIR printer", () => {
  it("prints expressions with typed operators and exact literals", () => {
    expect(printExpr(fir.binop("mul", "float", fir.float(0.1), fir.cast("float", fir.load("iCount"))))).toBe("mul.f(0.1, float(iCount))");
    expect(printExpr(fir.binop("add", "int", fir.int(-3), fir.loadArr("t", fir.int(2))))).toBe("add.i(-3, t[2])");
    expect(printExpr(fir.float(1))).toBe("1.0");
  });

  it("prints a module: header, fields, functions with indented blocks", () => {
    const m = mod(loop([fir.output(0, i0, fir.input(0, i0))]));
    expect(printModule(m)).toBe(
      [
        'module "m" double inputs=1 outputs=1',
        "field float fRec0[2]",
        "field float fZone",
        "field int iCount",
        "function instanceConstants {",
        "}",
        "function instanceResetUserInterface {",
        "}",
        "function instanceClear {",
        "}",
        "function compute {",
        "  for i0 in 0 .. count {",
        "    output0[i0] = input0[i0]",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });
});
