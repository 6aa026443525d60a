// The Faust parser: recursive descent over the token stream, with the binary
// operators handled by an operator-precedence loop (explicit operand and
// operator stacks), so that long chains such as `a : b : … : z` or
// `1 + 1 + … + 1` never recurse. Precedence and associativity follow
// faustparser.y of Faust 2.88, loosest first:
//
//   with, letrec                 left   (postfix `e with {…}`)
//   <:  :>  +>                   right
//   :                            right
//   ,                            right
//   ~                            left
//   <  <=  >  >=  ==  !=         left   (infix operators, from here on)
//   +  -  |                      left
//   *  /  %  &  xor  <<  >>      left
//   ^                            left
//   @                            left
//   '                            postfix
//   .  f(…)  e[…]                postfix
//
// Infix operators build what Faust builds: `a + b` is `(a, b) : +`, `x'` is
// `x : mem`, `-x` is `0 - x`; `-1` and `+1.5` are number literals.
// Arguments (of applications, widgets, iterations, route) are compositions
// without `,` and `with`. Errors are diagnostics: the parser synchronizes on
// `;` at the definition level and keeps going, so one run reports several.

import { diag, type Diagnostic, type RelatedInfo, SourceFile, type Span } from "../../core/diagnostics.ts";
import { B, mk, type ArgType, type Box, type BoxOf, type CType, type IterOp, type PrimOp } from "../../core/boxes/box.ts";
import { describeToken, lex, numberValue, T, type Tokens } from "./lexer.ts";

/** Most nested brackets and constructs the parser accepts (guards the call stack). */
export const MAX_NESTING = 256;
/** Deepest box the parser builds (guards every later recursive pass). */
export const MAX_BOX_DEPTH = 100_000;
/** Errors reported per file before giving up. */
export const MAX_ERRORS = 50;

export interface ParsedFile {
  readonly file: SourceFile;
  /** Statements in source order: def, import and declare boxes. */
  readonly stmts: readonly Box[];
  /**
   * The same statements as the evaluator reads them, when the file comes from
   * its cached parsed form (src/chain/frontend/parsed-form.ts): each definition
   * is a `LazyDef` whose boxes are built when the program first reaches it
   * (reading `stmts` builds them all). Absent for a parse.
   */
  readonly lazyStmts?: readonly Stmt[];
  /** The span of each statement of `stmts` (boxes are shared, so spans are per occurrence here). */
  readonly spans: readonly Span[];
  /** Lexer and parser diagnostics (errors and warnings). */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * The span of every box parsed in this file, at its first occurrence in the
   * file (boxes are hash-consed: equal expressions are one box). A
   * compilation consults the tables of the files it loads (src/core/spans.ts).
   */
  readonly boxSpans: ReadonlyMap<Box, Span>;
}

/**
 * A definition of a cached file, not yet decoded: what a layer of definitions
 * needs (name, number of parameters, precision variants) without its boxes.
 * `force()` builds the `def` box (the very box a parse gives); one object per
 * distinct definition of its file (equal definitions of one file are one
 * object, as they are one box), `source` identifies that file's decoding.
 */
export interface LazyDef {
  readonly kind: "lazyDef";
  readonly name: string;
  readonly arity: number;
  readonly variants: number;
  readonly source: object;
  force(): BoxOf<"def">;
}

/** A statement as the evaluator reads it: a box, or a definition decoded on demand. */
export type Stmt = Box | LazyDef;

/** Thrown inside the parser to unwind to the nearest statement list. */
class ParseError {
  constructor(readonly diagnostic: Diagnostic) {}
}

/** Stops the whole file (too many errors). */
class TooManyErrors {}

