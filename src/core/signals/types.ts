// Signal types, as Faust's sigtype: three independent lattices, each ordered
// from the most to the least static, and a type is one point of each.
//
//   nature         int < float
//   variability    constant < block (changes between blocks: controls) < sample
//   computability  compile (known at compile time) < init (at init) < exec (while running)
//
//   typeOf(s) → SigType     memoized by node identity; recursion is solved by a
//                           fixpoint starting from (int, sample, init) for every
//                           projection (as Faust does), joining with the body types.
//   joinTypes(a, b), showType(t) ("float,sample,exec")
//
// Rules (see typeRule below): int + float is float; `/` is always float;
// comparisons, shifts and bitwise ops are int; delays are sample-rate;
// inputs are (float, sample, exec); controls (sliders, buttons…) are
// (float, block, exec); casts set the nature.

import { segments } from "./graph.ts";
import { assertNever, type RecSig, type Sig } from "./signal.ts";

export const NATURE = ["int", "float"] as const;
export const VARIABILITY = ["constant", "block", "sample"] as const;
export const COMPUTABILITY = ["compile", "init", "exec"] as const;
export type TNature = (typeof NATURE)[number];
export type Variability = (typeof VARIABILITY)[number];
export type Computability = (typeof COMPUTABILITY)[number];

export interface SigType {
  readonly nature: TNature;
  readonly variability: Variability;
  readonly computability: Computability;
}

const rank = <T extends string>(order: readonly T[], v: T) => order.indexOf(v);
const max = <T extends string>(order: readonly T[], a: T, b: T): T => (rank(order, a) >= rank(order, b) ? a : b);

export function joinTypes(a: SigType, b: SigType): SigType {
  return {
    nature: max(NATURE, a.nature, b.nature),
    variability: max(VARIABILITY, a.variability, b.variability),
    computability: max(COMPUTABILITY, a.computability, b.computability),
  };
}
export function sameType(a: SigType, b: SigType): boolean {
  return a.nature === b.nature && a.variability === b.variability && a.computability === b.computability;
}
export function showType(t: SigType): string {
  return `${t.nature},${t.variability},${t.computability}`;
}

const T = (nature: TNature, variability: Variability, computability: Computability): SigType => ({ nature, variability, computability });
const withNature = (t: SigType, nature: TNature): SigType => ({ ...t, nature });
const atLeast = (t: SigType, variability: Variability): SigType => ({ ...t, variability: max(VARIABILITY, t.variability, variability) });
const join = (...ts: SigType[]): SigType => ts.reduce(joinTypes);

/** The type of a recursive projection before the fixpoint (Faust's TREC). */
export const REC_START: SigType = T("int", "sample", "init");
const CONTROL: SigType = T("float", "block", "exec");

