// The box evaluator: from the parsed definitions of a program to the
// evaluated block diagram of `process` (see README.md in this folder).
//
// Values are boxes. A function or environment value is a `closure` leaf box
// whose index refers to a Closure record of this evaluator, so values can sit
// inside compositions (lists of functions, pattern arguments) exactly as in
// Faust. `toBox` (Faust's a2sb) turns the closures left in a result into
// `symbolic` boxes over fresh `slot`s.
//
// Environments are layers of bindings chained to a parent. A layer of
// definitions (a file, a `with`, an `environment`) binds names lazily: a
// definition is evaluated the first time it is looked up, in the layer that
// holds it, and its value is cached in the binding. Layers are interned by
// (construct, parent), value bindings by (parent, name, value), so equal
// evaluations share one environment object, and eval(box, env) is memoized
// per environment object.

import fs from "node:fs";
import path from "node:path";
import { assertNever, B, mk, primArity, type Box, type BoxOf, type PrimOp } from "../../core/boxes/box.ts";
import { SpanTable } from "../../core/spans.ts";
import { printBox } from "../../core/boxes/print.ts";
import { diag, diagOf, type ArgsOf, type Code, type Diagnostic, type RelatedInfo, type Span } from "../../core/diagnostics.ts";
import { editDistance } from "../../core/text.ts";
import { Compilation, policyKey, type FileParser, type ImportPolicy, type Program } from "../frontend/imports.ts";
import type { LazyDef, ParsedFile, Stmt } from "../frontend/parser.ts";
import { arity, ArityError, treeSize, type Arity } from "./arity.ts";
import { CLOCK_MODES } from "../../core/signals/signal.ts";
import { constantOf, constantsOf, ConstDivZero, type Const } from "./constant.ts";

export type Precision = "single" | "double" | "quad" | "fixed";

export interface EvalOptions {
  readonly includeDirs?: readonly string[];
  /** How files become parsed forms (the driver serves the standard library from its cache); default: parse. */
  readonly parser?: FileParser;
  /** Selects precision-qualified definitions (default single). */
  readonly precision?: Precision;
  /** Most nested evaluations before FL403 (guards the call stack). */
  readonly maxDepth?: number;
  /** Most evaluation steps before FL404 (guards against endless evaluation). */
  readonly maxSteps?: number;
  /** Confines imports and library() to some folders (FL304 otherwise). */
  readonly importPolicy?: ImportPolicy;
}

export interface MetadataEntry {
  /** "" for a global `declare key "value";`, else the function name of `declare f key "value";`. */
  readonly target: string;
  readonly key: string;
  readonly value: string;
  /** The file holding the declaration. */
  readonly file: string;
}

/** The spans of one evaluation: source boxes (from the files it loaded) and evaluated boxes (the expression that produced them). */
export interface EvalSpans {
  readonly boxes: SpanTable<Box>;
  readonly evaluated: SpanTable<Box>;
}

export interface EvalResult {
  /** The evaluated process; undefined when an error stopped evaluation. */
  readonly process: Box | undefined;
  /** Where the boxes of this evaluation come from (undefined when the program did not load). */
  readonly spans?: EvalSpans;
  readonly arity: Arity | undefined;
  readonly metadata: readonly MetadataEntry[];
  readonly diagnostics: readonly Diagnostic[];
  /**
   * The definition name of evaluated boxes, as Faust's block diagrams frame
   * them: a definition without parameters names its value, a function names
   * the result of each full application. First name wins within this
   * compilation (a box two definitions produce keeps the first one met).
   */
  readonly names?: ReadonlyMap<Box, string>;
}

/**
 * The depth guard. Past it, or when the JavaScript stack runs out first
 * (a RangeError, caught and reported the same way), evaluation stops with
 * FL403; about 4 units are used per level of a recursive user function.
 */
export const DEFAULT_MAX_DEPTH = 10_000;
/** The step bound: the most demanding library test needs fewer than 1,000,000 steps. */
export const DEFAULT_MAX_STEPS = 5_000_000;

const precisionBit: Record<Precision, number> = { single: 1, double: 2, quad: 4, fixed: 8 };

/** Thrown inside the evaluator; evaluation stops at the first error, as in Faust. */
export class EvalError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

function fail<C extends Code>(code: C, args: ArgsOf<C>, span?: Span, related: readonly RelatedInfo[] = []): never {
  throw new EvalError(diagOf(code, args, span, related));
}

// ---------------------------------------------------------------------------
// Environments

/** A rule of a definition: its box, or a cached file's definition not decoded yet. */
type DefRule = BoxOf<"def"> | LazyDef;
const ruleArity = (r: DefRule): number => (r.kind === "def" ? r.params.length : r.arity);
const ruleBox = (r: DefRule): BoxOf<"def"> => (r.kind === "def" ? r : r.force());
/** The same definition: one object, or (from different decodings) the same box. Never decodes within one file. */
const sameRule = (a: DefRule, b: DefRule): boolean =>
  a === b || (!(a.kind === "lazyDef" && b.kind === "lazyDef" && a.source === b.source) && ruleBox(a) === ruleBox(b));

interface DefBinding {
  readonly kind: "def";
  readonly name: string;
  readonly rules: readonly DefRule[];
  readonly spans: readonly (Span | undefined)[];
  /** The environment the definition is evaluated in; undefined: the layer holding it. */
  readonly env: Env | undefined;
  state: 0 | 1 | 2;
  value?: Box;
}

interface ValBinding {
  readonly kind: "val";
  readonly value: Box;
}

type Binding = DefBinding | ValBinding;

let nextEnvId = 0;

class Env {
  readonly id = nextEnvId++;
  readonly memo = new Map<number, Box>();
  /** Interned children binding one value: name → value id → environment. */
  readonly pushed = new Map<string, Map<number, Env>>();
  /** Interned abstraction closures over this environment: source box id → closure box per parameter index. */
  readonly abstractions = new Map<number, Box[]>();
  constructor(
    readonly parent: Env | undefined,
    readonly vars: Map<string, Binding>,
    /** The file whose top level this environment descends from: library() and import resolve from its folder. */
    readonly file: string | undefined,
  ) {}
}

// ---------------------------------------------------------------------------
// Closures

interface PmBase {
  readonly name: string;
  readonly rules: readonly { readonly patterns: readonly Box[]; readonly body: Box }[];
  readonly env: Env;
  readonly arity: number;
  /** The definition of each rule, when it comes from a binding. */
  readonly spans?: readonly (Span | undefined)[];
  evaluated?: Box[][];
}

type Closure =
  | { readonly kind: "abs"; readonly src: Box; readonly name: string; readonly params: readonly string[]; readonly i: number; readonly body: Box; readonly env: Env; readonly def: Span | undefined }
  | { readonly kind: "pm"; readonly base: PmBase; readonly args: readonly Box[] }
  | { readonly kind: "env"; readonly env: Env }
  | { readonly kind: "susp"; readonly box: Box; readonly env: Env };

/** A call of a user function: its name, where it is defined, where it is called. */
interface Call {
  readonly name: string;
  readonly def: Span | undefined;
  readonly at: Span | undefined;
  /** A definition being evaluated (a lookup), not a function call. */
  readonly definition?: boolean;
}

let nextClosure = 0;
let nextSlot = 0;

const compositeKinds = new Set(["seq", "par", "split", "merge", "rec"]);
type Composite = BoxOf<"seq"> | BoxOf<"par"> | BoxOf<"split"> | BoxOf<"merge"> | BoxOf<"rec">;
function isComposite(b: Box): b is Composite {
  return compositeKinds.has(b.kind);
}