// Binary operators: token kind → [precedence, right-associative, builder].
type Builder = (a: Box, b: Box) => Box;
const binops = new Map<number, readonly [number, boolean, Builder]>();
{
  const comp = (k: number, prec: number, right: boolean, build: Builder) => binops.set(k, [prec, right, build]);
  comp(T.SPLIT, 2, true, B.split);
  comp(T.MIX, 2, true, B.merge);
  comp(T.SEQ, 3, true, B.seq);
  comp(T.PAR, 4, true, B.par);
  comp(T.REC, 5, false, B.rec);
  const infix = (k: number, prec: number, op: PrimOp) => binops.set(k, [prec, false, (a, b) => B.infix(op, a, b)]);
  infix(T.LT, 6, "lt");
  infix(T.LE, 6, "le");
  infix(T.GT, 6, "gt");
  infix(T.GE, 6, "ge");
  infix(T.EQ, 6, "eq");
  infix(T.NE, 6, "ne");
  infix(T.ADD, 7, "add");
  infix(T.SUB, 7, "sub");
  infix(T.OR, 7, "or");
  infix(T.MUL, 8, "mul");
  infix(T.DIV, 8, "div");
  infix(T.MOD, 8, "rem");
  infix(T.AND, 8, "and");
  infix(T.XOR, 8, "xor");
  infix(T.LSH, 8, "lsh");
  infix(T.RSH, 8, "rsh");
  infix(T.POWOP, 9, "pow");
  infix(T.FDELAY, 10, "delay");
}

/** Tokens that stand alone for a primitive box. */
const primTokens = new Map<number, PrimOp>([
  [T.ADD, "add"], [T.SUB, "sub"], [T.MUL, "mul"], [T.DIV, "div"], [T.MOD, "rem"], [T.FDELAY, "delay"],
  [T.AND, "and"], [T.OR, "or"], [T.XOR, "xor"], [T.LSH, "lsh"], [T.RSH, "rsh"],
  [T.LT, "lt"], [T.LE, "le"], [T.GT, "gt"], [T.GE, "ge"], [T.EQ, "eq"], [T.NE, "ne"],
  [T.POWOP, "pow"], [T.POWFUN, "pow"],
  [T.MEM, "mem"], [T.PREFIX, "prefix"], [T.INTCAST, "int"], [T.FLOATCAST, "float"],
  [T.RDTBL, "rdtable"], [T.RWTBL, "rwtable"], [T.SELECT2, "select2"], [T.SELECT3, "select3"],
  [T.ATTACH, "attach"], [T.ENABLE, "enable"], [T.CONTROL, "control"],
  [T.ASSERTBOUNDS, "assertbounds"], [T.LOWEST, "lowest"], [T.HIGHEST, "highest"],
  [T.ACOS, "acos"], [T.ASIN, "asin"], [T.ATAN, "atan"], [T.ATAN2, "atan2"], [T.COS, "cos"], [T.SIN, "sin"],
  [T.TAN, "tan"], [T.EXP, "exp"], [T.LOG, "log"], [T.LOG10, "log10"], [T.SQRT, "sqrt"], [T.ABS, "abs"],
  [T.MIN, "min"], [T.MAX, "max"], [T.FMOD, "fmod"], [T.REMAINDER, "remainder"], [T.FLOOR, "floor"],
  [T.CEIL, "ceil"], [T.RINT, "rint"], [T.ROUND, "round"],
]);

const variantBits = new Map<number, number>([
  [T.FLOATMODE, 1],
  [T.DOUBLEMODE, 2],
  [T.QUADMODE, 4],
  [T.FIXEDPOINTMODE, 8],
]);

const iterOps = new Map<number, IterOp>([
  [T.IPAR, "par"],
  [T.ISEQ, "seq"],
  [T.ISUM, "sum"],
  [T.IPROD, "prod"],
]);

const closers: Record<number, string> = { [T.LPAR]: ")", [T.LBRAQ]: "}", [T.LCROC]: "]" };
const closerKind: Record<number, number> = { [T.LPAR]: T.RPAR, [T.LBRAQ]: T.RBRAQ, [T.LCROC]: T.RCROC };

interface Operand {
  box: Box;
  start: number;
  end: number;
}

class Parser {
  private p = 0;
  private nesting = 0;
  private readonly diagnostics: Diagnostic[];
  private errorCount = 0;
  private readonly kinds: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly text: string;
  private readonly file: SourceFile;
  /** Spans of the boxes of this file (first occurrence). */
  readonly boxSpans = new Map<Box, Span>();

  constructor(
    private readonly toks: Tokens,
    private readonly onNode?: NodeObserver,
  ) {
    this.kinds = toks.kinds;
    this.starts = toks.starts;
    this.ends = toks.ends;
    this.file = toks.file;
    this.text = toks.file.text;
    this.diagnostics = [...toks.diagnostics];
    for (const d of toks.diagnostics) if (d.severity === "error") this.errorCount++;
  }

  // ----- token helpers

