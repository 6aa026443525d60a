// Normalization of signal graphs: Faust's constant folding, algebraic
// simplification and canonical sum-of-products / delay form.
//
//   normalize(outputs: Sig[]): Sig[]     the normalized outputs (same order); throws a DiagnosticError
//                                        (FL520–FL523) for what Faust rejects while folding (x / 0,
//                                        x % 0, sqrt(-1), …)
//   simplifyNode(s)                      one step on a node whose children are already normal
//                                        (outside recursion groups)
//
// The graph is rewritten bottom-up, one strongly connected component at a
// time, dependencies first; each node once, or twice for the members of a
// recursion: a cyclic component is first rewritten as if its groups were
// kept, and if a body changed, its groups are redeclared under fresh names
// and the component rewritten on their projections (the cycles keep going
// through their delay1). A group whose bodies no longer read its projections
// is replaced by its bodies. Every rule is listed with its identity in
// README.md and next to its code below.
//
// Invariants: every rewritten node keeps its nature (int/float, as typed by
// src/core/signals/types.ts): where an identity would change it (`x & -1 → x` on a
// float x, `x + 0.0 → x` on an int x) the result gets the cast that keeps the
// value (`int(x)`, `float(x)`). Natures and variabilities of new nodes are
// computed locally (not with types.ts, whose cache must not see a group
// before its bodies are attached). Normalization is idempotent.

import { DiagnosticError, diag } from "../../core/diagnostics.ts";
import { rewriteGraph } from "../../core/signals/rewrite.ts";
import { weightedLeaves } from "../../core/dag.ts";
import {
  assertNever,
  children,
  constantDelay,
  isRecDefined,
  nodeCount,
  sig,
  type Nature,
  type RecSig,
  type Sig,
  type SigOf,
} from "../../core/signals/signal.ts";
import { aliasGroup, compareSignals } from "../../core/signals/order.ts";
import { typeOf, type Variability } from "../../core/signals/types.ts";
import { fmt, foldBinop, foldFloatcast, foldIntcast, foldMath1, foldMath2, isConstSig, opText, satInt, zeroOf } from "../../core/signals/fold.ts";
import { showExpr } from "../../core/signals/intervals.ts";

// ---------------------------------------------------------------------------
// Local typing (nature and variability) that tolerates groups under construction

interface LT {
  readonly nature: Nature;
  readonly variability: Variability;
}
const VAR_RANK: Record<Variability, number> = { constant: 0, block: 1, sample: 2 };
const joinV = (...vs: Variability[]): Variability => vs.reduce((a, b) => (VAR_RANK[a] >= VAR_RANK[b] ? a : b), "constant" as Variability);
const joinN = (...ns: Nature[]): Nature => (ns.includes("float") ? "float" : "int");

class Typing {
  private readonly memo = new Map<Sig, LT>();
  /** Projections of groups being rebuilt: new group → the group it replaces. */
  readonly origin = new Map<RecSig, RecSig>();
  /**
   * @param firstNewId nodes below this id existed before normalization (typed by types.ts)
   * @param projAsInt  "own" typing: every projection counts as int (the start of the
   *                   recursion fixpoint), so a float result is float by itself
   */
  constructor(
    private readonly firstNewId: number,
    private readonly projAsInt = false,
  ) {}

  of(s: Sig): LT {
    const hit = this.memo.get(s);
    if (hit) return hit;
    // iterative post-order: children first (graphs may be deep)
    const stack: Sig[] = [s];
    while (stack.length) {
      const t = stack[stack.length - 1]!;
      if (this.memo.has(t)) {
        stack.pop();
        continue;
      }
      if (!this.projAsInt && t.id < this.firstNewId && (t.kind !== "proj" || isRecDefined(t.group))) {
        const ty = typeOf(t);
        this.memo.set(t, { nature: ty.nature, variability: ty.variability });
        stack.pop();
        continue;
      }
      const pending = this.deps(t).filter((c) => !this.memo.has(c));
      if (pending.length) {
        stack.push(...pending);
        continue;
      }
      this.memo.set(t, this.rule(t));
      stack.pop();
    }
    return this.memo.get(s)!;
  }

  /** What the rule of `s` reads (never through a recursion: proj reads at most the projection it replaces). */
  private deps(s: Sig): Sig[] {
    if (s.kind === "rec") return [];
    if (s.kind === "proj") {
      const old = this.origin.get(s.group);
      return !this.projAsInt && old ? [sig.proj(old, s.index)] : [];
    }
    return [...children(s)];
  }