function parList(bs: readonly Box[]): Box {
  let r = bs[bs.length - 1]!;
  for (let i = bs.length - 2; i >= 0; i--) r = B.par(bs[i]!, r);
  return r;
}

/** A box with no inputs and no outputs (par(i, 0, …) and friends). */
const emptyBox = (): Box => mk("route", { ins: B.int(0), outs: B.int(0), spec: undefined });

// ---------------------------------------------------------------------------
// Parse cache shared by every evaluation of the process (the standard library
// is parsed once), checked against the file's size and modification time.

const parseCache = new Map<string, { mtimeMs: number; size: number; parsed: ParsedFile }>();

class CachedCompilation extends Compilation {
  override parseFile(absPath: string, at?: Span): ParsedFile | Diagnostic {
    const key = path.resolve(absPath);
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(key);
    } catch {
      st = undefined;
    }
    const hit = st && parseCache.get(key);
    if (hit && st && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.parsed;
    // a fresh compilation parses again (this one's own cache would keep a stale version)
    const r = new Compilation(this.includeDirs, this.policy, this.parser).parseFile(absPath, at);
    if ("stmts" in r && st) parseCache.set(key, { mtimeMs: st.mtimeMs, size: st.size, parsed: r });
    return r;
  }
}

// ---------------------------------------------------------------------------
// The evaluator

export class Evaluator {
  private readonly closures = new Map<number, Closure>();
  /** Definition names of evaluated boxes (EvalResult.names). */
  readonly names = new Map<Box, string>();
  private readonly closureKeys = new Map<string, Box>();
  private readonly envs = new Map<string, Env>();
  private readonly toBoxMemo = new Map<number, Box>();
  private readonly simplified = new Map<number, Box>();
  private readonly libraries = new Map<string, Env>();
  private readonly letrecs = new Map<number, Box>();
  private readonly precision: number;
  private readonly maxDepth: number;
  private readonly maxSteps: number;
  private depth = 0;
  private steps = 0;
  /** The user-function calls being evaluated, outermost first: the backtrace of a runaway recursion. */
  private readonly calls: Call[] = [];
  /** The calls when the JavaScript stack ran out (taken at the innermost frame that could). */
  private overflow: readonly Call[] | undefined;
  /** Functions whose rule compared a number with an argument that is a signal: name → what was seen. */
  private readonly signalArgs = new Map<string, { readonly arg: string; readonly pattern: string }>();

  /** This evaluation's spans: of the source boxes (the loaded files' tables) and of the evaluated boxes. */
  readonly spans: EvalSpans = { boxes: new SpanTable<Box>(), evaluated: new SpanTable<Box>() };

  constructor(
    readonly comp: Compilation,
    opts: EvalOptions = {},
  ) {
    this.precision = precisionBit[opts.precision ?? "single"];
    this.maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
  }

  // ----- spans

  private spanOf(b: Box): Span | undefined {
    return this.spans.boxes.get(b);
  }
  private setEvalSpan(b: Box, span: Span | undefined): void {
    this.spans.evaluated.set(b, span);
  }
  private evalSpanOf(b: Box): Span | undefined {
    return this.spans.evaluated.get(b);
  }
  /** The files of a loaded program: their box spans join this evaluation's, in load order. */
  private loaded<P extends { readonly files: readonly ParsedFile[] }>(p: P): P {
    for (const f of p.files) this.spans.boxes.addLayer(f.boxSpans);
    return p;
  }
  private arityOf(b: Box): Arity {
    return arity(b, this.spans.evaluated.lookup);
  }

  // ----- environments

  private intern(key: string, make: () => Env): Env {
    let e = this.envs.get(key);
    if (!e) {
      e = make();
      this.envs.set(key, e);
    }
    return e;
  }

  private pushValue(parent: Env, name: string, value: Box): Env {
    let byValue = parent.pushed.get(name);
    if (!byValue) {
      byValue = new Map();
      parent.pushed.set(name, byValue);
    }
    let e = byValue.get(value.id);
    if (!e) {
      e = new Env(parent, new Map([[name, { kind: "val", value }]]), parent.file);
      byValue.set(value.id, e);
    }
    return e;
  }

  /**
   * A layer of definitions. Definitions with one name are the rules of one
   * function; precision-qualified ones are kept only in their precision.
   */
  private makeLayer(parent: Env | undefined, stmts: readonly Stmt[], spans: readonly (Span | undefined)[], perOccurrence = false, file = parent?.file): Env {
    const groups = new Map<string, { rules: DefRule[]; spans: (Span | undefined)[] }>();
    stmts.forEach((s, i) => {
      if (s.kind !== "def" && s.kind !== "lazyDef") return;
      if (s.variants !== 0 && (s.variants & this.precision) === 0) return;
      const span = spans[i] ?? (s.kind === "def" ? this.spanOf(s) : undefined);
      const g = groups.get(s.name);
      if (!g) {
        groups.set(s.name, { rules: [s], spans: [span] });
        return;
      }
      // the very same definition seen twice (e.g. through two imports) counts once
      if (g.rules.some((r) => sameRule(r, s))) return;
      const prevSpan = g.spans[0];
      const related: RelatedInfo[] = prevSpan ? [{ span: prevSpan, message: "previous definition" }] : [];
      if (perOccurrence && prevSpan && span && prevSpan.file.path !== span.file.path) {
        fail("FL411", { name: s.name, file: prevSpan.file.path }, span, related);
      }
      const prev = g.rules[g.rules.length - 1]!;
      const [prevArity, arity] = [ruleArity(prev), ruleArity(s)];
      if (prevArity === 0 && arity === 0) fail("FL410", { name: s.name }, span, related);
      if (prevArity !== arity) fail("FL409", { name: s.name, count: arity, previous: prevArity }, span, related);
      g.rules.push(s);
      g.spans.push(span);
    });
    const vars = new Map<string, Binding>();
    for (const [name, g] of groups) vars.set(name, { kind: "def", name, rules: g.rules, spans: g.spans, env: undefined, state: 0 });
    return new Env(parent, vars, file);
  }

  /** Statements of a block, with `import`s replaced by the imported files' statements. */
  private blockStmts(stmts: readonly Box[], at: Box, fromFile: string | undefined): { stmts: Stmt[]; spans: (Span | undefined)[] } {
    const out: Stmt[] = [];
    const spans: (Span | undefined)[] = [];
    for (const s of stmts) {
      if (s.kind !== "import") {
        out.push(s);
        spans.push(this.spanOf(s));
        continue;
      }
      const where = this.spanOf(s) ?? this.spanOf(at);
      const p = this.comp.loadReference(s.path, fromFile, where ?? noSpan());
      if ("stmts" in p) this.loaded(p);
      if (!("stmts" in p)) throw new EvalError(p);
      this.throwErrors(p);
      out.push(...p.stmts);
      spans.push(...p.spans);
    }
    return { stmts: out, spans };
  }

  private throwErrors(p: Program): void {
    const err = p.diagnostics.find((d) => d.severity === "error");
    if (err) throw new EvalError(err);
  }

  /** The environment of a loaded file (top-level layer), built once per path. */
  private fileEnv(name: string, at: Box, fromFile: string | undefined): Env {
    const where = this.spanOf(at);
    const resolved = this.comp.resolve(name, fromFile);
    const key = resolved ? path.resolve(resolved) : name;
    const known = this.libraries.get(key);
    if (known) return known;
    const p = this.comp.loadReference(name, fromFile, where ?? noSpan());
    if ("stmts" in p) this.loaded(p);
    if (!("stmts" in p)) throw new EvalError(p);
    this.throwErrors(p);
    const env = this.makeLayer(undefined, p.stmts, p.spans, true, resolved ?? p.entry.file.path);
    this.libraries.set(key, env);
    return env;
  }