  private k(): number {
    return this.kinds[this.p]!;
  }
  private kAt(offset: number): number {
    const i = Math.min(this.p + offset, this.toks.count - 1);
    return this.kinds[i]!;
  }
  private tokText(i = this.p): string {
    return this.text.slice(this.starts[i]!, this.ends[i]!);
  }
  private span(start: number, end: number): Span {
    return { file: this.file, start, end };
  }
  private tokSpan(i = this.p): Span {
    return this.span(this.starts[i]!, this.ends[i]!);
  }
  private prevEnd(): number {
    return this.p > 0 ? this.ends[this.p - 1]! : 0;
  }
  private found(i = this.p): string {
    const k = this.kinds[i]!;
    const t = this.tokText(i);
    if (k === T.IDENT) return `identifier '${t}'`;
    if (k === T.INT || k === T.FLOAT) return `number '${t}'`;
    if (k === T.STRING) return `string ${t.length > 40 ? t.slice(0, 37) + '..."' : t}`;
    if (k === T.FSTRING) return `'${t}'`;
    return describeToken(k);
  }

  private fail(d: Diagnostic): never {
    throw new ParseError(d);
  }
  private expect(kind: number, what?: string): number {
    if (this.k() !== kind) this.fail(diag("FL201", { expected: what ?? describeToken(kind), found: this.found() }, this.tokSpan()));
    return this.p++;
  }
  /** Expects the closer of the bracket token at index `openIdx`, naming it in the error. */
  private expectClose(openIdx: number): number {
    const open = this.kinds[openIdx]!;
    const close = closerKind[open]!;
    if (this.k() !== close) {
      const related: RelatedInfo[] = [{ span: this.tokSpan(openIdx), message: `'${this.tokText(openIdx)}' opened here` }];
      this.fail(diag("FL203", { open: this.tokText(openIdx), close: closers[open]!, found: this.found() }, this.tokSpan(), related));
    }
    return this.p++;
  }
  private enter(): void {
    if (++this.nesting > MAX_NESTING) {
      // Unwind completely: the nesting guard is reported once and the statement abandoned.
      this.fail(diag("FL204", { limit: MAX_NESTING }, this.tokSpan()));
    }
  }
  private leave(): void {
    this.nesting--;
  }
  private node<X extends Box>(b: X, start: number, end: number = this.prevEnd()): X {
    if (b.depth > MAX_BOX_DEPTH) this.fail(diag("FL205", { limit: MAX_BOX_DEPTH }, this.span(start, end)));
    if (!this.boxSpans.has(b)) this.boxSpans.set(b, this.span(start, end));
    this.onNode?.(b, start, end);
    return b;
  }

  private report(d: Diagnostic): void {
    this.diagnostics.push(d);
    if (d.severity === "error" && ++this.errorCount >= MAX_ERRORS) {
      this.diagnostics.push(diag("FL206", { count: MAX_ERRORS }, d.span));
      throw new TooManyErrors();
    }
  }

  // ----- statements

  parseFile(): ParsedFile {
    const stmts: Box[] = [];
    const spans: Span[] = [];
    try {
      this.statementList(false, false, false, stmts, spans);
    } catch (e) {
      if (!(e instanceof TooManyErrors)) throw e;
    }
    // Lexer and parser diagnostics in source order (the sort is stable).
    this.diagnostics.sort((a, b) => (a.span?.start ?? Infinity) - (b.span?.start ?? Infinity));
    return { file: this.file, stmts, spans, diagnostics: this.diagnostics, boxSpans: this.boxSpans };
  }

  /**
   * Statements up to EOF (top level) or up to a `}` (nested). `defsOnly`: a
   * with/modification list, where imports and declarations are not allowed.
   */
  private statementList(nested: boolean, defsOnly: boolean, letrec = false, out: Box[] = [], spans?: Span[]): Box[] {
    for (;;) {
      const k = this.k();
      if (k === T.EOF) return out;
      if (nested && (k === T.RBRAQ || k === T.RCROC || (letrec && k === T.WHERE))) return out;
      const before = this.p;
      const depth = this.nesting;
      try {
        const s = letrec ? this.recDefinition() : this.statement(defsOnly);
        if (s) {
          out.push(s);
          spans?.push(this.span(this.starts[before]!, this.prevEnd()));
        }
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.nesting = depth;
        this.report(e.diagnostic);
        this.synchronize(nested, before);
      }
    }
  }

