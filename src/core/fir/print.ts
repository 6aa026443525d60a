// The canonical text form of FIR (`faustlab compile FILE -lang fir`).
// Expressions print as `op.t(args)` (t = i or f), literals as `3` / `0.5`
// (floats always with `.` or `e`), variables by name; statements one per line,
// blocks indented by two spaces. The form is deterministic: names come from
// the generator, which numbers them in schedule order.

import { formatFloat } from "../signals/signal.ts";
import { assertNever, FUNCTIONS, type Expr, type FirModule, type Stmt, type Ty } from "./fir.ts";

const t = (ty: Ty) => (ty === "int" ? "i" : "f");

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case "int":
      return String(e.value);
    case "float":
      return formatFloat(e.value);
    case "load":
      return e.name;
    case "loadArr":
      return `${e.name}[${printExpr(e.index)}]`;
    case "input":
      return `input${e.chan}[${printExpr(e.index)}]`;
    case "binop":
      return `${e.op}.${t(e.type)}(${printExpr(e.x)}, ${printExpr(e.y)})`;
    case "cast":
      return `${e.to}(${printExpr(e.x)})`;
    case "call":
      return `${e.fn}.${t(e.type)}(${e.args.map(printExpr).join(", ")})`;
    case "select":
      return `select.${t(e.type)}(${printExpr(e.cond)}, ${printExpr(e.a)}, ${printExpr(e.b)})`;
    default:
      return assertNever(e);
  }
}

export function printStmts(body: readonly Stmt[], indent = ""): string[] {
  const out: string[] = [];
  for (const s of body) {
    switch (s.kind) {
      case "declare":
        out.push(`${indent}${s.type} ${s.name} = ${printExpr(s.value)}`);
        break;
      case "store":
        out.push(`${indent}${s.name} = ${printExpr(s.value)}`);
        break;
      case "storeArr":
        out.push(`${indent}${s.name}[${printExpr(s.index)}] = ${printExpr(s.value)}`);
        break;
      case "output":
        out.push(`${indent}output${s.chan}[${printExpr(s.index)}] = ${printExpr(s.value)}`);
        break;
      case "for":
        out.push(`${indent}for ${s.name} in ${printExpr(s.from)} .. ${printExpr(s.to)} {`, ...printStmts(s.body, indent + "  "), `${indent}}`);
        break;
      case "if":
        out.push(`${indent}if ${printExpr(s.cond)} {`, ...printStmts(s.then, indent + "  "));
        if (s.else.length) out.push(`${indent}} else {`, ...printStmts(s.else, indent + "  "));
        out.push(`${indent}}`);
        break;
      case "block":
        out.push(`${indent}{`, ...printStmts(s.body, indent + "  "), `${indent}}`);
        break;
      default:
        assertNever(s);
    }
  }
  return out;
}

/** The whole module: header, fields, widgets, then each function. */
export function printModule(m: FirModule): string {
  const lines = [`module ${JSON.stringify(m.name)} ${m.precision} inputs=${m.inputs} outputs=${m.outputs}`];
  for (const f of m.fields) {
    const data = f.data ? ` = [${f.data.map((v) => (f.type === "int" ? String(v) : formatFloat(v))).join(", ")}]` : "";
    lines.push(`field ${f.type} ${f.name}${f.size !== undefined ? `[${f.size}]` : ""}${data}`);
  }
  for (const w of m.widgets)
    lines.push(`widget ${w.kind} ${JSON.stringify(w.address)} zone=${w.zone} init=${formatFloat(w.init)} min=${formatFloat(w.min)} max=${formatFloat(w.max)} step=${formatFloat(w.step)}`);
  for (const fn of FUNCTIONS) {
    lines.push(`function ${fn} {`, ...printStmts(m.functions[fn], "  "), "}");
  }
  return lines.join("\n") + "\n";
}