/** The typing rule of one node, given the types of its children (`ty`) and of recursive projections (`projTy`). */
function typeRule(s: Sig, ty: (c: Sig) => SigType, projTy: (g: RecSig, i: number) => SigType): SigType {
  switch (s.kind) {
    case "int":
      return T("int", "constant", "compile");
    case "float":
      return T("float", "constant", "compile");
    case "input":
      return T("float", "sample", "exec");
    case "output":
    case "delay1":
      return atLeast(ty(s.x), "sample");
    case "delay":
      return atLeast(ty(s.x), "sample");
    case "prefix":
      return atLeast(joinTypes(ty(s.init), ty(s.x)), "sample");
    case "fir":
    case "iir":
      // sums of products, as add/mul: int only when x and every coefficient are int
      return atLeast(join(ty(s.x), ...s.coefs.map(ty)), "sample");
    case "binop": {
      const t = joinTypes(ty(s.x), ty(s.y));
      const op = s.op;
      switch (op) {
        case "div":
          return withNature(t, "float");
        case "gt":
        case "lt":
        case "ge":
        case "le":
        case "eq":
        case "ne":
        case "shl":
        case "ashr":
        case "lshr":
        case "and":
        case "or":
        case "xor":
          return withNature(t, "int");
        case "add":
        case "sub":
        case "mul":
        case "rem":
          return t;
        default:
          return assertNever(op);
      }
    }
    case "math1": {
      const t = ty(s.x);
      if (s.op === "abs") return t;
      if (s.op === "isnan" || s.op === "isinf") return withNature(t, "int");
      return withNature(t, "float");
    }
    case "math2": {
      const t = joinTypes(ty(s.x), ty(s.y));
      return s.op === "min" || s.op === "max" ? t : withNature(t, "float");
    }
    case "intcast":
      return withNature(ty(s.x), "int");
    case "floatcast":
      return withNature(ty(s.x), "float");
    case "select2": {
      const t = join(ty(s.sel), ty(s.a), ty(s.b));
      return withNature(t, max(NATURE, ty(s.a).nature, ty(s.b).nature));
    }
    case "table":
      // the table itself: its content's nature, filled at init
      return T(ty(s.gen).nature, "constant", "init");
    case "rdtable": {
      const tb = ty(s.table);
      return withNature(joinTypes(tb, ty(s.index)), tb.nature);
    }
    case "rwtable": {
      const tb = ty(s.table);
      const t = join(tb, ty(s.windex), ty(s.wvalue), ty(s.rindex));
      return withNature(t, max(NATURE, tb.nature, ty(s.wvalue).nature));
    }
    case "waveform":
      return T(s.values.map((v) => ty(v).nature).reduce((a, b) => max(NATURE, a, b), "int" as TNature), "sample", "compile");
    case "fconst":
      return T(s.type, "constant", "init");
    case "fvar":
      return T(s.type, "block", "exec");
    case "ffun":
      // no earlier than init; without arguments it is like rand(): varies at each call
      return s.args.length === 0 ? T(s.ret, "sample", "init") : withNature(join(T("int", "constant", "init"), ...s.args.map(ty)), s.ret);
    case "button":
    case "checkbox":
    case "hslider":
    case "vslider":
    case "nentry":
      return CONTROL;
    case "hbargraph":
    case "vbargraph":
      return atLeast(ty(s.x), "block");
    case "soundfile":
      return T("int", "block", "init");
    case "sflength":
    case "sfrate":
      return T("int", max(VARIABILITY, "block", ty(s.part).variability), "init");
    case "sfbuffer":
      return T("float", "sample", "init");
    case "attach":
    case "enable":
    case "control":
      return ty(s.x);
    case "sos":
      return ty(s.y);
    case "reverse":
    case "tape":
      return atLeast(ty(s.x), "sample");
    case "clocked":
      // the domain itself (not a value): runs in the sample loop when its clock says
      return atLeast(T("int", "sample", "exec"), ty(s.clock).variability);
    case "din":
      // the enclosing domain's value as the body reads it
      return ty(s.x);
    case "clockout": {
      const d = s.domain;
      return d.kind === "clocked" && d.outs[s.index] ? atLeast(ty(d.outs[s.index]!), "sample") : T("float", "sample", "exec");
    }
    case "rec":
      return s.bodies.length ? join(...s.bodies.map((_, i) => projTy(s, i))) : REC_START;
    case "proj":
      return projTy(s.group, s.index);
    default:
      return assertNever(s);
  }
}

const cache = new WeakMap<Sig, SigType>();

/** The type of a signal (memoized; types of whole recursion groups are solved together). */
export function typeOf(s: Sig): SigType {
  const hit = cache.get(s);
  if (hit) return hit;
  const order = segments([s], (n) => cache.has(n)).flatMap((seg) => seg.nodes);
  const local = new Map<Sig, SigType>();
  const approx = new Map<string, SigType>(); // key `${group id}:${i}`
  const projTy = (g: RecSig, i: number): SigType => {
    const c = cache.get(g);
    if (c) return cache.get(g.bodies[i]!) ? joinTypes(REC_START, cache.get(g.bodies[i]!)!) : c;
    return approx.get(`${g.id}:${i}`) ?? REC_START;
  };
  const ty = (c: Sig): SigType => cache.get(c) ?? local.get(c) ?? REC_START;
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of order) {
      if (n.kind === "rec") {
        n.bodies.forEach((b, i) => {
          const key = `${n.id}:${i}`;
          const next = joinTypes(REC_START, ty(b));
          const prev = approx.get(key) ?? REC_START;
          if (!sameType(prev, next)) {
            approx.set(key, joinTypes(prev, next));
            changed = true;
          }
        });
      }
      local.set(n, typeRule(n, ty, projTy));
    }
  }
  for (const [n, t] of local) cache.set(n, t);
  return cache.get(s)!;
}