  private rule(s: Sig): LT {
    const T = (nature: Nature, variability: Variability): LT => ({ nature, variability });
    const of = (c: Sig) => this.of(c);
    switch (s.kind) {
      case "int":
        return T("int", "constant");
      case "float":
        return T("float", "constant");
      case "input":
        return T("float", "sample");
      case "output":
        return of(s.x);
      case "delay1":
      case "delay":
        return T(of(s.x).nature, "sample");
      case "prefix":
        return T(joinN(of(s.init).nature, of(s.x).nature), "sample");
      case "binop": {
        const a = of(s.x);
        const b = of(s.y);
        const v = joinV(a.variability, b.variability);
        switch (s.op) {
          case "div":
            return T("float", v);
          case "add":
          case "sub":
          case "mul":
          case "rem":
            return T(joinN(a.nature, b.nature), v);
          default:
            return T("int", v);
        }
      }
      case "math1": {
        const a = of(s.x);
        if (s.op === "abs") return a;
        return T(s.op === "isnan" || s.op === "isinf" ? "int" : "float", a.variability);
      }
      case "math2": {
        const a = of(s.x);
        const b = of(s.y);
        return T(s.op === "min" || s.op === "max" ? joinN(a.nature, b.nature) : "float", joinV(a.variability, b.variability));
      }
      case "intcast":
        return T("int", of(s.x).variability);
      case "floatcast":
        return T("float", of(s.x).variability);
      case "select2":
        return T(joinN(of(s.a).nature, of(s.b).nature), joinV(of(s.sel).variability, of(s.a).variability, of(s.b).variability));
      case "table":
        return T(of(s.gen).nature, "constant");
      case "rdtable":
        return T(of(s.table).nature, joinV(of(s.table).variability, of(s.index).variability));
      case "rwtable":
        return T(
          joinN(of(s.table).nature, of(s.wvalue).nature),
          joinV(of(s.table).variability, of(s.windex).variability, of(s.wvalue).variability, of(s.rindex).variability),
        );
      case "waveform":
        return T(joinN(...s.values.map((v) => of(v).nature)), "sample");
      case "fconst":
        return T(s.type, "constant");
      case "fvar":
        return T(s.type, "block");
      case "ffun":
        return s.args.length === 0 ? T(s.ret, "sample") : T(s.ret, joinV(...s.args.map((a) => of(a).variability)));
      case "button":
      case "checkbox":
      case "hslider":
      case "vslider":
      case "nentry":
        return T("float", "block");
      case "hbargraph":
      case "vbargraph":
        return T(of(s.x).nature, joinV(of(s.x).variability, "block"));
      case "soundfile":
        return T("int", "block");
      case "sflength":
      case "sfrate":
        return T("int", joinV("block", of(s.part).variability));
      case "sfbuffer":
        return T("float", "sample");
      case "attach":
      case "enable":
      case "control":
        return of(s.x);
      case "sos":
        return of(s.y);
      case "reverse":
      case "tape":
        return T(of(s.x).nature, "sample");
      case "clocked":
        return T("int", "sample");
      case "din":
        return of(s.x);
      case "clockout":
        return T(s.domain.kind === "clocked" && s.domain.outs[s.index] ? of(s.domain.outs[s.index]!).nature : "float", "sample");
      case "fir":
      case "iir":
        return T(joinN(of(s.x).nature, ...s.coefs.map((c) => of(c).nature)), "sample");
      case "rec":
        return T("float", "sample");
      case "proj": {
        if (this.projAsInt) return T("int", "sample");
        const old = this.origin.get(s.group);
        // a rebuilt group keeps the natures of the group it replaces
        return T(old ? this.of(sig.proj(old, s.index)).nature : "float", "sample");
      }
      default:
        return assertNever(s);
    }
  }
}

// ---------------------------------------------------------------------------
// The normalizer

class Normalizer {
  readonly ty: Typing;
  readonly own: Typing;
  /**
   * The terms of every sum this normalizer built, by node (what flattening the node gives), stored
   * as a prefix sum node plus the terms after it, so that a chain of sums takes linear memory.
   */
  readonly sums = new Map<Sig, { readonly parent: Sig | undefined; readonly tail: readonly Mono[] }>();
  /** For a built sum ending with a constant: the node of the sum without it. */
  readonly sumPrefix = new Map<Sig, Sig>();
  termsOf(node: Sig): Mono[] | undefined {
    if (!this.sums.has(node)) return undefined;
    const parts: (readonly Mono[])[] = [];
    for (let n: Sig | undefined = node; n; n = this.sums.get(n)!.parent) parts.push(this.sums.get(n)!.tail);
    return parts.reverse().flat();
  }
  constructor() {
    this.ty = new Typing(nodeCount());
    this.own = new Typing(0, true);
  }
  nature = (s: Sig): Nature => this.ty.of(s).nature;
  variability = (s: Sig): Variability => this.ty.of(s).variability;

  /** Keeps the nature of `orig` on its replacement `r` (adding the value-preserving cast). */
  keep(orig: Sig, r: Sig): Sig {
    const want = this.nature(orig);
    if (this.nature(r) === want) return r;
    if (isConstSig(r)) return want === "int" ? foldIntcast(r) : foldFloatcast(r);
    return want === "int" ? sig.intcast(r) : sig.floatcast(r);
  }