  /**
   * Skips to just after the next `;` of this level. Braces and brackets left
   * open by the failed statement (counted from its first token) must close
   * first, so `x = case { 0 => 1; };` resumes after the `};`. A `}` or `]`
   * closing the enclosing list ends the skip without being consumed. At the
   * top level, a definition, import or declaration starting in column 0 also
   * ends the skip (the failed statement probably lacks a closer). Always makes
   * progress.
   */
  private synchronize(nested: boolean, before: number): void {
    let depth = 0;
    for (let i = before; i < this.p; i++) {
      const k = this.kinds[i]!;
      if (k === T.LBRAQ || k === T.LCROC) depth++;
      else if ((k === T.RBRAQ || k === T.RCROC) && depth > 0) depth--;
    }
    if (this.p === before && this.k() !== T.EOF && this.k() !== T.ENDDEF && !(nested && (this.k() === T.RBRAQ || this.k() === T.RCROC))) this.p++;
    for (;;) {
      const k = this.k();
      if (k === T.EOF) return;
      if (!nested && this.p > before && this.startsTopLevelStatement()) return;
      if (k === T.ENDDEF && depth === 0) {
        this.p++;
        return;
      }
      if (k === T.LBRAQ || k === T.LPAR || k === T.LCROC) depth++;
      else if (k === T.RBRAQ || k === T.RPAR || k === T.RCROC) {
        if (depth === 0) {
          if (nested && k !== T.RPAR) return;
        } else depth--;
      }
      this.p++;
    }
  }

  /** Whether the current token begins a line and looks like the start of a top-level statement. */
  private startsTopLevelStatement(): boolean {
    const s = this.starts[this.p]!;
    if (s > 0 && this.text.charCodeAt(s - 1) !== 10) return false;
    const k = this.k();
    if (k === T.IMPORT || k === T.DECLARE || variantBits.has(k)) return true;
    if (k !== T.IDENT) return false;
    const n = this.kAt(1);
    return n === T.DEF || n === T.LPAR;
  }

  private statement(defsOnly: boolean): Box | undefined {
    const start = this.starts[this.p]!;
    let variants = 0;
    for (let bit = variantBits.get(this.k()); bit !== undefined; bit = variantBits.get(this.k())) {
      variants |= bit;
      this.p++;
    }
    const k = this.k();
    if (k === T.IDENT) return this.definition(variants, start);
    if (!defsOnly && k === T.IMPORT) {
      this.p++;
      const open = this.expect(T.LPAR);
      const path = this.uqstring();
      this.expectClose(open);
      this.expect(T.ENDDEF);
      return this.node(mk("import", { path }), start);
    }
    if (!defsOnly && k === T.DECLARE) {
      this.p++;
      const first = this.tokText(this.expect(T.IDENT, "a metadata key"));
      let target = "";
      let key = first;
      if (this.k() === T.IDENT) {
        target = first;
        key = this.tokText(this.p++);
      }
      const value = this.uqstring();
      this.expect(T.ENDDEF);
      return this.node(mk("declare", { target, key, value }), start);
    }
    if (k === T.ENDDEF && variants === 0) {
      // A stray ';': Faust rejects it.
      this.fail(diag("FL202", { found: describeToken(k), where: "where a definition was expected" }, this.tokSpan()));
    }
    this.fail(diag("FL201", { expected: defsOnly ? "a definition" : "a definition, 'import' or 'declare'", found: this.found() }, this.tokSpan()));
  }

  private definition(variants: number, start: number): Box {
    const name = this.tokText(this.p++);
    let params: Box[] = [];
    if (this.k() === T.LPAR) {
      const open = this.p++;
      this.enter();
      params = this.argList();
      this.expectClose(open);
      this.leave();
    }
    this.expect(T.DEF, params.length ? "'='" : "'=' or '('");
    const body = this.expression();
    this.expect(T.ENDDEF, "';' at the end of the definition");
    return this.node(B.def(name, params, body, variants), start);
  }

  /** `'name = expression;` inside a letrec. */
  private recDefinition(): Box {
    const start = this.starts[this.p]!;
    this.expect(T.DELAY1, "a recursive definition ''name = …;'");
    const name = this.tokText(this.expect(T.IDENT));
    this.expect(T.DEF);
    const body = this.expression();
    this.expect(T.ENDDEF, "';' at the end of the definition");
    return this.node(B.def(name, [], body), start);
  }