  /** Top-level environment of a program. */
  programEnv(p: Program): Env {
    this.loaded(p);
    return this.makeLayer(undefined, p.stmts, p.spans, true, p.entry.file.path);
  }

  // ----- closures

  private closure(key: string, make: () => Closure): Box {
    let b = this.closureKeys.get(key);
    if (!b) {
      const index = nextClosure++;
      this.closures.set(index, make());
      b = mk("closure", { index });
      this.closureKeys.set(key, b);
    }
    return b;
  }

  private closureOf(b: Box): Closure | undefined {
    return b.kind === "closure" ? this.closures.get(b.index) : undefined;
  }

  /** The closure of abstraction `src` (a def or lambda box) over `env`, awaiting parameter `i`. */
  private absClosure(src: Box, name: string, params: readonly string[], i: number, body: Box, env: Env, def?: Span): Box {
    let list = env.abstractions.get(src.id);
    if (!list) {
      list = [];
      env.abstractions.set(src.id, list);
    }
    let b = list[i];
    if (!b) {
      const index = nextClosure++;
      this.closures.set(index, { kind: "abs", src, name, params, i, body, env, def });
      b = mk("closure", { index });
      list[i] = b;
    }
    return b;
  }

  private pmClosure(base: PmBase, args: readonly Box[], baseKey: string): Box {
    return this.closure(`p${baseKey}:${args.map((a) => a.id).join(",")}`, () => ({ kind: "pm", base, args }));
  }

  private readonly pmKeys = new WeakMap<PmBase, string>();
  private pmKey(base: PmBase): string {
    let k = this.pmKeys.get(base);
    if (!k) {
      k = `m${nextClosure++}`;
      this.pmKeys.set(base, k);
    }
    return k;
  }

  private readonly pmBases = new Map<string, PmBase>();
  private caseClosure(b: BoxOf<"case">, env: Env): Box {
    const key = `c${b.id}:${env.id}`;
    let base = this.pmBases.get(key);
    if (!base) {
      const rules = b.rules.flatMap((r) => (r.kind === "rule" ? [{ patterns: r.patterns, body: r.body }] : []));
      const n = rules[0]?.patterns.length ?? 0;
      for (const r of rules) {
        if (r.patterns.length !== n) fail("FL409", { name: "case", count: r.patterns.length, previous: n }, this.spanOf(r.body) ?? this.spanOf(b));
      }
      base = { name: "case", rules, env, arity: n };
      this.pmBases.set(key, base);
    }
    return this.pmClosure(base, [], this.pmKey(base));
  }

  // ----- lookup

  private lookup(name: string, env: Env, span: Span | undefined): Box {
    for (let e: Env | undefined = env; e; e = e.parent) {
      const bnd = e.vars.get(name);
      if (bnd) return this.bindingValue(bnd, e, span);
    }
    fail("FL401", { name, hint: this.didYouMean(name, env) }, this.locate(name, span));
  }

  /**
   * Source boxes are shared, so the span of an identifier is its first
   * occurrence anywhere; when the definition being evaluated is known, the
   * identifier is searched in its text instead.
   */
  private readonly context: (Span | undefined)[] = [];
  private locate(name: string, fallback: Span | undefined): Span | undefined {
    const ctx = this.context[this.context.length - 1];
    if (!ctx) return fallback;
    if (fallback && fallback.file === ctx.file && fallback.start >= ctx.start && fallback.end <= ctx.end) return fallback;
    const text = ctx.file.text.slice(ctx.start, ctx.end);
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const m = new RegExp(`(?<![\\w.'])${escaped}(?![\\w])`).exec(text);
    if (!m) return fallback ?? ctx;
    return { file: ctx.file, start: ctx.start + m.index, end: ctx.start + m.index + name.length };
  }

  /**
   * Where function `name` is called: `fallback` (the application's span, shared by equal boxes of
   * every file) when it lies in the definition being evaluated, else the first use of `name` in its
   * text after the definition's own head.
   */
  private locateCall(name: string, fallback: Span | undefined): Span | undefined {
    const ctx = this.context[this.context.length - 1];
    if (!ctx || (fallback && fallback.file === ctx.file && fallback.start >= ctx.start && fallback.end <= ctx.end)) return fallback;
    const text = ctx.file.text.slice(ctx.start, ctx.end);
    const escaped = name.split(".").pop()!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const re = new RegExp(`(?<![\\w'])${escaped}(?![\\w])`, "g");
    for (let m = re.exec(text); m; m = re.exec(text)) if (m.index > 0) return { file: ctx.file, start: ctx.start + m.index, end: ctx.start + m.index + escaped.length };
    return fallback ?? ctx;
  }

  private didYouMean(name: string, env: Env): string {
    let best: string | undefined;
    let bestD = name.length <= 3 ? 1 : 2;
    for (let e: Env | undefined = env; e; e = e.parent) {
      for (const k of e.vars.keys()) {
        const d = editDistance(name, k, bestD);
        if (d <= bestD && (best === undefined || d < bestD)) {
          best = k;
          bestD = d;
        }
      }
    }
    return best !== undefined ? ` (did you mean '${best}'?)` : "";
  }

  private bindingValue(bnd: Binding, owner: Env, span: Span | undefined): Box {
    if (bnd.kind === "val") return bnd.value;
    if (bnd.state === 2) return bnd.value!;
    if (bnd.state === 1) {
      const def = bnd.spans[0];
      fail("FL402", { name: bnd.name }, def ?? span, def && span ? [{ span, message: `'${bnd.name}' is used here` }] : []);
    }
    bnd.state = 1;
    this.context.push(bnd.spans[0]);
    this.calls.push({ name: bnd.name, def: bnd.spans[0], at: span, definition: true });
    try {
      const env = bnd.env ?? owner;
      // a cached file's definitions are decoded here, when the program first reaches them
      const rules = bnd.rules.map(ruleBox);
      let v: Box;
      if (rules.length === 1 && rules[0]!.params.length === 0) v = this.eval(rules[0]!.body, env);
      else if (rules.length === 1 && rules[0]!.params.every((p) => p.kind === "ident") && new Set(rules[0]!.params.map((p) => (p as BoxOf<"ident">).name)).size === rules[0]!.params.length) {
        const r = rules[0]!;
        v = this.absClosure(r, bnd.name, r.params.map((p) => (p as BoxOf<"ident">).name), 0, r.body, env, bnd.spans[0]);
      } else {
        const base: PmBase = { name: bnd.name, rules: rules.map((r) => ({ patterns: r.params, body: r.body })), env, arity: rules[0]!.params.length, spans: bnd.spans };
        v = this.pmClosure(base, [], this.pmKey(base));
      }
      bnd.value = v;
      bnd.state = 2;
      this.nameBox(v, bnd.name);
      return v;
    } catch (e) {
      this.noteOverflow(e);
      throw e;
    } finally {
      this.context.pop();
      this.calls.pop();
      if (bnd.state === 1) bnd.state = 0;
    }
  }

  // ----- evaluation