  /** One rewriting step: `s` has normalized children. */
  step(s: Sig): Sig {
    const r = this.rules(s);
    return r === s ? s : this.keep(s, r);
  }

  private rules(s: Sig): Sig {
    switch (s.kind) {
      case "binop":
        return this.binop(s);
      case "math1":
        // f(c) → the double value of f at c (every primitive, C semantics)
        return isConstSig(s.x) ? foldMath1(s.op, s.x) : s;
      case "math2":
        // f(c1, c2) → the double value of f (min/max of ints stay int); fmod(x, 0) and remainder(x, 0) are errors
        if (isConstSig(s.x) && isConstSig(s.y)) return foldMath2(s.op, s.x, s.y);
        if (isConstSig(s.y) && s.y.value === 0 && (s.op === "fmod" || s.op === "remainder"))
          throw new DiagnosticError([
            s.op === "fmod"
              ? diag("FL521", { expr: `${showExpr(s.x)} % ${fmt(s.y)}` })
              : diag("FL522", { expr: `remainder(${showExpr(s.x)}, ${fmt(s.y)})` }),
          ]);
        return s;
      case "intcast":
        // int(c) → truncated, saturated constant;  int(x) → x when x is already int
        if (isConstSig(s.x)) return foldIntcast(s.x);
        return this.nature(s.x) === "int" ? s.x : s;
      case "floatcast":
        // float(c) → float constant;  float(x) → x when x is float by itself (not only through a
        // recursive projection: removing the cast could turn a float recursion into an int one)
        if (isConstSig(s.x)) return foldFloatcast(s.x);
        return this.own.of(s.x).nature === "float" ? s.x : s;
      case "select2":
        // select2(c, a, b) → a when int(c) == 0, else b;  select2(s, x, x) → x
        if (isConstSig(s.sel)) return (s.sel.kind === "int" ? s.sel.value : satInt(s.sel.value)) === 0 ? s.a : s.b;
        return s.a === s.b ? s.a : s;
      case "enable":
      case "control":
        // enable(x, 0) = control(x, 0) → 0 (of x's nature);  enable(x, 1) = control(x, 1) → x
        if (isConstSig(s.y) && s.y.value === 0) return zeroOf(this.nature(s.x));
        if (isConstSig(s.y) && s.y.value === 1) return s.x;
        return s;
      case "delay1":
        return this.delay(s.x, 1);
      case "delay":
        return this.delayBy(s);
      case "output":
      case "int":
      case "float":
      case "input":
      case "prefix":
      case "table":
      case "rdtable":
      case "rwtable":
      case "waveform":
      case "fconst":
      case "fvar":
      case "ffun":
      case "button":
      case "checkbox":
      case "hslider":
      case "vslider":
      case "nentry":
      case "hbargraph":
      case "vbargraph":
      case "soundfile":
      case "sflength":
      case "sfrate":
      case "sfbuffer":
      case "attach":
      case "rec":
      case "proj":
      case "fir":
      case "iir":
      case "sos":
      case "reverse":
      case "tape":
      case "clocked":
      case "din":
      case "clockout":
        return s;
      default:
        return assertNever(s);
    }
  }

  // -------------------------------------------------------------------------
  // Binary operators

  private binop(s: SigOf<"binop">): Sig {
    const { op, x, y } = s;
    // c1 op c2 → folded constant (Faust's int/float semantics; / and % by 0 are errors)
    if (isConstSig(x) && isConstSig(y)) return foldBinop(op, x, y);
    // x / 0 and x % 0 are rejected by Faust whatever x is
    if (isConstSig(y) && y.value === 0 && (op === "div" || op === "rem"))
      throw new DiagnosticError([diag(op === "div" ? "FL520" : "FL521", { expr: `${showExpr(x)} ${opText(op)} ${fmt(y)}` })]);
    switch (op) {
      case "add":
      case "sub":
      case "mul":
      case "div":
        // + - * / → canonical sum of products (gathers constants and like terms: x+0 → x, x*1 → x,
        // x*0 → 0, x-x → 0, x/x → 1, k1*(k2*x) → (k1*k2)*x, 0-x → -1*x)
        return this.sop(s);
      default:
        break;
    }
    const isZ = (c: Sig) => isConstSig(c) && c.value === 0;
    const isM1 = (c: Sig) => isConstSig(c) && c.value === -1;
    const isOne = (c: Sig) => isConstSig(c) && c.value === 1;
    switch (op) {
      case "shl":
      case "ashr":
      case "lshr":
        // x << 0 → x, x >> 0 → x, x >>> 0 → x  (as int(x))
        if (isZ(y)) return x;
        break;
      case "and":
        // -1 & x → x, x & -1 → x  (as int(x));  0 & x → 0, x & 0 → 0
        if (isM1(x)) return y;
        if (isM1(y)) return x;
        if (isZ(x) || isZ(y)) return sig.int(0);
        break;
      case "or":
        // 0 | x → x, x | 0 → x  (as int(x));  -1 | x → -1, x | -1 → -1
        if (isZ(x)) return y;
        if (isZ(y)) return x;
        if (isM1(x) || isM1(y)) return sig.int(-1);
        break;
      default:
        break;
    }
    if (x === y) {
      // x & x → x, x | x → x  (as int(x));  x >= x, x <= x, x == x → 1;  x > x, x < x, x != x, x % x, x ^ x → 0
      if (op === "and" || op === "or") return x;
      if (op === "ge" || op === "le" || op === "eq") return sig.int(1);
      if (op === "gt" || op === "lt" || op === "ne" || op === "rem" || op === "xor") return zeroOf(this.nature(s));
    } else if (op === "and" || op === "or") {
      // 1 & b → b, 1 | b → 1 when b is a boolean (a comparison, or &/| of booleans)
      if (isOne(x) && isBool(y)) return op === "and" ? y : sig.int(1);
      if (isOne(y) && isBool(x)) return op === "and" ? x : sig.int(1);
    }
    return s;
  }