  /** A braced list of definitions/statements; the `{` or `[` is the current token. */
  private braced(defsOnly: boolean): Box[] {
    const open = this.p++;
    this.enter();
    const defs = this.statementList(true, defsOnly);
    this.expectClose(open);
    this.leave();
    return defs;
  }

  // ----- expressions

  /** A full expression: compositions, `with`, `letrec`. */
  expression(): Box {
    return this.composite(false);
  }

  /** An argument: compositions without `,` and `with`/`letrec`. */
  private argument(): Box {
    return this.composite(true);
  }

  private argList(): Box[] {
    const args = [this.argument()];
    while (this.k() === T.PAR) {
      this.p++;
      args.push(this.argument());
    }
    return args;
  }

  /** The operator-precedence loop. */
  private composite(argument: boolean): Box {
    this.enter();
    const operands: Operand[] = [];
    const ops: number[] = []; // token kinds
    operands.push(this.postfix());
    for (;;) {
      const k = this.k();
      if (!argument && (k === T.WITH || k === T.LETREC)) {
        while (ops.length) this.reduce(operands, ops);
        const body = operands.pop()!;
        this.p++;
        if (this.k() !== T.LBRAQ) this.expect(T.LBRAQ);
        let box: Box;
        if (k === T.WITH) box = mk("with", { body: body.box, defs: this.braced(true) });
        else {
          const open = this.p++;
          this.enter();
          const defs = this.statementList(true, true, true);
          let where: Box[] = [];
          if (this.k() === T.WHERE) {
            this.p++;
            where = this.statementList(true, true);
          }
          this.expectClose(open);
          this.leave();
          box = mk("letrec", { body: body.box, defs, where });
        }
        operands.push({ box: this.node(box, body.start), start: body.start, end: this.prevEnd() });
        continue;
      }
      const info = binops.get(k);
      if (!info || (argument && k === T.PAR)) break;
      const [prec] = info;
      while (ops.length) {
        const [topPrec, topRight] = binops.get(ops[ops.length - 1]!)!;
        if (topPrec > prec || (topPrec === prec && !topRight)) this.reduce(operands, ops);
        else break;
      }
      ops.push(k);
      this.p++;
      operands.push(this.postfix());
    }
    while (ops.length) this.reduce(operands, ops);
    this.leave();
    return operands[0]!.box;
  }

  private reduce(operands: Operand[], ops: number[]): void {
    const op = ops.pop()!;
    const b = operands.pop()!;
    const a = operands.pop()!;
    const box = binops.get(op)![2](a.box, b.box);
    operands.push({ box: this.node(box, a.start, b.end), start: a.start, end: b.end });
  }

  /** A primary followed by postfix forms: `'`, `.name`, `(args)`, `[defs]`. */
  private postfix(): Operand {
    const start = this.starts[this.p]!;
    let box = this.primary();
    for (;;) {
      const k = this.k();
      if (k === T.DELAY1) {
        this.p++;
        box = this.node(B.seq(box, B.prim("mem")), start);
      } else if (k === T.DOT) {
        this.p++;
        const name = this.tokText(this.expect(T.IDENT, "an identifier after '.'"));
        box = this.node(mk("access", { body: box, name }), start);
      } else if (k === T.LPAR) {
        const open = this.p++;
        this.enter();
        const args = this.argList();
        this.expectClose(open);
        this.leave();
        box = this.node(B.app(box, args), start);
      } else if (k === T.LCROC) {
        const defs = this.braced(true);
        box = this.node(mk("modif", { body: box, defs }), start);
      } else break;
    }
    return { box, start, end: this.prevEnd() };
  }

  private number(): Box {
    const k = this.k();
    let sign = 1;
    const start = this.starts[this.p]!;
    if (k === T.ADD || k === T.SUB) {
      if (k === T.SUB) sign = -1;
      this.p++;
    }
    const nk = this.k();
    if (nk !== T.INT && nk !== T.FLOAT) this.fail(diag("FL201", { expected: "a number", found: this.found() }, this.tokSpan()));
    const v = numberValue(this.tokText(this.p++));
    return this.node(nk === T.INT ? B.int(sign * v) : B.real(sign * v), start);
  }

  private uqstring(): string {
    const k = this.k();
    if (k !== T.STRING && k !== T.FSTRING) this.fail(diag("FL201", { expected: "a string", found: this.found() }, this.tokSpan()));
    const t = this.tokText(this.p++);
    return t.slice(1, -1);
  }

