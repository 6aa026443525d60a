// The canonical text printer of boxes: valid Faust that parses back to the
// very same (hash-consed) box. Parentheses are inserted from the operator
// levels of the parser (see src/chain/frontend/parser.ts), so the output is as
// light as the grammar allows; `(a, b) : +` is printed `a + b`, `x : mem` is
// printed `x'`, since both parse to the same box. Blocks (with, letrec,
// environment, case) are laid out one definition per line.

import { assertNever, primOps, type Box, type PrimOp } from "./box.ts";

/** Symbols of the infix operators, with their levels (higher binds tighter). */
const infixOps: Partial<Record<PrimOp, readonly [string, number]>> = {
  lt: ["<", 6], le: ["<=", 6], gt: [">", 6], ge: [">=", 6], eq: ["==", 6], ne: ["!=", 6],
  add: ["+", 7], sub: ["-", 7], or: ["|", 7],
  mul: ["*", 8], div: ["/", 8], rem: ["%", 8], and: ["&", 8], xor: ["xor", 8], lsh: ["<<", 8], rsh: [">>", 8],
  pow: ["^", 9],
  delay: ["@", 10],
};

/** How a primitive box is written on its own. */
const primText: Record<PrimOp, string> = Object.fromEntries(
  primOps.map((op) => [op, op === "pow" ? "pow" : (infixOps[op]?.[0] ?? op)]),
) as Record<PrimOp, string>;

const L_WITH = 1, L_SPLIT = 2, L_SEQ = 3, L_PAR = 4, L_REC = 5, L_ARG = 6, L_POSTFIX = 11, L_PRIMARY = 12;

/** The infix form of a box, if it is `(a, b) : op` with an infix op. */
function asInfix(b: Box): { op: string; level: number; a: Box; c: Box } | undefined {
  if (b.kind !== "seq" || b.left.kind !== "par" || b.right.kind !== "prim") return undefined;
  const info = infixOps[b.right.op];
  if (!info) return undefined;
  return { op: info[0], level: info[1], a: b.left.left, c: b.left.right };
}

function isDelay1(b: Box): boolean {
  return b.kind === "seq" && b.right.kind === "prim" && b.right.op === "mem";
}

function level(b: Box): number {
  switch (b.kind) {
    case "with":
    case "letrec":
      return L_WITH;
    case "split":
    case "merge":
      return L_SPLIT;
    case "seq": {
      const inf = asInfix(b);
      if (inf) return inf.level;
      if (isDelay1(b)) return L_POSTFIX;
      return L_SEQ;
    }
    case "par":
      return L_PAR;
    case "rec":
      return L_REC;
    default:
      return L_PRIMARY;
  }
}