  // -------------------------------------------------------------------------
  // Sums of products

  private sop(s: Sig): Sig {
    const n = this.nature(s);
    const sum = new SumBuilder(n, this);
    sum.add(s, 1);
    return sum.build();
  }

  // -------------------------------------------------------------------------
  // Delays: the canonical form is delay1(x) for one sample, delay(x, int n) for a constant n ≥ 2

  private delayBy(s: SigOf<"delay">): Sig {
    const a = s.amount;
    if (isConstSig(a)) {
      const n = a.kind === "int" ? a.value : satInt(a.value);
      // x@c with c a float constant → x@int(c);  x@0 → x  (negative amounts are left to checkProgram)
      if (n >= 0) return this.delay(s.x, n);
      return a.kind === "int" ? s : sig.delay(s.x, sig.int(n));
    }
    // 0@d → 0
    if (isConstSig(s.x) && s.x.value === 0) return s.x;
    return this.pushOut(s.x, (inner) => sig.delay(inner, a)) ?? s;
  }

  /** x delayed by the constant n ≥ 0, in canonical form. */
  delay(x: Sig, n: number): Sig {
    // x@0 → x
    if (n === 0) return x;
    // 0@n → 0  (any other constant c@n is NOT c: it is 0 for t < n)
    if (isConstSig(x) && x.value === 0) return x;
    // (x@m)@n → x@(m+n), mem(x)@n → x@(n+1)  (constant m ≥ 0)
    const inner = constantDelay(x);
    if (inner && n + inner.lag <= 0x7fffffff) return this.delay(inner.x, n + inner.lag);
    return this.pushOut(x, (i) => this.delay(i, n)) ?? sig.delayBy(x, n);
  }

  /**
   * (k*x)@d → k*(x@d), (x/k)@d → (x@d)/k for the constant and block-rate
   * factors k of a product (Faust's rule: factors of order < 2 leave the
   * delay). Returns undefined when nothing leaves.
   */
  private pushOut(x: Sig, delayOf: (inner: Sig) => Sig): Sig | undefined {
    if (x.kind !== "binop" || (x.op !== "mul" && x.op !== "div")) return undefined;
    const n = this.nature(x);
    const m = Mono.of(x, n, this);
    const slow = [...m.factors].filter(([f]) => VAR_RANK[this.variability(f)] <= 1);
    const fast = [...m.factors].filter(([f]) => VAR_RANK[this.variability(f)] > 1);
    const coefIsOne = m.coef === 1;
    if (fast.length === 0) {
      // all factors slow: only the coefficient leaves the delay
      if (coefIsOne) return undefined;
      const inner = new Mono(n, 1, new Map(m.factors)).build(this);
      return new Mono(n, m.coef, new Map([[delayOf(inner), 1]])).build(this);
    }
    if (coefIsOne && slow.length === 0) return undefined;
    const inner = new Mono(n, 1, new Map(fast)).build(this);
    return new Mono(n, m.coef, new Map([...slow, [delayOf(inner), 1]])).build(this);
  }
}