  eval(b: Box, env: Env): Box {
    const m = env.memo.get(b.id);
    if (m) return m;
    if (++this.steps > this.maxSteps) fail("FL404", { limit: this.maxSteps }, this.spanOf(b));
    if (++this.depth > this.maxDepth) {
      this.depth--;
      fail("FL403", { detail: `more than ${this.maxDepth} nested evaluations` }, this.spanOf(b));
    }
    let r: Box;
    try {
      r = this.evalInner(b, env);
    } finally {
      this.depth--;
    }
    env.memo.set(b.id, r);
    return r;
  }

  private evalComposite(root: Composite, env: Env): Box {
    const stack: Composite[] = [root];
    while (stack.length) {
      const b = stack[stack.length - 1]!;
      if (env.memo.has(b.id)) {
        stack.pop();
        continue;
      }
      const l = b.left, r = b.right;
      if (isComposite(l) && !env.memo.has(l.id)) {
        stack.push(l);
        continue;
      }
      if (isComposite(r) && !env.memo.has(r.id)) {
        stack.push(r);
        continue;
      }
      if (++this.steps > this.maxSteps) fail("FL404", { limit: this.maxSteps }, this.spanOf(b));
      const lv = isComposite(l) ? env.memo.get(l.id)! : this.eval(l, env);
      const rv = isComposite(r) ? env.memo.get(r.id)! : this.eval(r, env);
      const v = mk(b.kind, { left: this.force(lv), right: this.force(rv) });
      this.setEvalSpan(v, this.spanOf(b));
      env.memo.set(b.id, v);
      stack.pop();
    }
    return env.memo.get(root.id)!;
  }

  /** The frequent cases, in a small frame (deep recursions go through here). */
  private evalInner(b: Box, env: Env): Box {
    if (isComposite(b)) return this.evalComposite(b, env);
    if (b.kind === "ident") return this.lookup(b.name, env, this.spanOf(b));
    if (b.kind === "app") return this.evalApp(b, env);
    return this.evalOther(b, env);
  }

  private evalApp(b: BoxOf<"app">, env: Env): Box {
    const fn = this.eval(b.fn, env);
    const args = b.args.map((a) => this.eval(a, env));
    return this.applyList(fn, args, this.spanOf(b));
  }

  private evalOther(b: Box, env: Env): Box {
    switch (b.kind) {
      case "int":
      case "real":
      case "wire":
      case "cut":
      case "prim":
      case "ffunction":
      case "fconstant":
      case "fvariable":
      case "waveform":
      case "slot":
      case "symbolic":
      case "closure":
        return b;
      case "seq":
      case "par":
      case "split":
      case "merge":
      case "rec":
        return this.evalComposite(b, env);
      case "ident":
        return this.lookup(b.name, env, this.spanOf(b));
      case "app":
        return this.evalApp(b, env);
      case "lambda":
        return this.absClosure(b, "lambda", b.params, 0, b.body, env);
      case "case":
        return this.caseClosure(b, env);
      case "with": {
        const layer = this.intern(`w${b.id}:${env.id}`, () => this.makeLayer(env, b.defs, b.defs.map((d) => this.spanOf(d))));
        return this.eval(b.body, layer);
      }
      case "letrec":
        return this.eval(this.lowerLetrec(b), env);
      case "environment": {
        const layer = this.intern(`e${b.id}:${env.id}`, () => {
          const { stmts, spans } = this.blockStmts(b.stmts, b, env.file);
          return this.makeLayer(env, stmts, spans);
        });
        return this.closure(`E${layer.id}`, () => ({ kind: "env", env: layer }));
      }
      case "access": {
        const v = this.eval(b.body, env);
        const c = this.closureOf(v);
        if (!c || (c.kind !== "env" && c.kind !== "susp")) {
          fail("FL417", { what: `'${brief(b.body, 60)}'` }, this.spanOf(b));
        }
        return this.lookupIn(b.name, c.env, this.spanOf(b));
      }
      case "modif": {
        const v = this.eval(b.body, env);
        const c = this.closureOf(v);
        if (!c || (c.kind !== "env" && c.kind !== "susp")) {
          fail("FL417", { what: `'${brief(b.body, 60)}'` }, this.spanOf(b));
        }
        const copy = this.intern(`M${c.env.id}:${b.id}:${env.id}`, () => this.copyReplace(c.env, b.defs, env));
        if (c.kind === "env") return this.closure(`E${copy.id}`, () => ({ kind: "env", env: copy }));
        return this.closure(`S${c.box.id}:${copy.id}`, () => ({ kind: "susp", box: c.box, env: copy }));
      }
      case "library": {
        const fe = this.fileEnv(b.path, b, env.file);
        return this.closure(`E${fe.id}`, () => ({ kind: "env", env: fe }));
      }
      case "component": {
        const fe = this.fileEnv(b.path, b, env.file);
        const proc = B.ident("process");
        return this.closure(`S${proc.id}:${fe.id}`, () => ({ kind: "susp", box: proc, env: fe }));
      }
      case "iter":
        return this.evalIter(b, env);
      case "inputs":
      case "outputs": {
        const v = this.toBox(this.eval(b.body, env), this.spanOf(b));
        const a = this.arityAt(v, this.spanOf(b));
        return B.int(b.kind === "inputs" ? a.ins : a.outs);
      }
      case "route":
        return this.evalRoute(b, env);
      case "soundfile": {
        const chans = this.evalInt(b.chans, env, this.spanOf(b));
        return mk("soundfile", { label: this.label(b.label, env, b), chans: B.int(chans) });
      }
      case "button":
      case "checkbox":
        return mk(b.kind, { label: this.label(b.label, env, b) });
      case "hslider":
      case "vslider":
      case "nentry": {
        const w = mk(b.kind, {
          label: this.label(b.label, env, b),
          init: this.numBox(b.init, env, b),
          min: this.numBox(b.min, env, b),
          max: this.numBox(b.max, env, b),
          step: this.numBox(b.step, env, b),
        });
        const [init, min, max] = [w.init, w.min, w.max].map((x) => (x as BoxOf<"real">).value) as [number, number, number];
        if (min > max) fail("FL425", { min, max, widget: brief(w, 80) }, this.spanOf(b));
        if (init < min || init > max) fail("FL424", { init, min, max, widget: brief(w, 80) }, this.spanOf(b));
        return w;
      }
      case "hbargraph":
      case "vbargraph":
        return mk(b.kind, { label: this.label(b.label, env, b), min: this.numBox(b.min, env, b), max: this.numBox(b.max, env, b) });
      case "hgroup":
      case "vgroup":
      case "tgroup": {
        const v = mk(b.kind, { label: this.label(b.label, env, b), body: this.toBox(this.eval(b.body, env), this.spanOf(b)) });
        this.setEvalSpan(v, this.spanOf(b));
        return v;
      }
      case "modulate":
        return this.evalModulate(b, env);
      case "autodiff": {
        if (b.mode !== "fad" && b.mode !== "rad") fail("FL419", { detail: `unknown differentiation mode '${b.mode}'` }, this.spanOf(b));
        const body = this.toBox(this.eval(b.body, env), this.spanOf(b.body) ?? this.spanOf(b));
        const seed = this.toBox(this.eval(b.seed, env), this.spanOf(b.seed) ?? this.spanOf(b));
        this.setEvalSpan(body, this.spanOf(b.body));
        this.setEvalSpan(seed, this.spanOf(b.seed));
        const v = mk("autodiff", { mode: b.mode, body, seed });
        this.setEvalSpan(v, this.spanOf(b));
        this.arityAt(v, this.spanOf(b));
        return v;
      }
      case "clocked": {
        if (!(CLOCK_MODES as readonly string[]).includes(b.mode)) fail("FL419", { detail: `unknown clock domain '${b.mode}'` }, this.spanOf(b));
        const body = this.toBox(this.eval(b.body, env), this.spanOf(b.body) ?? this.spanOf(b));
        this.setEvalSpan(body, this.spanOf(b.body));
        const v = mk("clocked", { mode: b.mode, body });
        this.setEvalSpan(v, this.spanOf(b));
        this.arityAt(v, this.spanOf(b));
        return v;
      }
      case "rule":
      case "def":
      case "import":
      case "declare":
      case "modEntry":
        return fail("FL419", { detail: `a '${b.kind}' is not an expression` }, this.spanOf(b));
      default:
        return assertNever(b);
    }
  }