  private ident(what = "an identifier"): string {
    return this.tokText(this.expect(T.IDENT, what));
  }

  private primary(): Box {
    const start = this.starts[this.p]!;
    const k = this.k();
    switch (k) {
      case T.INT:
      case T.FLOAT:
        return this.number();
      case T.ADD:
      case T.SUB: {
        const next = this.kAt(1);
        if (next === T.INT || next === T.FLOAT) return this.number();
        if (k === T.SUB && next === T.IDENT) {
          this.p++;
          const x = this.node(B.ident(this.tokText(this.p++)), this.starts[this.p - 1]!);
          return this.node(B.infix("sub", B.int(0), x), start);
        }
        this.p++;
        return this.node(B.prim(k === T.ADD ? "add" : "sub"), start);
      }
      case T.IDENT:
        this.p++;
        return this.node(B.ident(this.tokText(this.p - 1)), start);
      case T.WIRE:
        this.p++;
        return this.node(B.wire(), start);
      case T.CUT:
        this.p++;
        return this.node(B.cut(), start);
      case T.LPAR: {
        const open = this.p++;
        const e = this.expression();
        this.expectClose(open);
        return e;
      }
      case T.LAMBDA: {
        this.p++;
        const open = this.expect(T.LPAR, "'(' after '\\'");
        const params = [this.ident("a parameter name")];
        while (this.k() === T.PAR) {
          this.p++;
          params.push(this.ident("a parameter name"));
        }
        this.expectClose(open);
        this.expect(T.DOT, "'.' after the lambda's parameters");
        const open2 = this.expect(T.LPAR, "'(' before the lambda's body");
        const body = this.expression();
        this.expectClose(open2);
        return this.node(mk("lambda", { params, body }), start);
      }
      case T.CASE: {
        this.p++;
        if (this.k() !== T.LBRAQ) this.expect(T.LBRAQ);
        const open = this.p++;
        this.enter();
        const rules: Box[] = [];
        do {
          const rs = this.starts[this.p]!;
          const ro = this.expect(T.LPAR, "'(' starting a case rule");
          const patterns = this.argList();
          this.expectClose(ro);
          this.expect(T.ARROW);
          const body = this.expression();
          this.expect(T.ENDDEF, "';' at the end of the rule");
          rules.push(this.node(mk("rule", { patterns, body }), rs));
        } while (this.k() !== T.RBRAQ && this.k() !== T.EOF);
        this.expectClose(open);
        this.leave();
        return this.node(mk("case", { rules }), start);
      }
      case T.FFUNCTION: {
        this.p++;
        const open = this.expect(T.LPAR);
        const type = this.ctype();
        const names = [this.ident("a function name")];
        while (this.k() === T.OR && names.length < 4) {
          this.p++;
          names.push(this.ident("a function name"));
        }
        const ao = this.expect(T.LPAR, "'(' before the argument types");
        const argTypes: ArgType[] = [];
        if (this.k() !== T.RPAR) {
          argTypes.push(this.argType());
          while (this.k() === T.PAR) {
            this.p++;
            argTypes.push(this.argType());
          }
        }
        this.expectClose(ao);
        this.expect(T.PAR);
        const include = this.fstring();
        this.expect(T.PAR);
        const library = this.tokText(this.expect(T.STRING, "a library string")).slice(1, -1);
        this.expectClose(open);
        return this.node(mk("ffunction", { type, names, argTypes, include, library }), start);
      }
      case T.FCONSTANT:
      case T.FVARIABLE: {
        this.p++;
        const open = this.expect(T.LPAR);
        const type = this.ctype();
        const name = this.ident("a name");
        this.expect(T.PAR);
        const include = this.fstring();
        this.expectClose(open);
        return this.node(mk(k === T.FCONSTANT ? "fconstant" : "fvariable", { type, name, include }), start);
      }
      case T.COMPONENT:
      case T.LIBRARY: {
        this.p++;
        const open = this.expect(T.LPAR);
        const path = this.uqstring();
        this.expectClose(open);
        return this.node(mk(k === T.COMPONENT ? "component" : "library", { path }), start);
      }
      case T.ENVIRONMENT: {
        this.p++;
        if (this.k() !== T.LBRAQ) this.expect(T.LBRAQ);
        const stmts = this.braced(false);
        return this.node(mk("environment", { stmts }), start);
      }
      case T.WAVEFORM: {
        this.p++;
        if (this.k() !== T.LBRAQ) this.expect(T.LBRAQ);
        const open = this.p++;
        const values = [this.number()];
        while (this.k() === T.PAR) {
          this.p++;
          values.push(this.number());
        }
        this.expectClose(open);
        return this.node(mk("waveform", { values }), start);
      }
      case T.FAD:
      case T.RAD: {
        // fad(body, seed) / rad(body, seed); `()` as the seed is the empty
        // diagram (evaluation reports that there is nothing to differentiate by).
        const mode = this.k() === T.FAD ? "fad" : "rad";
        this.p++;
        const open = this.expect(T.LPAR);
        this.enter();
        const body = this.argument();
        this.expect(T.PAR);
        let seed: Box;
        if (this.k() === T.LPAR && this.kAt(1) === T.RPAR) {
          const at = this.starts[this.p]!;
          this.p += 2;
          seed = this.node(mk("route", { ins: mk("int", { value: 0 }), outs: mk("int", { value: 0 }), spec: undefined }), at);
        } else seed = this.argument();
        this.expectClose(open);
        this.leave();
        return this.node(mk("autodiff", { mode, body, seed }), start);
      }
      case T.ONDEMAND:
      case T.UPSAMPLING:
      case T.DOWNSAMPLING: {
        // ondemand(C), upsampling(C), downsampling(C): C in a clock domain (one more first input, the clock)
        const mode = this.k() === T.ONDEMAND ? "ondemand" : this.k() === T.UPSAMPLING ? "upsampling" : "downsampling";
        this.p++;
        const open = this.expect(T.LPAR);
        this.enter();
        const body = this.argument();
        this.expectClose(open);
        this.leave();
        return this.node(mk("clocked", { mode, body }), start);
      }
      case T.ROUTE: {
        this.p++;
        const open = this.expect(T.LPAR);
        this.enter();
        const ins = this.argument();
        this.expect(T.PAR);
        const outs = this.argument();
        let spec: Box | undefined;
        if (this.k() === T.PAR) {
          this.p++;
          spec = this.expression();
        }
        this.expectClose(open);
        this.leave();
        return this.node(mk("route", { ins, outs, spec }), start);
      }
      case T.BUTTON:
      case T.CHECKBOX: {
        this.p++;
        const open = this.expect(T.LPAR);
        const label = this.uqstring();
        this.expectClose(open);
        return this.node(mk(k === T.BUTTON ? "button" : "checkbox", { label }), start);
      }
      case T.HSLIDER:
      case T.VSLIDER:
      case T.NENTRY: {
        this.p++;
        const open = this.expect(T.LPAR);
        this.enter();
        const label = this.uqstring();
        const a = this.widgetArgs(4);
        this.expectClose(open);
        this.leave();
        const kind = k === T.HSLIDER ? "hslider" : k === T.VSLIDER ? "vslider" : "nentry";
        return this.node(mk(kind, { label, init: a[0]!, min: a[1]!, max: a[2]!, step: a[3]! }), start);
      }
      case T.HBARGRAPH:
      case T.VBARGRAPH: {
        this.p++;
        const open = this.expect(T.LPAR);
        this.enter();
        const label = this.uqstring();
        const a = this.widgetArgs(2);
        this.expectClose(open);
        this.leave();
        return this.node(mk(k === T.HBARGRAPH ? "hbargraph" : "vbargraph", { label, min: a[0]!, max: a[1]! }), start);
      }
      case T.SOUNDFILE: {
        this.p++;
        const open = this.expect(T.LPAR);
        this.enter();
        const label = this.uqstring();
        const a = this.widgetArgs(1);
        this.expectClose(open);
        this.leave();
        return this.node(mk("soundfile", { label, chans: a[0]! }), start);
      }
      case T.HGROUP:
      case T.VGROUP:
      case T.TGROUP: {
        this.p++;
        const open = this.expect(T.LPAR);
        const label = this.uqstring();
        this.expect(T.PAR);
        const body = this.expression();
        this.expectClose(open);
        const kind = k === T.HGROUP ? "hgroup" : k === T.VGROUP ? "vgroup" : "tgroup";
        return this.node(mk(kind, { label, body }), start);
      }
      case T.IPAR:
      case T.ISEQ:
      case T.ISUM:
      case T.IPROD: {
        this.p++;
        const open = this.expect(T.LPAR);
        const variable = this.ident("the iteration variable");
        this.expect(T.PAR);
        const count = this.argument();
        this.expect(T.PAR);
        const body = this.expression();
        this.expectClose(open);
        return this.node(mk("iter", { op: iterOps.get(k)!, variable, count, body }), start);
      }
      case T.INPUTS:
      case T.OUTPUTS: {
        this.p++;
        const open = this.expect(T.LPAR);
        const body = this.expression();
        this.expectClose(open);
        return this.node(mk(k === T.INPUTS ? "inputs" : "outputs", { body }), start);
      }
      case T.LCROC: {
        // widget modulation ["label" : circuit, … -> body]
        const open = this.p++;
        this.enter();
        const entries: Box[] = [];
        for (;;) {
          const es = this.starts[this.p]!;
          const label = this.uqstring();
          let circuit: Box | undefined;
          if (this.k() === T.SEQ) {
            this.p++;
            circuit = this.argument();
          }
          entries.push(this.node(mk("modEntry", { label, circuit }), es));
          if (this.k() !== T.PAR) break;
          this.p++;
        }
        this.expect(T.LAPPLY, "'->' in a modulation");
        const body = this.expression();
        this.expectClose(open);
        this.leave();
        return this.node(mk("modulate", { entries, body }), start);
      }
      default: {
        const op = primTokens.get(k);
        if (op !== undefined) {
          this.p++;
          return this.node(B.prim(op), start);
        }
        if (k === T.EOF) this.fail(diag("FL202", { found: "end of file", where: "where an expression was expected" }, this.tokSpan()));
        this.fail(diag("FL202", { found: this.found(), where: "where an expression was expected" }, this.tokSpan()));
      }
    }
  }