/** A boolean signal: a comparison, or & | of booleans (Faust's isSigBool). Iterative. */
function isBool(s: Sig): boolean {
  const stack: Sig[] = [s];
  while (stack.length) {
    const t = stack.pop()!;
    if (t.kind !== "binop") return false;
    if (t.op === "and" || t.op === "or") stack.push(t.x, t.y);
    else if (!["gt", "lt", "ge", "le", "eq", "ne"].includes(t.op)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Monomials and sums (Faust's mterm/aterm)

/** Arithmetic on coefficients in a nature: ints wrap to 32 bits, floats are doubles. */
const coefOps = (n: Nature) =>
  n === "int"
    ? { add: (a: number, b: number) => (a + b) | 0, mul: (a: number, b: number) => Math.imul(a, b), neg: (a: number) => -a | 0 }
    : { add: (a: number, b: number) => a + b, mul: (a: number, b: number) => a * b, neg: (a: number) => -a };

/** coef × Π factor^power (powers are non-zero; negative powers only in float monomials). */
class Mono {
  constructor(
    readonly nature: Nature,
    public coef: number,
    readonly factors: Map<Sig, number>,
  ) {}

  /** The monomial of a term: flattens * and / through children of the same nature. */
  static of(t: Sig, n: Nature, nz: Normalizer): Mono {
    const m = new Mono(n, 1, new Map());
    const ops = coefOps(n);
    const stack: [Sig, number][] = [[t, 1]];
    while (stack.length) {
      const [u, p] = stack.pop()!;
      if (isConstSig(u)) {
        if (p > 0) m.coef = ops.mul(m.coef, u.value);
        else {
          // x / 0 is rejected by Faust even when x is not constant
          if (u.value === 0) throw new DiagnosticError([diag("FL520", { expr: `… / ${u.value}` })]);
          m.coef = m.coef / u.value;
        }
      } else if (u.kind === "binop" && u.op === "mul" && nz.nature(u) === n) {
        stack.push([u.y, p], [u.x, p]);
      } else if (u.kind === "binop" && u.op === "div" && n === "float") {
        stack.push([u.y, -p], [u.x, p]);
      } else {
        // an int factor of a float product is converted first: it must not multiply in int (it would wrap)
        const f = n === "float" && nz.nature(u) === "int" ? sig.floatcast(u) : u;
        const q = (m.factors.get(f) ?? 0) + p;
        if (q === 0) m.factors.delete(f);
        else m.factors.set(f, q);
      }
    }
    return m;
  }

  /** The signature: the factors and powers, without the coefficient. */
  key(): string {
    this.cachedKey ??= [...this.factors]
      .sort((a, b) => a[0].id - b[0].id)
      .map(([f, p]) => `${f.id}^${p}`)
      .join("*");
    return this.cachedKey;
  }
  private cachedKey: string | undefined;

  /** The same factors (shared, never mutated once the monomial is in a sum) with another coefficient. */
  withCoef(c: number): Mono {
    const m = new Mono(this.nature, c, this.factors);
    m.cachedKey = this.cachedKey;
    m.cachedOrder = this.cachedOrder;
    return m;
  }

  /**
   * Sort key of a term in a sum: the largest variability of its factors (the constant last),
   * then its factors in structural order (`compareSignals`: never ids, which depend on history).
   */
  order(nz: Normalizer): { readonly rank: number; readonly factors: readonly Sig[] } {
    this.cachedOrder ??= {
      rank: this.factors.size ? Math.max(...[...this.factors.keys()].map((f) => VAR_RANK[nz.variability(f)])) : 99,
      factors: [...this.factors.keys()].sort(compareSignals),
    };
    return this.cachedOrder;
  }
  private cachedOrder: { readonly rank: number; readonly factors: readonly Sig[] } | undefined;

  /**
   * The canonical tree: ((a * b) / (c * d)) * k, factors ordered by (variability, structural order),
   * the coefficient last (k / (c * d) without numerator factors). With the
   * coefficient last, every intermediate product is itself in normal form.
   */
  build(nz: Normalizer): Sig {
    const n = this.nature;
    const k = (v: number) => (n === "int" ? sig.int(v) : sig.float(v));
    if (this.coef === 0 || this.factors.size === 0) return k(this.coef);
    const order = (f: Sig) => VAR_RANK[nz.variability(f)];
    const sorted = [...this.factors].sort((a, b) => order(a[0]) - order(b[0]) || compareSignals(a[0], b[0]));
    const num: Sig[] = [];
    const den: Sig[] = [];
    for (const [f, p] of sorted) for (let i = 0; i < Math.abs(p); i++) (p > 0 ? num : den).push(f);
    const product = (fs: Sig[]) => fs.reduce((a, b) => sig.mul(a, b));
    if (num.length === 0) return sig.div(k(this.coef), product(den));
    let acc = product(num);
    if (den.length) acc = sig.div(acc, product(den));
    return this.coef === 1 ? acc : sig.mul(acc, k(this.coef));
  }
}

/** Faust's order of a factor (getSigOrder): 0 constant, 1 control rate, 3 sample rate. */
const ORDER: Record<Variability, number> = { constant: 0, block: 1, sample: 3 };

/** Faust's "common quantity" of two powers: the smaller one when they have the same sign, else 0. */
const common = (a: number, b: number) => (a > 0 && b > 0 ? Math.min(a, b) : a < 0 && b < 0 ? Math.max(a, b) : 0);

/** A sum of monomials keyed by signature (Faust's aterm); the constant is the monomial of key "". */
class SumBuilder {
  private readonly terms = new Map<string, Mono>();
  /** Sums built before that were flattened into this one: candidates for a shared prefix. */
  private readonly known: Sig[] = [];
  constructor(
    readonly nature: Nature,
    private readonly nz: Normalizer,
  ) {}

  /**
   * Adds sign × t, flattening + and - through children of the same nature. A sum shared by
   * several paths is walked once and counts with the coefficient of all its paths
   * (`s = x + x; s + s → 4*x`, never 2^depth visits).
   */
  add(t: Sig, sign: 1 | -1): void {
    const ops = coefOps(this.nature);
    const monos = new Map<Sig, Mono>();
    const expand = (u: Sig): readonly (readonly [Sig, number])[] | undefined => {
      if (u.kind === "binop" && (u.op === "add" || u.op === "sub") && this.nz.nature(u) === this.nature) {
        // a sum built before: a leaf, whose terms are known without walking it again
        if (this.nz.sums.has(u)) return undefined;
        return [
          [u.x, 1],
          [u.y, u.op === "add" ? 1 : -1],
        ];
      }
      const m = Mono.of(u, this.nature, this.nz);
      const [only, power] = m.factors.size === 1 ? [...m.factors][0]! : [undefined, 0];
      // ±1 × (a sum) is flattened too: -1*(x - y) → y - x
      if (only && power === 1 && (m.coef === 1 || m.coef === -1) && isSum(only) && this.nz.nature(only) === this.nature) return [[only, m.coef]];
      monos.set(u, m);
      return undefined;
    };
    for (const [u, w] of weightedLeaves(t, sign, expand, ops)) {
      const m = monos.get(u);
      if (m) {
        this.addMono(w === 1 ? m : m.withCoef(ops.mul(m.coef, w)));
        continue;
      }
      for (const k of this.nz.termsOf(u)!) this.addMono(w === 1 ? k : k.withCoef(ops.mul(k.coef, w)));
      if (w > 0) this.known.push(u);
    }
  }

  /**
   * Like terms can gather into ±1 × (a sum) ((x+1)*0.5 + (x+1)*0.5 → (x+1)): such a term is
   * flattened too, as `add` flattens it when it meets it whole (idempotence needs both).
   */
  private flattenUnitSums(): boolean {
    for (let changed = false; ; changed = true) {
      let found: [string, Mono, Sig] | undefined;
      for (const [k, m] of this.terms) {
        if (m.factors.size !== 1 || (m.coef !== 1 && m.coef !== -1)) continue;
        const [f, p] = [...m.factors][0]!;
        if (p === 1 && isSum(f) && this.nz.nature(f) === this.nature) {
          found = [k, m, f];
          break;
        }
      }
      if (!found) return changed;
      this.terms.delete(found[0]);
      this.add(found[2], found[1].coef as 1 | -1);
    }
  }

  /** Adds a monomial, merging it with the term of the same signature (x + x → 2*x, x - x → 0). */
  addMono(m: Mono): void {
    if (m.coef === 0) return;
    const k = m.key();
    const prev = this.terms.get(k);
    if (!prev) this.terms.set(k, m.withCoef(m.coef));
    else {
      prev.coef = coefOps(this.nature).add(prev.coef, m.coef);
      if (prev.coef === 0) this.terms.delete(k);
    }
  }

  /** The terms in canonical order: by (variability, structural order of the factors), the constant last. */
  private sorted(): Mono[] {
    const nz = this.nz;
    const cmp = (x: Mono, y: Mono) => {
      const a = x.order(nz);
      const b = y.order(nz);
      if (a.rank !== b.rank) return a.rank - b.rank;
      for (let i = 0; i < Math.min(a.factors.length, b.factors.length); i++) {
        const c = compareSignals(a.factors[i]!, b.factors[i]!);
        if (c !== 0) return c;
      }
      return a.factors.length - b.factors.length;
    };
    return [...this.terms.values()].sort(cmp);
  }

  /** Faust's complexity of a monomial: 1 for a coefficient other than ±1, plus (1 + order) per factor power. */
  private complexity(m: Mono): number {
    let c = m.coef === 1 || m.coef === -1 ? 0 : 1;
    for (const [f, p] of m.factors) c += (1 + ORDER[this.nz.variability(f)]) * Math.abs(p);
    return c;
  }

  /** The greatest common divisor of two monomials (Faust's gcd: the coefficient only when of the same magnitude). */
  private gcd(a: Mono, b: Mono): Mono {
    const g = new Mono(this.nature, Math.abs(a.coef) === Math.abs(b.coef) ? a.coef : 1, new Map());
    for (const [f, p] of a.factors) {
      const c = common(p, b.factors.get(f) ?? 0);
      if (c !== 0) g.factors.set(f, c);
    }
    return g;
  }

  /**
   * t = d × q with q a monomial of the same nature: each factor of d divides t's
   * (same sign, no larger power), and the coefficients divide exactly (Faust only
   * asks the same magnitude for a pure number; an inexact quotient would change
   * the value of an int sum).
   */
  private divide(t: Mono, d: Mono): Mono | undefined {
    if (d.factors.size === 0 && Math.abs(t.coef) !== Math.abs(d.coef)) return undefined;
    for (const [f, v] of d.factors) {
      const u = t.factors.get(f) ?? 0;
      if (!(Math.sign(u) === Math.sign(v) && Math.abs(u) >= Math.abs(v))) return undefined;
    }
    const qc = this.nature === "int" ? (t.coef % d.coef === 0 ? (t.coef / d.coef) | 0 : undefined) : t.coef / d.coef;
    if (qc === undefined || (this.nature === "float" && qc * d.coef !== t.coef)) return undefined;
    const q = new Mono(this.nature, qc, new Map(t.factors));
    for (const [f, v] of d.factors) {
      const r = q.factors.get(f)! - v;
      if (r === 0) q.factors.delete(f);
      else q.factors.set(f, r);
    }
    return q;
  }

  /**
   * Faust's factorization: while two terms have a common divisor D of positive
   * complexity (the most complex one, first pair in canonical order on ties),
   * the terms divisible by D become D × (their quotients, normalized as a sum):
   * a*x + a*y → a*(x + y), 2*x + 2 → 2*(x + 1).
   */
  private factorize(): void {
    for (;;) {
      const terms = this.sorted();
      // only pairs sharing a factor or a coefficient magnitude other than 1 have a divisor of
      // positive complexity: index them instead of trying every pair
      const groups = new Map<unknown, number[]>();
      const put = (k: unknown, i: number) => {
        let l = groups.get(k);
        if (!l) groups.set(k, (l = []));
        l.push(i);
      };
      terms.forEach((t, i) => {
        for (const f of t.factors.keys()) put(f, i);
        if (Math.abs(t.coef) !== 1) put(`coef ${Math.abs(t.coef)}`, i);
      });
      const n = terms.length;
      const pairs = new Set<number>();
      for (const l of groups.values()) for (let a = 0; a < l.length; a++) for (let b = a + 1; b < l.length; b++) pairs.add(l[a]! * n + l[b]!);
      let best: Mono | undefined;
      let bestC = 0;
      // the first pair of greatest complexity in canonical order, as if every pair were tried
      for (const p of [...pairs].sort((a, b) => a - b)) {
        const g = this.gcd(terms[Math.floor(p / n)]!, terms[p % n]!);
        const c = this.complexity(g);
        if (c > bestC) (best = g), (bestC = c);
      }
      if (!best) return;
      const q = new SumBuilder(this.nature, this.nz);
      const divided: string[] = [];
      for (const t of terms) {
        const r = this.divide(t, best);
        if (r) {
          // through its tree, so that a quotient that is a sum is flattened (the sum is then normal)
          q.add(r.build(this.nz), 1);
          divided.push(t.key());
        }
      }
      if (divided.length < 2) return; // the gcd's coefficient did not divide exactly: nothing to gather
      for (const k of divided) this.terms.delete(k);
      const qTree = q.build();
      const outer = new Mono(this.nature, best.coef, new Map(best.factors));
      // d × Q as a monomial: Q is a new factor (or a constant when the quotients cancel)
      for (const [f, p] of Mono.of(qTree, this.nature, this.nz).factors) outer.factors.set(f, (outer.factors.get(f) ?? 0) + p);
      outer.coef = coefOps(this.nature).mul(outer.coef, Mono.of(qTree, this.nature, this.nz).coef);
      for (const [f, p] of [...outer.factors]) if (p === 0) outer.factors.delete(f);
      this.addMono(outer);
    }
  }

  /** ((t1 + t2) - t3) + c: terms by (variability, structural order of the factors) but a positive one first, the constant last (subtracted when negative). */
  build(): Sig {
    this.flattenUnitSums();
    this.factorize();
    // factorization can gather terms into ±1 × (a sum) (0.5 + 0.5*(2*x + 1) → 1*(x + 1)): flattened
    // and factorized again, so that normalizing the result changes nothing (a few rounds at most)
    for (let round = 0; round < 8 && this.flattenUnitSums(); round++) this.factorize();
    const n = this.nature;
    const nz = this.nz;
    const canNegate = (c: number) => c < 0 && !(n === "int" && c === -2147483648);
    const terms = this.sorted();
    // a sum starts with a positive term when it has one (y - x rather than x*-1 + y); the constant stays last
    const firstPos = terms.findIndex((m) => m.factors.size > 0 && !canNegate(m.coef));
    if (firstPos > 0 && canNegate(terms[0]!.coef)) terms.unshift(...terms.splice(firstPos, 1));
    // a sum built before whose terms are a prefix of these is that prefix's node: start from it
    // (a long chain of additions then costs one step per level, not one per term)
    let acc: Sig | undefined;
    let from = 0;
    const same = (a: Mono, b: Mono) => a.coef === b.coef && a.key() === b.key();
    let prefix: Sig | undefined;
    for (const c of this.known)
      for (const node of [c, nz.sumPrefix.get(c)]) {
        const ts = node && nz.termsOf(node);
        if (!ts || ts.length <= from || ts.length > terms.length) continue;
        if (ts.every((m, i) => same(m, terms[i]!))) (acc = prefix = node), (from = ts.length);
      }
    let beforeLast: Sig | undefined;
    for (let i = from; i < terms.length; i++) {
      const m = terms[i]!;
      const t = canNegate(m.coef) && acc ? new Mono(n, coefOps(n).neg(m.coef), m.factors).build(nz) : m.build(nz);
      if (i === terms.length - 1) beforeLast = acc;
      if (!acc) acc = t;
      else acc = canNegate(m.coef) ? sig.sub(acc, t) : sig.add(acc, t);
    }
    if (!acc) return zeroOf(n);
    if (terms.length > 1 && !nz.sums.has(acc)) {
      const tail = terms.slice(from);
      nz.sums.set(acc, { parent: prefix, tail });
      // the same sum without its constant, a likely prefix of the next sums
      const last = terms[terms.length - 1]!;
      if (beforeLast && last.factors.size === 0 && terms.length > 2) {
        if (!nz.sums.has(beforeLast)) nz.sums.set(beforeLast, { parent: prefix, tail: tail.slice(0, -1) });
        nz.sumPrefix.set(acc, beforeLast);
      }
    }
    return acc;
  }
}

// ---------------------------------------------------------------------------
// The driver: bottom-up over the acyclic view, recursion groups rebuilt once

/** Normalizes the output signals (see the header). */
export function normalize(outputs: readonly Sig[]): Sig[] {
  const nz = new Normalizer();
  const f = (s: Sig) => nz.step(s);
  // a rebuilt float recursion whose body is no longer float by itself (y = 0.5*y' + 0.5*y' → y')
  // would be typed int by the recursion fixpoint: its body keeps a float() cast
  const fixBody = (old: RecSig, i: number, body: Sig): Sig =>
    nz.nature(sig.proj(old, i)) === "float" && nz.own.of(body).nature === "int" ? sig.floatcast(body) : body;
  const inner = innerSums(outputs, nz);
  return rewriteGraph(outputs, {
    // an inner sum only gets its children rewritten (its reader flattens it)
    step: (original, rebuilt) => (rebuilt.kind === "proj" || inner.has(original) ? rebuilt : f(rebuilt)),
    inline: (p, body) => nz.keep(p, body),
    renamed: (old, fresh) => {
      // the new group orders as the old one does (its projections are sorted into its bodies before they are attached)
      aliasGroup(fresh, old);
      nz.ty.origin.set(fresh, old);
    },
    body: fixBody,
  });
}

const isSum = (s: Sig) => s.kind === "binop" && (s.op === "add" || s.op === "sub");

/** Sums at least this deep in a chain of sums are inner sums (see innerSums). */
const LONG_CHAIN = 16;

/**
 * Sums read only by sums of the same nature (the inner nodes of a chain a + b + c + …), roots
 * excluded, with at least LONG_CHAIN levels of sums below them: they are not normalized
 * themselves, the outermost sum flattens them. Normalizing every prefix of a long chain would
 * rebuild the terms after each new term's place in the canonical (structural) order: quadratic
 * in the chain's length. Short chains are normalized level by level.
 */
function innerSums(roots: readonly Sig[], nz: Normalizer): Set<Sig> {
  const bad = new Set<Sig>(roots);
  const seen = new Set<Sig>();
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    const cs = children(n);
    const sum = isSum(n);
    for (const c of cs) {
      if (!sum || !isSum(c) || nz.nature(c) !== nz.nature(n)) bad.add(c);
      if (!seen.has(c)) stack.push(c);
    }
  }
  // depth: levels of same-nature sums below a sum (iterative post-order)
  const depth = new Map<Sig, number>();
  const sumKids = (n: Sig) => children(n).filter((c) => isSum(c) && nz.nature(c) === nz.nature(n));
  for (const start of seen) {
    if (!isSum(start) || depth.has(start)) continue;
    const st = [start];
    while (st.length) {
      const n = st[st.length - 1]!;
      if (depth.has(n)) {
        st.pop();
        continue;
      }
      const kids = sumKids(n);
      const todo = kids.filter((c) => !depth.has(c));
      if (todo.length) {
        st.push(...todo);
        continue;
      }
      depth.set(n, 1 + Math.max(0, ...kids.map((c) => depth.get(c)!)));
      st.pop();
    }
  }
  const out = new Set<Sig>();
  for (const n of seen) if (isSum(n) && !bad.has(n) && depth.get(n)! >= LONG_CHAIN) out.add(n);
  return out;
}

/** One step on a node whose children are normal (outside recursion). */
export function simplifyNode(s: Sig): Sig {
  return new Normalizer().step(s);
}