  /**
   * Widget modulation `["label" : circuit -> body]`: every input widget of
   * body whose name (or path of group names ending with it) is `label` is
   * replaced by `widget : circuit` when the circuit has one input, or by
   * `(widget, m) : circuit` where `m` is a new first input of the whole
   * expression when it has two (the default circuit is `*`). An entry list
   * `["a", "b" -> e]` is `["a" -> ["b" -> e]]`.
   */
  private evalModulate(b: BoxOf<"modulate">, env: Env): Box {
    const span = this.spanOf(b);
    let body = this.toBox(this.eval(b.body, env), span);
    for (let k = b.entries.length - 1; k >= 0; k--) {
      const entry = b.entries[k]!;
      if (entry.kind !== "modEntry") fail("FL419", { detail: "a modulation entry must be a label" }, span);
      const circuit = entry.circuit ? this.toBox(this.eval(entry.circuit, env), span) : B.prim("mul");
      const ca = this.arityAt(circuit, span);
      if (ca.ins > 2 || ca.outs !== 1) fail("FL422", { circuit: brief(circuit, 60), ins: ca.ins, outs: ca.outs }, this.spanOf(entry.circuit ?? entry) ?? span);
      const target = widgetName(entry.label);
      const slot = ca.ins === 2 ? mk("slot", { index: nextSlot++ }) : undefined;
      const replace = (w: Box): Box => (slot ? B.seq(B.par(w, slot), circuit) : ca.ins === 1 ? B.seq(w, circuit) : circuit);
      const memo = new Map<string, Box>();
      const walk = (x: Box, path: string): Box => {
        const key = `${x.id}:${path}`;
        const known = memo.get(key);
        if (known) return known;
        let r: Box;
        switch (x.kind) {
          case "button":
          case "checkbox":
          case "hslider":
          case "vslider":
          case "nentry": {
            const name = widgetName(x.label);
            const full = path ? `${path}/${name}` : name;
            r = name === target || full === target || full.endsWith(`/${target}`) ? replace(x) : x;
            break;
          }
          case "hgroup":
          case "vgroup":
          case "tgroup": {
            const name = widgetName(x.label);
            r = mk(x.kind, { label: x.label, body: walk(x.body, path ? `${path}/${name}` : name) });
            break;
          }
          case "symbolic":
            r = mk("symbolic", { slot: x.slot, body: walk(x.body, path) });
            break;
          case "seq":
          case "par":
          case "split":
          case "merge":
          case "rec":
            r = mk(x.kind, { left: walk(x.left, path), right: walk(x.right, path) });
            this.setEvalSpan(r, this.evalSpanOf(x));
            break;
          default:
            r = x;
        }
        memo.set(key, r);
        return r;
      };
      body = walk(body, "");
      if (slot) body = mk("symbolic", { slot, body });
    }
    return body;
  }

  private lookupIn(name: string, env: Env, span: Span | undefined): Box {
    for (let e: Env | undefined = env; e; e = e.parent) {
      const bnd = e.vars.get(name);
      if (bnd) return this.bindingValue(bnd, e, span);
    }
    fail("FL401", { name, hint: this.didYouMean(name, env) }, span);
  }

  /** A copy of an environment layer with some definitions replaced (`e[defs]`). */
  private copyReplace(target: Env, defs: readonly Box[], caller: Env): Env {
    const vars = new Map<string, Binding>();
    for (const [name, bnd] of target.vars) {
      if (bnd.kind === "def" && bnd.env === undefined) vars.set(name, { kind: "def", name, rules: bnd.rules, spans: bnd.spans, env: undefined, state: 0 });
      else vars.set(name, bnd);
    }
    const replacement = this.makeLayer(caller, defs, defs.map((d) => this.spanOf(d)));
    for (const [name, bnd] of replacement.vars) {
      if (bnd.kind === "def") vars.set(name, { kind: "def", name, rules: bnd.rules, spans: bnd.spans, env: caller, state: 0 });
    }
    return new Env(target.parent, vars, target.file);
  }

  /** `body letrec { 'x = e1; … where … }` is `body with { x = (\(x,…).(e1,…) ~ (_,…)) : select_x; …; where-defs }`. */
  private lowerLetrec(b: BoxOf<"letrec">): Box {
    const known = this.letrecs.get(b.id);
    if (known) return known;
    const defs = b.defs.filter((d): d is BoxOf<"def"> => d.kind === "def");
    const n = defs.length;
    let out: Box;
    if (n === 0) out = mk("with", { body: b.body, defs: b.where });
    else {
      const lam = mk("lambda", { params: defs.map((d) => d.name), body: parList(defs.map((d) => d.body)) });
      const bus = parList(Array.from({ length: n }, () => B.wire()));
      const rec = B.rec(lam, bus);
      for (const d of defs) if (this.spanOf(d)) this.setEvalSpan(rec, this.spanOf(d));
      const projections = defs.map((d, i) => {
        const sel = parList(Array.from({ length: n }, (_, j) => (j === i ? B.wire() : B.cut())));
        return B.def(d.name, [], n === 1 ? rec : B.seq(rec, sel));
      });
      out = mk("with", { body: b.body, defs: [...projections, ...b.where] });
    }
    this.letrecs.set(b.id, out);
    return out;
  }

  private evalIter(b: BoxOf<"iter">, env: Env): Box {
    const span = this.spanOf(b);
    const n = this.evalInt(b.count, env, span);
    if (n > this.maxSteps - this.steps) fail("FL404", { limit: this.maxSteps }, span);
    const item = (i: number) => this.toBox(this.eval(b.body, this.pushValue(env, b.variable, B.int(i))), span);
    // a negative count runs no loop step: par/seq give the body at i = n-1, sum/prod at i = 0 (as the reference)
    if (n < 0) return item(b.op === "par" || b.op === "seq" ? n - 1 : 0);
    let r: Box;
    switch (b.op) {
      case "par":
      case "seq": {
        if (n === 0) {
          if (b.op === "par") return emptyBox();
          // seq(i, 0, e) is the identity on e's inputs (e taken at i = 0), which must equal its outputs
          const e0 = item(0);
          const a = this.arityAt(e0, span);
          if (a.ins !== a.outs) fail("FL423", { body: brief(e0, 60), ins: a.ins, outs: a.outs }, span);
          return a.ins === 0 ? emptyBox() : parList(Array.from({ length: a.ins }, () => B.wire()));
        }
        r = item(n - 1);
        for (let i = n - 2; i >= 0; i--) {
          r = b.op === "par" ? B.par(item(i), r) : B.seq(item(i), r);
          this.setEvalSpan(r, span);
        }
        break;
      }
      case "sum":
      case "prod": {
        if (n === 0) return emptyBox();
        const op: PrimOp = b.op === "sum" ? "add" : "mul";
        r = item(0);
        for (let i = 1; i < n; i++) {
          const p = B.par(r, item(i));
          this.setEvalSpan(p, span);
          r = B.seq(p, B.prim(op));
          this.setEvalSpan(r, span);
        }
        break;
      }
      default:
        return assertNever(b.op as never);
    }
    this.setEvalSpan(r, span);
    return r;
  }