  /** `, a1, …, an` after a widget label. */
  private widgetArgs(n: number): Box[] {
    const out: Box[] = [];
    for (let i = 0; i < n; i++) {
      this.expect(T.PAR);
      out.push(this.argument());
    }
    return out;
  }

  private ctype(): CType {
    const k = this.k();
    if (k === T.INTCAST || k === T.FLOATCAST) {
      this.p++;
      return k === T.INTCAST ? "int" : "float";
    }
    this.fail(diag("FL201", { expected: "a type ('int' or 'float')", found: this.found() }, this.tokSpan()));
  }

  private argType(): ArgType {
    if (this.k() === T.NOTYPECAST) {
      this.p++;
      return "any";
    }
    return this.ctype();
  }

  /** An include name: `<math.h>` or `"file.h"`, kept with its delimiters. */
  private fstring(): string {
    const k = this.k();
    if (k !== T.STRING && k !== T.FSTRING) this.fail(diag("FL201", { expected: "an include file name", found: this.found() }, this.tokSpan()));
    return this.tokText(this.p++);
  }

  /** Parses a lone expression up to EOF (for tests and tools). */
  parseLoneExpression(): Box | undefined {
    try {
      const e = this.expression();
      if (this.k() !== T.EOF) this.fail(diag("FL202", { found: this.found(), where: "after the expression" }, this.tokSpan()));
      return e;
    } catch (e) {
      if (e instanceof ParseError) {
        this.report(e.diagnostic);
        return undefined;
      }
      if (e instanceof TooManyErrors) return undefined;
      throw e;
    }
  }

  diags(): readonly Diagnostic[] {
    return this.diagnostics;
  }
}

/** Parses a source file (no imports followed). */
/** Sees every node the parser locates (box, start and end offsets), in parse order: the parsed-form cache records spans with it. */
export type NodeObserver = (b: Box, start: number, end: number) => void;

export function parseSource(file: SourceFile, onNode?: NodeObserver): ParsedFile {
  return new Parser(lex(file), onNode).parseFile();
}

/** Parses a program text given in memory. */
export function parseText(text: string, path = "<input>"): ParsedFile {
  return parseSource(new SourceFile(path, text));
}

/** Parses a single expression (for tests and tools). */
export function parseExpression(text: string, path = "<expr>"): { box: Box | undefined; diagnostics: readonly Diagnostic[]; boxSpans: ReadonlyMap<Box, Span> } {
  const parser = new Parser(lex(new SourceFile(path, text)));
  const box = parser.parseLoneExpression();
  return { box, diagnostics: parser.diags(), boxSpans: parser.boxSpans };
}