/** Prints a real so that it lexes as a float and parses to exactly this value. */
export function formatReal(v: number): string {
  if (Number.isNaN(v)) return "(0.0/0.0)";
  if (v === Infinity) return "1e999";
  if (v === -Infinity) return "-1e999";
  if (v === 0) return 1 / v < 0 ? "-0.0" : "0.0";
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

export function formatInt(v: number): string {
  return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
}

function str(s: string): string {
  return `"${s}"`;
}

class Printer {
  private indent = "";

  expr(b: Box, min: number): string {
    const s = this.raw(b);
    return level(b) < min ? `(${s})` : s;
  }

  private arg(b: Box): string {
    return this.expr(b, L_ARG);
  }

  private block(items: readonly Box[], prefix = ""): string {
    if (items.length === 0) return "{}";
    const outer = this.indent;
    this.indent += "  ";
    const lines = items.map((d) => this.indent + this.stmt(d, prefix));
    this.indent = outer;
    return `{\n${lines.join("\n")}\n${outer}}`;
  }

  stmt(b: Box, prefix = ""): string {
    switch (b.kind) {
      case "def": {
        const v = variantWords(b.variants);
        const params = b.params.length ? `(${b.params.map((p) => this.arg(p)).join(", ")})` : "";
        return `${v}${prefix}${b.name}${params} = ${this.expr(b.body, L_WITH)};`;
      }
      case "import":
        return `import(${str(b.path)});`;
      case "declare":
        return `declare ${b.target ? b.target + " " : ""}${b.key} ${str(b.value)};`;
      default:
        // Not a statement: print it as the body of an anonymous definition would be.
        return `${this.expr(b, L_WITH)};`;
    }
  }

  raw(b: Box): string {
    switch (b.kind) {
      case "ident":
        return b.name;
      case "int":
        return formatInt(b.value);
      case "real":
        return formatReal(b.value);
      case "wire":
        return "_";
      case "cut":
        return "!";
      case "prim":
        return primText[b.op];
      case "seq": {
        const inf = asInfix(b);
        if (inf) return `${this.expr(inf.a, inf.level)} ${inf.op} ${this.expr(inf.c, inf.level + 1)}`;
        if (isDelay1(b)) return `${this.expr(b.left, L_POSTFIX)}'`;
        return `${this.expr(b.left, L_SEQ + 1)} : ${this.expr(b.right, L_SEQ)}`;
      }
      case "split":
        return `${this.expr(b.left, L_SPLIT + 1)} <: ${this.expr(b.right, L_SPLIT)}`;
      case "merge":
        return `${this.expr(b.left, L_SPLIT + 1)} :> ${this.expr(b.right, L_SPLIT)}`;
      case "par":
        return `${this.expr(b.left, L_PAR + 1)}, ${this.expr(b.right, L_PAR)}`;
      case "rec":
        return `${this.expr(b.left, L_REC)} ~ ${this.expr(b.right, L_REC + 1)}`;
      case "app":
        return `${this.expr(b.fn, L_PRIMARY)}(${b.args.map((a) => this.arg(a)).join(", ")})`;
      case "lambda":
        return `\\(${b.params.join(", ")}).(${this.expr(b.body, L_WITH)})`;
      case "case": {
        const outer = this.indent;
        this.indent += "  ";
        const rules = b.rules.map((r) => this.indent + this.rule(r));
        this.indent = outer;
        return `case {\n${rules.join("\n")}\n${outer}}`;
      }
      case "rule":
        return this.rule(b);
      case "def":
      case "import":
      case "declare":
        // Statements are not expressions; wrap in an environment to stay valid Faust.
        return `environment ${this.block([b])}`;
      case "with":
        return `${this.expr(b.body, L_WITH)} with ${this.block(b.defs)}`;
      case "letrec": {
        const all = [...b.defs.map((d) => ({ d, rec: true })), ...b.where.map((d) => ({ d, rec: false }))];
        if (all.length === 0) return `${this.expr(b.body, L_WITH)} letrec {}`;
        const outer = this.indent;
        this.indent += "  ";
        const lines = b.defs.map((d) => this.indent + this.stmt(d, "'"));
        if (b.where.length) {
          lines.push(`${this.indent}where`);
          for (const d of b.where) lines.push(this.indent + this.stmt(d));
        }
        this.indent = outer;
        return `${this.expr(b.body, L_WITH)} letrec {\n${lines.join("\n")}\n${outer}}`;
      }
      case "environment":
        return `environment ${this.block(b.stmts)}`;
      case "access": {
        const body = b.body.kind === "int" || b.body.kind === "real" ? `(${this.raw(b.body)})` : this.expr(b.body, L_PRIMARY);
        return `${body}.${b.name}`;
      }
      case "modif": {
        const s = this.block(b.defs);
        return `${this.expr(b.body, L_PRIMARY)}[${s === "{}" ? "" : s.slice(1, -1)}]`;
      }
      case "library":
        return `library(${str(b.path)})`;
      case "component":
        return `component(${str(b.path)})`;
      case "iter":
        return `${b.op}(${b.variable}, ${this.arg(b.count)}, ${this.expr(b.body, L_WITH)})`;
      case "inputs":
      case "outputs":
        return `${b.kind}(${this.expr(b.body, L_WITH)})`;
      case "route":
        return `route(${this.arg(b.ins)}, ${this.arg(b.outs)}${b.spec ? `, ${this.expr(b.spec, L_WITH)}` : ""})`;
      case "waveform":
        return `waveform{${b.values.map((v) => this.raw(v)).join(", ")}}`;
      case "soundfile":
        return `soundfile(${str(b.label)}, ${this.arg(b.chans)})`;
      case "button":
      case "checkbox":
        return `${b.kind}(${str(b.label)})`;
      case "hslider":
      case "vslider":
      case "nentry":
        return `${b.kind}(${str(b.label)}, ${[b.init, b.min, b.max, b.step].map((a) => this.arg(a)).join(", ")})`;
      case "hbargraph":
      case "vbargraph":
        return `${b.kind}(${str(b.label)}, ${this.arg(b.min)}, ${this.arg(b.max)})`;
      case "hgroup":
      case "vgroup":
      case "tgroup":
        return `${b.kind}(${str(b.label)}, ${this.expr(b.body, L_WITH)})`;
      case "ffunction":
        return `ffunction(${b.type} ${b.names.join("|")}(${b.argTypes.join(", ")}), ${b.include}, ${str(b.library)})`;
      case "fconstant":
      case "fvariable":
        return `${b.kind}(${b.type} ${b.name}, ${b.include})`;
      case "modulate":
        return `[${b.entries.map((e) => this.raw(e)).join(", ")} -> ${this.expr(b.body, L_WITH)}]`;
      case "modEntry":
        return b.circuit ? `${str(b.label)} : ${this.arg(b.circuit)}` : str(b.label);
      case "autodiff":
        return `${b.mode}(${this.arg(b.body)}, ${this.arg(b.seed)})`;
      case "clocked":
        return `${b.mode}(${this.arg(b.body)})`;
      case "slot": // evaluator output only; printed as a lambda parameter
        return `slot${b.index}`;
      case "symbolic":
        return `\\(${this.raw(b.slot)}).(${this.expr(b.body, L_WITH)})`;
      case "closure": // evaluator-internal value
        return `closure${b.index}`;
      default:
        return assertNever(b);
    }
  }

  private rule(b: Box): string {
    if (b.kind !== "rule") return this.raw(b);
    return `(${b.patterns.map((p) => this.arg(p)).join(", ")}) => ${this.expr(b.body, L_WITH)};`;
  }
}

function variantWords(v: number): string {
  let s = "";
  if (v & 1) s += "singleprecision ";
  if (v & 2) s += "doubleprecision ";
  if (v & 4) s += "quadprecision ";
  if (v & 8) s += "fixedpointprecision ";
  return s;
}

/** Prints a box as a Faust expression. */
export function printBox(b: Box): string {
  return new Printer().expr(b, L_WITH);
}

/** Prints a statement (def, import, declare) followed by `;`. */
export function printStatement(b: Box): string {
  return new Printer().stmt(b);
}

/** Prints a list of statements, one per line. */
export function printProgram(stmts: readonly Box[]): string {
  const p = new Printer();
  return stmts.map((s) => p.stmt(s) + "\n").join("");
}