  private evalRoute(b: BoxOf<"route">, env: Env): Box {
    const span = this.spanOf(b);
    const num = (e: Box, what: string): number => {
      const v = this.toBox(this.eval(e, env));
      let c: Const | undefined;
      try {
        c = constantOf(v);
      } catch (err) {
        if (err instanceof ArityError) c = undefined;
        else throw this.convert(err, span);
      }
      if (!c) fail("FL416", { detail: `${what} '${brief(e, 60)}' is not a constant number` }, span);
      return Math.trunc(c.v);
    };
    const ins = num(b.ins, "the number of inputs");
    const outs = num(b.outs, "the number of outputs");
    if (ins < 0 || outs < 0) fail("FL416", { detail: `route(${ins}, ${outs}, …) has a negative size` }, span);
    if (!b.spec) return mk("route", { ins: B.int(ins), outs: B.int(outs), spec: undefined });
    // the pairs are the outputs of the spec box, a closed box with an even number of constant outputs
    const spec = this.toBox(this.eval(b.spec, env), span);
    const sa = this.arityAt(spec, span);
    if (sa.ins !== 0 || sa.outs % 2 !== 0) {
      fail("FL416", { detail: `the third parameter must be a list of input/output pairs, not '${brief(b.spec, 60)}' of type (${sa.ins}->${sa.outs})` }, span);
    }
    let consts: (Const | undefined)[];
    try {
      consts = constantsOf(spec);
    } catch (err) {
      throw this.convert(err, span);
    }
    const nums = consts.map((c, k) => {
      if (!c) fail("FL416", { detail: `output ${k + 1} of the route pairs '${brief(b.spec!, 60)}' is not a constant number` }, span);
      return B.int(Math.trunc(c.v));
    });
    return mk("route", { ins: B.int(ins), outs: B.int(outs), spec: nums.length ? parList(nums) : undefined });
  }

  // ----- application

  /** `fn(args)`: beta-reduction for closures, pattern matching, else `(args, _…) : fn`. */
  applyList(fn: Box, args: readonly Box[], span: Span | undefined): Box {
    let f = fn;
    let i = 0;
    while (i < args.length) {
      const c = this.closureOf(f);
      if (!c) return this.applyBox(f, args.slice(i), span);
      switch (c.kind) {
        case "susp":
          f = this.eval(c.box, c.env);
          continue;
        case "env":
          return fail("FL418", { what: "a function" }, span);
        case "abs": {
          const arg = this.simplify(args[i]!, span);
          i++;
          const env2 = this.pushValue(c.env, c.params[c.i]!, arg);
          if (c.i + 1 < c.params.length) f = this.absClosure(c.src, c.name, c.params, c.i + 1, c.body, env2, c.def);
          else {
            f = this.evalCall(c.body, env2, this.locateCall(c.name, span), c.name, c.def ?? this.spanOf(c.src));
            if (c.name !== "lambda") this.nameBox(f, c.name);
          }
          break;
        }
        case "pm": {
          const all = [...c.args, args[i]!];
          i++;
          if (all.length < c.base.arity) f = this.pmClosure(c.base, all, this.pmKey(c.base));
          else {
            f = this.matchRules(c.base, all, span);
            this.nameBox(f, c.base.name);
          }
          break;
        }
        default:
          return assertNever(c as never);
      }
    }
    return f;
  }

  /** Records a definition name for a block-diagram value (closures and plain numbers stay unnamed). */
  private nameBox(v: Box, name: string): void {
    if (v.kind === "closure" || v.kind === "int" || v.kind === "real" || v.kind === "wire" || v.kind === "cut" || this.names.has(v)) return;
    this.names.set(v, name);
  }

  /** Evaluates the body of function `name` (defined at `def`) called at `span`; the depth guard counts calls too. */
  private evalCall(body: Box, env: Env, span: Span | undefined, name: string, def: Span | undefined): Box {
    this.calls.push({ name, def, at: span });
    if (++this.depth > this.maxDepth) {
      this.depth--;
      const d = this.runaway(this.calls, `more than ${this.maxDepth} nested evaluations (the evaluator's maxDepth limit)`);
      this.calls.pop();
      throw new EvalError(d);
    }
    this.context.push(def ?? this.spanOf(body));
    try {
      return this.eval(body, env);
    } catch (e) {
      this.noteOverflow(e);
      throw e;
    } finally {
      this.depth--;
      this.context.pop();
      this.calls.pop();
    }
  }

  /** On a stack overflow, the innermost frame that can copies the backtrace before the stack unwinds. */
  private noteOverflow(e: unknown): void {
    if (e instanceof RangeError && !this.overflow) {
      try {
        this.overflow = this.calls.slice();
      } catch {
        // still too deep: a frame further out will take it
      }
    }
  }

  /** FL403 for a runaway recursion, at the innermost recursive function's definition, with the chain of calls as related notes. */
  runaway(calls: readonly Call[], limit: string): Diagnostic {
    if (calls.length === 0) return diag("FL403", { detail: limit });
    const last = calls[calls.length - 1]!;
    const first = calls.findIndex((c) => c.name === last.name && !c.definition);
    const related: RelatedInfo[] = [];
    const note = (span: Span | undefined, message: string) => {
      if (span) related.push({ span, message });
    };
    const caller = (i: number) => (i > 0 ? `'${calls[i - 1]!.name}'` : "the program");
    const verb = (c: Call) => (c.definition ? "uses" : "calls");
    if (first < 0 || first === calls.length - 1) {
      // no function calls itself: a deep program, not an endless recursion
      const shown = 6;
      for (let i = 0; i < calls.length; i++) {
        if (i === shown && calls.length > 2 * shown) {
          related.push({ span: calls[i]!.at ?? last.def!, message: `… ${calls.length - 2 * shown} more nested calls and definitions` });
          i = calls.length - shown;
        }
        note(calls[i]!.at, `${caller(i)} ${verb(calls[i]!)} '${calls[i]!.name}' here`);
      }
      return diag("FL403", { detail: `${calls.length} nested calls and definitions, ${limit}` }, last.def ?? last.at, related);
    }
    // how the program got there: every call before the recursion, then its first round
    const shown = 12;
    const head = calls.slice(0, first + 1);
    const skip = Math.max(0, head.length - shown);
    if (skip) related.push({ span: head[0]!.at ?? last.def!, message: `… ${skip} outer calls not shown` });
    for (let i = skip; i <= first; i++) note(calls[i]!.at, `${caller(i)} ${verb(calls[i]!)} '${calls[i]!.name}' here`);
    let again = first + 1;
    while (again < calls.length && calls[again]!.name !== last.name) again++;
    for (let i = first + 1; i <= Math.min(again, calls.length - 1); i++) note(calls[i]!.at, `'${calls[i - 1]!.name}' ${verb(calls[i]!)} '${calls[i]!.name}' here`);
    const nested = calls.length - first;
    const seen = this.signalArgs.get(last.name);
    const detail = seen
      ? `'${last.name}' never stops calling itself (${nested} nested calls): its argument ${seen.arg} is a signal where a number was needed (a rule compares it with ${seen.pattern})`
      : `'${last.name}' never stops calling itself: ${nested} nested calls, ${limit}`;
    return diag("FL403", { detail }, last.def ?? last.at, related);
  }

