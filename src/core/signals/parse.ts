// Parser for the text form printed by print.ts (format documented there).
//
//   parseSignals(text, path?) → { roots, values }
//
// Rebuilds the graph through the hash-consing constructors, so parsing a
// printed graph returns the very same node objects. Recursion groups are
// declared from their `rec @name(n)` headers before any statement is read, so
// `proj @name, i` may precede its block. Comments run from `;` to the end of a
// line. Errors are DiagnosticErrors (FL560 syntax, FL561 undefined value, and
// the constructors' FL562/FL563/FL570) with a span into the text.

import { DiagnosticError, SourceFile, diag, type Diagnostic, type Span } from "../diagnostics.ts";
import {
  BINOPS,
  MATH1,
  MATH2,
  KINDS,
  declareRec,
  defineRec,
  freshRecName,
  fieldsOf,
  make,
  parseFloatLiteral,
  recArity,
  SCHEMA,
  CLOCK_MODES,
  type FieldType,
  type Kind,
  type RecSig,
  type Sig,
} from "./signal.ts";

type TokKind = "local" | "group" | "ident" | "int" | "float" | "string" | "punct" | "eof";
interface Tok {
  readonly kind: TokKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const TOKEN =
  /(?<ws>[ \t\r\n]+|;[^\n]*)|(?<local>%\d+)|(?<group>@(?:[A-Za-z_][A-Za-z0-9_.]*|"(?:[^"\\]|\\.)*"))|(?<float>-?(?:\d+\.\d*|\d*\.\d+)(?:[eE][+-]?\d+)?|-?\d+[eE][+-]?\d+|-inf\b)|(?<int>-?\d+)|(?<ident>[A-Za-z_][A-Za-z0-9_.]*)|(?<string>"(?:[^"\\\n]|\\.)*")|(?<punct>[=,[\]{}()])/y;

function tokenize(file: SourceFile): Tok[] {
  const text = file.text;
  const toks: Tok[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m || m[0].length === 0) {
      throw new DiagnosticError([diag("FL560", { detail: `unexpected character ${JSON.stringify(text[pos])}` }, { file, start: pos, end: pos + 1 })]);
    }
    const g = m.groups!;
    const kind = (["local", "group", "float", "int", "ident", "string", "punct"] as const).find((k) => g[k] !== undefined);
    if (kind) toks.push({ kind, text: m[0], start: pos, end: pos + m[0].length });
    pos += m[0].length;
  }
  toks.push({ kind: "eof", text: "end of input", start: text.length, end: text.length });
  return toks;
}

const MNEMONIC = new Map<string, { kind: Kind; op?: string }>();
for (const k of KINDS) if (!(SCHEMA[k] as { mnemonic?: string }).mnemonic && k !== "rec") MNEMONIC.set(k, { kind: k });
for (const op of BINOPS) MNEMONIC.set(op, { kind: "binop", op });
for (const op of MATH1) MNEMONIC.set(op, { kind: "math1", op });
for (const op of MATH2) MNEMONIC.set(op, { kind: "math2", op });

export interface ParsedSignals {
  readonly roots: readonly Sig[];
  /** The values by their local name (`%3`). */
  readonly values: ReadonlyMap<string, Sig>;
}

export interface ParseOptions {
  /**
   * Give every group of the text a fresh global name (derived from its name
   * in the text), so that a text can be parsed in a process where its group
   * names are already taken by other graphs (golden tests, `faustlab opt` on
   * IR input). Without it, parsing a printed graph returns the same nodes.
   */
  readonly freshGroups?: boolean;
}

export function parseSignals(text: string, path = "<signals>", opts: ParseOptions = {}): ParsedSignals {
  const file = new SourceFile(path, text);
  const toks = tokenize(file);
  let i = 0;
  const span = (t: Tok): Span => ({ file, start: t.start, end: Math.max(t.end, t.start + 1) });
  const error = (t: Tok, detail: string): never => {
    throw new DiagnosticError([diag("FL560", { detail }, span(t))]);
  };
  const peek = () => toks[i]!;
  const next = () => toks[i++]!;
  const expect = (text: string): Tok => {
    const t = next();
    if (t.text !== text) error(t, `expected '${text}', found '${t.text}'`);
    return t;
  };
  const unquote = (t: Tok, q: string): string => {
    try {
      return JSON.parse(q) as string;
    } catch {
      return error(t, `bad string ${q}`);
    }
  };
  const groupName = (t: Tok): string => (t.text[1] === '"' ? unquote(t, t.text.slice(1)) : t.text.slice(1));

  // Pre-scan the `rec @name(n)` headers so projections can refer forward.
  const arity = new Map<string, number>();
  for (let k = 0; k + 4 < toks.length; k++) {
    if (toks[k]!.kind === "ident" && toks[k]!.text === "rec" && toks[k + 1]!.kind === "group" && toks[k + 2]!.text === "(" && toks[k + 3]!.kind === "int") {
      arity.set(groupName(toks[k + 1]!), Number(toks[k + 3]!.text));
    }
  }
  /** Wraps constructor diagnostics (which have no span) with the statement's span. */
  const withSpan = <T>(t: Tok, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof DiagnosticError) {
        throw new DiagnosticError(e.diagnostics.map((d): Diagnostic => (d.span ? d : { ...d, span: span(t) })));
      }
      throw e;
    }
  };
  const group = (t: Tok): RecSig => {
    const name = groupName(t);
    const n = arity.get(name);
    if (n === undefined) {
      // a group without a block here: it must exist already
      return withSpan(t, () => {
        throw new DiagnosticError([diag("FL561", { name: t.text })]);
      });
    }
    if (!opts.freshGroups) return withSpan(t, () => declareRec(name, n));
    let g = fresh.get(name);
    if (!g) fresh.set(name, (g = withSpan(t, () => declareRec(freshRecName(name), n))));
    return g;
  };
  const fresh = new Map<string, RecSig>();

  const values = new Map<string, Sig>();
  const local = (t: Tok): Sig => {
    if (t.kind === "group") return group(t);
    if (t.kind !== "local") error(t, `expected a value (%n), found '${t.text}'`);
    const v = values.get(t.text);
    if (!v) throw new DiagnosticError([diag("FL561", { name: t.text }, span(t))]);
    return v;
  };
  const list = <T>(item: () => T): T[] => {
    expect("[");
    const out: T[] = [];
    if (peek().text === "]") {
      next();
      return out;
    }
    for (;;) {
      out.push(item());
      const t = next();
      if (t.text === "]") return out;
      if (t.text !== ",") error(t, `expected ',' or ']', found '${t.text}'`);
    }
  };
  const str = (): string => {
    const t = next();
    if (t.kind !== "string") error(t, `expected a string, found '${t.text}'`);
    return unquote(t, t.text);
  };
  const metaList = () =>
    list(() => {
      const e = list(str);
      if (e.length !== 2) error(toks[i - 1]!, "a metadata entry is [key, value]");
      return [e[0]!, e[1]!] as const;
    });
  const nature = (): "int" | "float" => {
    const t = next();
    if (t.text !== "int" && t.text !== "float") error(t, `expected 'int' or 'float', found '${t.text}'`);
    return t.text as "int" | "float";
  };
  const field = (type: FieldType): unknown => {
    switch (type) {
      case "sig":
        return local(next());
      case "sigs":
        return list(() => local(next()));
      case "i32":
      case "nat": {
        const t = next();
        if (t.kind !== "int") error(t, `expected an integer, found '${t.text}'`);
        const v = Number(t.text);
        if (type === "i32" ? (v | 0) !== v : !Number.isSafeInteger(v) || v < 0) error(t, `integer out of range: ${t.text}`);
        return v;
      }
      case "f64": {
        const t = next();
        const v = t.kind === "int" ? Number(t.text) : t.kind === "float" || t.text === "nan" || t.text === "inf" ? parseFloatLiteral(t.text) : undefined;
        if (v === undefined) error(t, `expected a number, found '${t.text}'`);
        return v;
      }
      case "f64s":
        return list(() => field("f64") as number);
      case "str":
        return str();
      case "nature":
        return nature();
      case "clock": {
        const t = next();
        if (!(CLOCK_MODES as readonly string[]).includes(t.text)) error(t, `expected a clock mode (${CLOCK_MODES.join(", ")}), found '${t.text}'`);
        return t.text;
      }
      case "natures":
        return list(nature);
      case "path":
        return list(() => {
          // [orient, label] or [orient, label, [[key, value], …]] (the group's metadata)
          expect("[");
          const o = str();
          expect(",");
          const label = str();
          let meta: (readonly [string, string])[] = [];
          if (peek().text === ",") {
            next();
            meta = metaList();
          }
          expect("]");
          if (o !== "h" && o !== "v" && o !== "t") error(toks[i - 1]!, "a UI path entry is [\"h\"|\"v\"|\"t\", label, metadata?]");
          return { orient: o as "h" | "v" | "t", label, ...(meta.length ? { meta } : {}) };
        });
      case "meta":
        return metaList();
      case "group": {
        const t = next();
        if (t.kind !== "group") error(t, `expected a group (@name), found '${t.text}'`);
        return group(t);
      }
      case "binop":
      case "math1":
      case "math2":
      case "name":
        return error(peek(), `field of type ${type} cannot be written`);
      default: {
        const never: never = type;
        return never;
      }
    }
  };

  const open: { g: RecSig; tok: Tok }[] = [];
  let roots: Sig[] | undefined;
  for (;;) {
    const t = next();
    if (t.kind === "eof") break;
    if (roots) error(t, "nothing may follow 'return'");
    if (t.kind === "local") {
      if (values.has(t.text)) error(t, `${t.text} is defined twice`);
      expect("=");
      const m = next();
      const mn = MNEMONIC.get(m.text);
      if (m.kind !== "ident" || !mn) error(m, `unknown signal kind '${m.text}'`);
      const fields: Record<string, unknown> = {};
      let first = true;
      const schema = SCHEMA[mn!.kind] as { mnemonic?: string };
      for (const [name, type] of fieldsOf(mn!.kind)) {
        if (name === schema.mnemonic) {
          fields[name] = mn!.op;
          continue;
        }
        if (!first) expect(",");
        first = false;
        fields[name] = field(type);
      }
      const node = withSpan(m, () => make(mn!.kind as Exclude<Kind, "rec">, fields as never) as unknown as Sig);
      values.set(t.text, node);
    } else if (t.kind === "ident" && t.text === "rec") {
      const gt = next();
      if (gt.kind !== "group") error(gt, `expected a group name (@name), found '${gt.text}'`);
      expect("(");
      next(); // arity, pre-scanned
      expect(")");
      expect("{");
      open.push({ g: group(gt), tok: gt });
    } else if (t.kind === "ident" && t.text === "yield") {
      const top = open[open.length - 1];
      if (!top) error(t, "'yield' outside of a rec block");
      const bodies: Sig[] = [];
      if (recArity(top!.g) > 0) {
        bodies.push(local(next()));
        while (peek().text === ",") (next(), bodies.push(local(next())));
      }
      expect("}");
      open.pop();
      withSpan(top!.tok, () => defineRec(top!.g, bodies));
    } else if (t.kind === "ident" && t.text === "return") {
      roots = [];
      if (peek().kind === "local" || peek().kind === "group") {
        roots.push(local(next()));
        while (peek().text === ",") (next(), roots.push(local(next())));
      }
    } else error(t, `expected a statement, found '${t.text}'`);
  }
  if (open.length) error(open[open.length - 1]!.tok, "rec block without 'yield … }'");
  if (!roots) error(toks[toks.length - 1]!, "missing 'return'");
  return { roots: roots!, values };
}
