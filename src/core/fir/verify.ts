// The FIR verifier: checks that a module is well formed and well typed, and
// returns the problems as FL601 diagnostics (empty when the module is fine).
//
// Rules: every name is a declared field or a local in scope (locals are
// declared once per function, before use, and are visible in the rest of the
// enclosing statement list; a `for` variable is an int local of its body);
// scalars and arrays are not confused; array indices, select conditions, `if`
// conditions and `for` bounds are int; a binop's operands have its type and
// int-only operators are used on ints; a call's arguments have the types its
// function takes; stores have the variable's type; outputs are floats; input
// and output channels exist; expression nesting stays under a depth bound.

import { diag, type Diagnostic } from "../diagnostics.ts";
import {
  assertNever, COMPARISONS, fieldHasType, firChildren, firFields, SCHEMA, type FirNode, COUNT, FUNCTIONS, INT_ONLY, MATH_FNS, POLY_FNS, SAMPLE_RATE,
  type Expr, type FieldDecl, type FirModule, type FunctionName, type Stmt, type Ty,
} from "./fir.ts";
import { printExpr } from "./print.ts";

const MAX_DEPTH = 2000;

interface Var {
  readonly type: Ty;
  readonly array: boolean;
}

export function verifyModule(m: FirModule): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const fields = new Map<string, Var>();
  const fieldProblem = (detail: string) => problems.push(diag("FL601", { where: "fields", detail }));
  fields.set(SAMPLE_RATE, { type: "int", array: false });
  for (const f of m.fields) {
    if (fields.has(f.name)) fieldProblem(`field '${f.name}' is declared twice`);
    if (f.size !== undefined && !(Number.isInteger(f.size) && f.size >= 1)) fieldProblem(`array '${f.name}' has a bad size ${f.size}`);
    if (f.data && (f.size === undefined || f.data.length !== f.size)) fieldProblem(`array '${f.name}' has ${f.data.length} initial values for size ${f.size}`);
    fields.set(f.name, { type: f.type, array: f.size !== undefined });
  }
  for (const w of m.widgets) {
    const z = fields.get(w.zone);
    if (!z || z.array || z.type !== "float") fieldProblem(`widget ${w.address} has no float zone '${w.zone}'`);
  }
  for (const fn of FUNCTIONS) {
    // shape first (schema-driven): typing assumes well-shaped nodes
    const shape = checkShapes(m.functions[fn]);
    if (shape.length) problems.push(...shape.map((detail) => diag("FL601", { where: fn, detail })));
    else verifyFunction(m, fn, fields, problems);
  }
  return problems;
}

/** Every node's fields have their schema types (explicit stack: any depth). */
function checkShapes(body: readonly Stmt[]): string[] {
  const out: string[] = [];
  const stack: unknown[] = [...body];
  while (stack.length && out.length < 20) {
    const n = stack.pop() as FirNode;
    if (typeof n !== "object" || n === null || !(n.kind in SCHEMA)) {
      out.push(`not a FIR node: ${JSON.stringify(n)?.slice(0, 60)}`);
      continue;
    }
    const rec = n as unknown as Record<string, unknown>;
    let ok = true;
    for (const [name, type] of firFields(n.kind))
      if (!fieldHasType(type, rec[name])) {
        out.push(`${n.kind}: field '${name}' is not a ${type}`);
        ok = false;
      }
    if (ok) stack.push(...firChildren(n));
  }
  return out;
}