  /** The diagnostic of a JavaScript stack overflow during evaluation: a runaway recursion when calls were recorded. */
  overflowDiagnostic(): Diagnostic {
    return this.runaway(this.overflow ?? this.calls, "the JavaScript stack is exhausted");
  }

  private applyBox(f: Box, args: readonly Box[], span: Span | undefined): Box {
    const fb = this.toBox(f, span);
    const fa = this.arityAt(fb, span);
    const boxes = args.map((a) => this.toBox(a, span));
    let outs = 0;
    for (const a of boxes) outs += this.arityAt(a, span).outs;
    if (outs > fa.ins) {
      fail("FL407", { given: outs, expected: fa.ins, fn: brief(fb, 80) }, span);
    }
    const wires = Array.from({ length: fa.ins - outs }, () => B.wire());
    const special = fb.kind === "prim" && primArity[fb.op] === 2 && fb.op !== "prefix" && outs === 1;
    const list = special ? [...wires, ...boxes] : [...boxes, ...wires];
    const par = parList(list);
    this.setEvalSpan(par, span);
    const r = B.seq(par, fb);
    this.setEvalSpan(r, span);
    return r;
  }

  private matchRules(base: PmBase, args: readonly Box[], span: Span | undefined): Box {
    if (!base.evaluated) base.evaluated = base.rules.map((r) => r.patterns.map((p) => this.evalPattern(p, base.env)));
    // where any rule compares a constant, the argument must be well formed, whichever rule matches
    const pats0 = base.evaluated;
    const checked = args.map((a, j) => (pats0.some((ps) => ps[j]!.kind !== "ident" && !isComposite(ps[j]!)) ? this.simplify(this.force(a), span) : a));
    // a number pattern meeting a signal never matches: remembered to explain a recursion that never ends
    if (!this.signalArgs.has(base.name))
      checked.forEach((a, j) => {
        const num = pats0.find((ps) => ps[j]!.kind === "int" || ps[j]!.kind === "real")?.[j];
        if (num && a.kind !== "int" && a.kind !== "real" && !this.hasClosure(a) && !this.signalArgs.has(base.name))
          this.signalArgs.set(base.name, { arg: `${j + 1} (${brief(a, 30)})`, pattern: brief(num, 20) });
      });
    for (let k = 0; k < base.rules.length; k++) {
      const pats = pats0[k]!;
      const bind = new Map<string, Box>();
      let ok = true;
      for (let j = 0; j < pats.length && ok; j++) ok = this.match(pats[j]!, checked[j]!, bind, span);
      if (!ok) continue;
      let env = base.env;
      for (const [name, v] of bind) env = this.pushValue(env, name, v);
      return this.evalCall(base.rules[k]!.body, env, this.locateCall(base.name, span), base.name, base.spans?.[k] ?? this.spanOf(base.rules[k]!.body));
    }
    return fail("FL408", { name: base.name, args: args.map((a) => (this.hasClosure(a) ? "<function>" : brief(a, 40))).join(", ") }, span);
  }

  /** Patterns: identifiers are pattern variables, compositions are structural, the rest is evaluated. */
  private evalPattern(p: Box, env: Env): Box {
    switch (p.kind) {
      case "ident":
        return p;
      case "seq":
      case "par":
      case "split":
      case "merge":
      case "rec":
        return mk(p.kind, { left: this.evalPattern(p.left, env), right: this.evalPattern(p.right, env) });
      default:
        return this.simplify(this.eval(p, env), this.spanOf(p));
    }
  }

  /**
   * Matches one pattern against a value, numerically simplified at each
   * level as the reference does. An ill-formed value is left as it is,
   * except where it is compared with a constant: then its arity error is
   * reported (checked against the reference compiler).
   */
  private match(p: Box, v: Box, bind: Map<string, Box>, span: Span | undefined): boolean {
    const forced = this.force(v);
    if (!(p.kind === "ident" || isComposite(p))) return p === this.simplify(forced, span);
    const x = this.quietSimplify(forced);
    if (p.kind === "ident") {
      // a variable seen twice in one rule must match equal values
      const prev = bind.get(p.name);
      if (prev) return prev === x;
      bind.set(p.name, x);
      return true;
    }
    if (x.kind !== p.kind) return false;
    const xc = x as Composite;
    return this.match(p.left, xc.left, bind, span) && this.match(p.right, xc.right, bind, span);
  }

  private quietSimplify(v: Box): Box {
    try {
      return this.simplify(v, undefined);
    } catch {
      return v;
    }
  }

  /** Forces a suspended component value. */
  private force(v: Box): Box {
    let x = v;
    for (let c = this.closureOf(x); c && c.kind === "susp"; c = this.closureOf(x)) x = this.eval(c.box, c.env);
    return x;
  }

  /** Replaces a box denoting a constant number by that number (Faust's isBoxNumeric). */
  simplify(v: Box, span: Span | undefined): Box {
    if (v.kind === "int" || v.kind === "real" || v.kind === "closure" || v.kind === "wire" || v.kind === "cut" || v.kind === "prim") return v;
    const known = this.simplified.get(v.id);
    if (known) return known;
    let r: Box = v;
    if (!this.hasClosure(v)) {
      try {
        const c = constantOf(v);
        if (c) r = c.float ? B.real(c.v) : B.int(c.v);
      } catch (e) {
        // as in the reference, an argument must be a well-formed diagram: its arity errors surface here
        throw this.convert(e, span);
      }
    }
    this.simplified.set(v.id, r);
    return r;
  }

  private readonly closureInside = new Map<number, boolean>();
  private hasClosure(root: Box): boolean {
    const k = this.closureInside.get(root.id);
    if (k !== undefined) return k;
    const stack: Box[] = [root];
    while (stack.length) {
      const b = stack[stack.length - 1]!;
      if (this.closureInside.has(b.id)) {
        stack.pop();
        continue;
      }
      if (b.kind === "closure") {
        this.closureInside.set(b.id, true);
        stack.pop();
        continue;
      }
      const kids = isComposite(b) ? [b.left, b.right] : b.kind === "symbolic" || b.kind === "hgroup" || b.kind === "vgroup" || b.kind === "tgroup" ? [b.body] : [];
      const pending = kids.filter((c) => !this.closureInside.has(c.id));
      if (pending.length) {
        stack.push(...pending);
        continue;
      }
      this.closureInside.set(b.id, kids.some((c) => this.closureInside.get(c.id)));
      stack.pop();
    }
    return this.closureInside.get(root.id)!;
  }

  // ----- closures to boxes (a2sb)

  /** Turns every closure inside a value into a block diagram (symbolic boxes over slots). */
  toBox(v: Box, span?: Span): Box {
    if (!this.hasClosure(v)) return v;
    const known = this.toBoxMemo.get(v.id);
    if (known) return known;
    let r: Box;
    const c = this.closureOf(v);
    const at = this.evalSpanOf(v) ?? span;
    if (c) r = this.closureToBox(c, v, span);
    else if (isComposite(v)) {
      r = mk(v.kind, { left: this.toBox(v.left, at), right: this.toBox(v.right, at) });
      this.setEvalSpan(r, this.evalSpanOf(v));
    } else if (v.kind === "hgroup" || v.kind === "vgroup" || v.kind === "tgroup") r = mk(v.kind, { label: v.label, body: this.toBox(v.body, at) });
    else if (v.kind === "symbolic") r = mk("symbolic", { slot: v.slot, body: this.toBox(v.body, at) });
    else r = v;
    this.toBoxMemo.set(v.id, r);
    const name = this.names.get(v);
    if (name !== undefined) this.nameBox(r, name);
    return r;
  }