function verifyFunction(m: FirModule, fn: FunctionName, fields: Map<string, Var>, problems: Diagnostic[]): void {
  const declared = new Set<string>();
  const bad = (detail: string) => problems.push(diag("FL601", { where: fn, detail }));
  const scopes: Map<string, Var>[] = [new Map()];
  if (fn === "compute") scopes[0]!.set(COUNT, { type: "int", array: false });
  const lookup = (name: string): Var | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const v = scopes[i]!.get(name);
      if (v) return v;
    }
    return fields.get(name);
  };

  const typeOf = (e: Expr, depth: number): Ty | undefined => {
    if (depth > MAX_DEPTH) {
      bad(`expression nested more than ${MAX_DEPTH} levels`);
      return undefined;
    }
    const sub = (x: Expr) => typeOf(x, depth + 1);
    const want = (x: Expr, t: Ty, what: string) => {
      const got = sub(x);
      if (got !== undefined && got !== t) bad(`${what} should be ${t}, is ${got}: ${short(x)}`);
    };
    switch (e.kind) {
      case "int":
        if ((e.value | 0) !== e.value) bad(`int literal ${e.value} is not a 32-bit integer`);
        return "int";
      case "float":
        return "float";
      case "load": {
        const v = lookup(e.name);
        if (!v) return void bad(`'${e.name}' is not declared`);
        if (v.array) bad(`array '${e.name}' used as a scalar`);
        return v.type;
      }
      case "loadArr": {
        const v = lookup(e.name);
        want(e.index, "int", `index of '${e.name}'`);
        if (!v) return void bad(`'${e.name}' is not declared`);
        if (!v.array) bad(`scalar '${e.name}' indexed`);
        return v.type;
      }
      case "input":
        if (fn !== "compute") bad("inputs are read outside compute");
        if (!(e.chan >= 0 && e.chan < m.inputs)) bad(`input channel ${e.chan} out of range (${m.inputs} inputs)`);
        want(e.index, "int", "input index");
        return "float";
      case "binop": {
        want(e.x, e.type, `left operand of ${e.op}`);
        want(e.y, e.type, `right operand of ${e.op}`);
        if (INT_ONLY.has(e.op) && e.type !== "int") bad(`${e.op} on floats`);
        return COMPARISONS.has(e.op) ? "int" : e.type;
      }
      case "cast":
        sub(e.x);
        return e.to;
      case "call": {
        const arity = MATH_FNS[e.fn];
        if (arity === undefined) return void bad(`unknown function ${String(e.fn)}`);
        if (e.args.length !== arity) bad(`${e.fn} takes ${arity} arguments, given ${e.args.length}`);
        const argTy: Ty = POLY_FNS.has(e.fn) ? e.type : "float";
        for (const a of e.args) want(a, argTy, `argument of ${e.fn}`);
        const ret: Ty = e.fn === "isnan" || e.fn === "isinf" ? "int" : POLY_FNS.has(e.fn) ? e.type : "float";
        if (ret !== e.type) bad(`${e.fn} gives ${ret}, not ${e.type}`);
        return e.type;
      }
      case "select":
        want(e.cond, "int", "select condition");
        want(e.a, e.type, "select branch");
        want(e.b, e.type, "select branch");
        return e.type;
      default:
        return assertNever(e);
    }
  };
  const expect = (e: Expr, t: Ty, what: string) => {
    const got = typeOf(e, 0);
    if (got !== undefined && got !== t) bad(`${what} should be ${t}, is ${got}: ${short(e)}`);
  };

  const declare = (name: string, v: Var) => {
    if (declared.has(name)) bad(`local '${name}' is declared twice`);
    if (fields.has(name)) bad(`local '${name}' shadows a field`);
    declared.add(name);
    scopes[scopes.length - 1]!.set(name, v);
  };
  const walk = (body: readonly Stmt[]) => {
    for (const s of body) {
      switch (s.kind) {
        case "declare":
          expect(s.value, s.type, `initial value of '${s.name}'`);
          declare(s.name, { type: s.type, array: false });
          break;
        case "store": {
          const v = lookup(s.name);
          if (!v) bad(`'${s.name}' is not declared`);
          else if (v.array) bad(`array '${s.name}' stored as a scalar`);
          else expect(s.value, v.type, `value stored in '${s.name}'`);
          break;
        }
        case "storeArr": {
          const v = lookup(s.name);
          expect(s.index, "int", `index of '${s.name}'`);
          if (!v) bad(`'${s.name}' is not declared`);
          else if (!v.array) bad(`scalar '${s.name}' indexed`);
          else expect(s.value, v.type, `value stored in '${s.name}'`);
          break;
        }
        case "output":
          if (fn !== "compute") bad("outputs are written outside compute");
          if (!(s.chan >= 0 && s.chan < m.outputs)) bad(`output channel ${s.chan} out of range (${m.outputs} outputs)`);
          expect(s.index, "int", "output index");
          expect(s.value, "float", "output value");
          break;
        case "for":
          expect(s.from, "int", "loop start");
          expect(s.to, "int", "loop end");
          scopes.push(new Map());
          declare(s.name, { type: "int", array: false });
          walk(s.body);
          scopes.pop();
          break;
        case "if":
          expect(s.cond, "int", "if condition");
          scopes.push(new Map());
          walk(s.then);
          scopes.pop();
          scopes.push(new Map());
          walk(s.else);
          scopes.pop();
          break;
        case "block":
          scopes.push(new Map());
          walk(s.body);
          scopes.pop();
          break;
        default:
          assertNever(s);
      }
    }
  };
  walk(m.functions[fn]);
}

function short(e: Expr): string {
  const t = printExpr(e);
  return t.length > 80 ? t.slice(0, 77) + "..." : t;
}

export type { FieldDecl };