  private closureToBox(c: Closure, v: Box, span: Span | undefined): Box {
    switch (c.kind) {
      case "susp":
        return this.toBox(this.eval(c.box, c.env), span);
      case "env":
        return fail("FL418", { what: "a block diagram" }, span);
      case "abs":
      case "pm": {
        const slot = mk("slot", { index: nextSlot++ });
        const body = this.toBox(this.applyList(v, [slot], span), span);
        return mk("symbolic", { slot, body });
      }
      default:
        return assertNever(c as never);
    }
  }

  // ----- numbers and labels

  private convert(e: unknown, span: Span | undefined): unknown {
    if (e instanceof ConstDivZero) return new EvalError(diag("FL406", { expr: e.expr }, span));
    if (e instanceof ArityError) return new EvalError(e.diagnostic);
    return e;
  }

  private arityAt(b: Box, span: Span | undefined): Arity {
    try {
      return this.arityOf(b);
    } catch (e) {
      if (e instanceof ArityError && !e.diagnostic.span && span) throw new EvalError({ ...e.diagnostic, span });
      throw this.convert(e, span);
    }
  }

  /** The constant number an expression denotes (Faust's eval2double). */
  evalConst(e: Box, env: Env, span: Span | undefined): Const {
    const at = this.spanOf(e) ?? span;
    const v = this.toBox(this.eval(e, env), at);
    const a = this.arityAt(v, at);
    if (a.ins !== 0 || a.outs !== 1) fail("FL405", { detail: `'${brief(e, 60)}' has type (${a.ins}->${a.outs})` }, at);
    let c: Const | undefined;
    try {
      c = constantOf(v);
    } catch (err) {
      throw this.convert(err, at);
    }
    if (!c) fail("FL405", { detail: `'${brief(e, 60)}' is not a compile-time number` }, at);
    return c;
  }

  evalInt(e: Box, env: Env, span: Span | undefined): number {
    return Math.trunc(this.evalConst(e, env, span).v);
  }

  private numBox(e: Box, env: Env, owner: Box): Box {
    return B.real(this.evalConst(e, env, this.spanOf(owner)).v);
  }

  /** `%i`, `%2i`, `%name` in labels: the value of an identifier in scope (width from the digits). */
  private label(text: string, env: Env, owner: Box): string {
    if (!text.includes("%")) return text;
    let out = "";
    let i = 0;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch !== "%") {
        out += ch;
        i++;
        continue;
      }
      if (text[i + 1] === "%") {
        out += "%%";
        i += 2;
        continue;
      }
      let j = i + 1;
      let width = 0;
      while (j < text.length && /[0-9]/.test(text[j]!)) width = width * 10 + Number(text[j++]);
      const start = j;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j]!)) j++;
      const name = text.slice(start, j);
      if (!name) {
        // a '%' not followed by an identifier is kept as written (as Faust does)
        out += text.slice(i, j);
        i = j;
        continue;
      }
      const n = this.evalInt(B.ident(name), env, this.spanOf(owner));
      out += String(n).padStart(Math.min(4, width), " ");
      i = j;
    }
    return out;
  }
}

/** The canonical text of a box for a message, cut to `max` characters (never prints a huge tree). */
function brief(b: Box, max: number): string {
  if (treeSize(b, 4 * max) > 4 * max) return "<a block diagram too large to print>";
  const t = printBox(b);
  return t.length > max ? t.slice(0, max - 3) + "..." : t;
}

/** A widget or group label without its `[key:value]` metadata, trimmed. */
function widgetName(label: string): string {
  return label.replace(/\[[^\]]*\]/g, "").trim();
}


/**
 * `Compilation.loadReference` wants a span for its diagnostics; a library()
 * box whose source position is unknown (a synthesized box) gets none.
 */
function noSpan(): Span {
  return undefined as unknown as Span;
}

// ---------------------------------------------------------------------------
// Public API

const compilations = new Map<string, Map<FileParser | undefined, Compilation>>();

/** One compilation (parse cache) per set of include folders, import policy and file parser. */
export function compilationFor(includeDirs: readonly string[] = [], policy?: ImportPolicy, parser?: FileParser): Compilation {
  const key = includeDirs.join("\0") + "\0\0" + policyKey(policy);
  let byParser = compilations.get(key);
  if (!byParser) compilations.set(key, (byParser = new Map()));
  let c = byParser.get(parser);
  if (!c) {
    c = new CachedCompilation(includeDirs, policy, parser);
    byParser.set(parser, c);
  }
  return c;
}

export type ProgramSource = string | { readonly text: string; readonly path: string };

/** Global `declare` statements of a program, in source order. */
function metadataOf(p: Program): MetadataEntry[] {
  const out: MetadataEntry[] = [];
  p.stmts.forEach((s, i) => {
    if (s.kind === "declare") out.push({ target: s.target, key: s.key, value: s.value, file: p.spans[i]?.file.path ?? "" });
  });
  return out;
}

/**
 * Evaluates a program (a file path, or an in-memory text with the path its
 * imports are resolved from) to the block diagram of `process`.
 */
export function evaluateProgram(source: ProgramSource, opts: EvalOptions = {}): EvalResult {
  const comp = compilationFor(opts.includeDirs, opts.importPolicy, opts.parser);
  let program: Program;
  try {
    program = typeof source === "string" ? comp.loadProgram(source) : comp.loadProgramText(source.text, source.path);
  } catch (e) {
    if (e && typeof e === "object" && "diagnostics" in e) return { process: undefined, arity: undefined, metadata: [], diagnostics: (e as { diagnostics: Diagnostic[] }).diagnostics };
    throw e;
  }
  const diagnostics: Diagnostic[] = [...program.diagnostics];
  const metadata = metadataOf(program);
  if (diagnostics.some((d) => d.severity === "error")) return { process: undefined, arity: undefined, metadata, diagnostics };
  const ev = new Evaluator(comp, opts);
  try {
    const env = ev.programEnv(program);
    const procIndex = program.stmts.findIndex((s) => (s.kind === "def" || s.kind === "lazyDef") && s.name === "process");
    const procSpan = procIndex >= 0 ? program.spans[procIndex] : undefined;
    if (procIndex < 0) {
      // located in the program's file: its first line
      const file = program.entry.file;
      const eol = file.text.indexOf("\n");
      const span: Span = { file, start: 0, end: eol < 0 ? file.text.length : eol };
      diagnostics.push(diag("FL401", { name: "process", hint: ": the program must define 'process', the block diagram it computes" }, span));
      return { process: undefined, arity: undefined, metadata, diagnostics };
    }
    const v = ev.toBox(ev.eval(B.ident("process"), env), procSpan);
    const a = arity(v, ev.spans.evaluated.lookup);
    return { process: v, arity: a, metadata, diagnostics, names: ev.names, spans: ev.spans };
  } catch (e) {
    const d = e instanceof RangeError && /call stack/i.test(e.message) ? ev.overflowDiagnostic() : toDiagnostic(e);
    if (!d) throw e;
    diagnostics.push(d);
    return { process: undefined, arity: undefined, metadata, diagnostics, spans: ev.spans };
  }
}

function toDiagnostic(e: unknown): Diagnostic | undefined {
  if (e instanceof EvalError) return e.diagnostic;
  if (e instanceof ArityError) return e.diagnostic;
  if (e instanceof ConstDivZero) return diag("FL406", { expr: e.expr });
  if (e instanceof RangeError && /call stack/i.test(e.message)) return diag("FL403", { detail: "the JavaScript stack is exhausted" });
  return undefined;
}
