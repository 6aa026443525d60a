// `linearity`: how every node of a signal graph depends on the program's
// inputs, and which nodes are linear operators on their signal operands.
//
// Two views, both computed here:
//
//   node class (in the program's inputs), one of
//     constant    independent of the inputs and of time (compile- or init-time value)
//     parameter   independent of the inputs, changes at block rate (controls)
//     source      independent of the inputs, changes at sample rate (noise, oscillators)
//     lti         a linear combination of inputs and their past values, constant coefficients
//                 (recursions through delays included: a fixpoint over the cycle)
//     ltv         linear in the inputs, coefficients varying at block rate (`rate: "block"`,
//                 e.g. slider-driven) or sample rate (`rate: "sample"`, e.g. x * os.osc(f))
//     nonlinear   anything else, with the reason and the node that introduced it
//
//   local linear form (the operator view that lti-regions.ts and transfer.ts
//   build on): a sample-rate, float-natured node that is a sum of
//   `coefficient × operand[n - lag]` terms, where the coefficients are
//   products/quotients of nodes that do not change at sample rate (constant:
//   an LTI operator; block rate: an LTV operator). Every other sample-rate
//   node (and every int-natured one: 32-bit wrapping arithmetic is not the
//   real-valued linear system) is a boundary: a region reads it as an input.
//
// Affine terms (x + 1) count as linear here: the input-independent addend is
// simply another input of the region that contains the sum.

import { diag, type Diagnostic } from "../src/core/diagnostics.ts";
import { segments, type SignalGraph } from "../src/core/signals/graph.ts";
import { assertNever, children, constantDelay, type Sig } from "../src/core/signals/signal.ts";
import { noSpans, type SpanOf } from "../src/core/spans.ts";
import { typeOf, type Variability } from "../src/core/signals/types.ts";
import type { Analysis, PrintContext } from "./analysis.ts";
import { printOrder } from "./basic.ts";

export type LinClass = "constant" | "parameter" | "source" | "lti" | "ltv" | "nonlinear";

export interface NodeLinearity {
  readonly cls: LinClass;
  /** For `ltv`: the fastest rate at which a coefficient changes. */
  readonly rate?: "block" | "sample";
  /** For `ltv` and `nonlinear`: why (e.g. "`sin` of a signal"). */
  readonly reason?: string;
  /** For `ltv` and `nonlinear`: the node that introduced the reason (the node itself or one it depends on). */
  readonly origin?: Sig;
}

/** A coefficient factor: the node's value, or its reciprocal (`inverse`). */
export interface Factor {
  readonly sig: Sig;
  readonly inverse: boolean;
}

/** One term `sign × Π factors × x[n - lag]` of a local linear form. */
export interface Term {
  readonly x: Sig;
  readonly lag: number;
  /**
   * A delay by a constant expression that is not a literal (`@(int(0.02*ma.SR))`):
   * the lag is this node's value, known once the sample rate is (`lag` is 0 here).
   */
  readonly lagSig?: Sig;
  readonly sign: 1 | -1;
  readonly factors: readonly Factor[];
}

/** A node as a linear operator on its operands; `rate` is the rate of its coefficients. */
export interface LocalForm {
  readonly terms: readonly Term[];
  readonly rate: "constant" | "block";
}

export interface LinearityResult {
  readonly nodes: ReadonlyMap<Sig, NodeLinearity>;
  /** The local linear form of each node that has one (sample-rate, float, linear in its operands). */
  readonly forms: ReadonlyMap<Sig, LocalForm>;
}

const RANK: Record<string, number> = { constant: 0, parameter: 1, source: 2, lti: 3, "ltv:block": 4, "ltv:sample": 5, nonlinear: 6 };
const rankOf = (n: NodeLinearity) => RANK[n.cls === "ltv" ? `ltv:${n.rate}` : n.cls]!;
const isDep = (n: NodeLinearity) => rankOf(n) >= 3;

const varOf = (s: Sig): Variability => typeOf(s).variability;
const isZeroConst = (s: Sig) => (s.kind === "int" || s.kind === "float") && s.value === 0;
const isLiteral = (s: Sig) => s.kind === "int" || s.kind === "float";

const term = (x: Sig, lag = 0, sign: 1 | -1 = 1, factors: Factor[] = []): Term => ({ x, lag, sign, factors });

/**
 * The local linear form of `s`, or the reason it has none (undefined reason:
 * not a sample-rate float node, nothing to say).
 */
export function localForm(s: Sig): LocalForm | { readonly not: string | undefined } {
  if (s.kind === "rec" || s.kind === "table" || s.kind === "soundfile") return { not: undefined };
  const t = typeOf(s);
  if (t.variability !== "sample") return { not: undefined };
  if (t.nature === "int") return { not: "int arithmetic on a signal (wraps at 32 bits)" };
  const lin = (terms: Term[], rate: "constant" | "block" = "constant"): LocalForm => ({ terms, rate });
  const coefRate = (c: Sig): "constant" | "block" => (varOf(c) === "constant" ? "constant" : "block");
  switch (s.kind) {
    case "binop":
      switch (s.op) {
        case "add":
          return lin([term(s.x), term(s.y)]);
        case "sub":
          return lin([term(s.x), term(s.y, 0, -1)]);
        case "mul": {
          const vx = varOf(s.x), vy = varOf(s.y);
          if (vx === "sample" && vy === "sample") return { not: "product of two signals" };
          const [x, c] = vx === "sample" ? [s.x, s.y] : [s.y, s.x];
          return lin([term(x, 0, 1, [{ sig: c, inverse: false }])], coefRate(c));
        }
        case "div":
          if (varOf(s.y) === "sample") return { not: "division by a signal" };
          return lin([term(s.x, 0, 1, [{ sig: s.y, inverse: true }])], coefRate(s.y));
        default:
          return { not: `\`${s.op}\` of a signal` };
      }
    case "delay1":
    case "delay": {
      const d = constantDelay(s);
      if (d) return lin([term(d.x, d.lag)]);
      // (delay1 is always a constant delay)
      if (s.kind === "delay" && varOf(s.amount) === "constant") return lin([{ ...term(s.x), lagSig: s.amount }]);
      return { not: "delay by a varying amount" };
    }
    case "prefix":
      if (isZeroConst(s.init)) return lin([term(s.x, 1)]);
      return { not: "prefix with a non-zero initial value (not time-invariant)" };
    case "proj":
      return lin([term(s.group.bodies[s.index]!)]);
    case "floatcast":
      if (typeOf(s.x).nature === "int") return { not: "conversion of an int signal" };
      return lin([term(s.x)]);
    case "attach":
    case "hbargraph":
    case "vbargraph":
    case "output":
      return lin([term(s.x)]);
    case "sos":
      return lin([term(s.y)]); // its value is its direct-form-I recursion y
    case "select2":
      if (isLiteral(s.sel)) return lin([term((s.sel.value | 0) === 0 ? s.a : s.b)]);
      return { not: varOf(s.sel) === "sample" ? "select2 on a signal-rate selector" : "select2 on a control" };
    case "enable":
    case "control":
      if (isLiteral(s.y) && s.y.value !== 0) return lin([term(s.x)]);
      return { not: `${s.kind} with a varying condition` };
    case "math1":
    case "math2":
      return { not: `\`${s.op}\` of a signal` };
    case "intcast":
      return { not: "int cast of a signal" };
    case "rdtable":
      return { not: "table read at a signal index" };
    case "rwtable":
      return { not: "read/write table" };
    case "ffun":
      return { not: `foreign function \`${s.name}\` of a signal` };
    case "sfbuffer":
    case "sflength":
    case "sfrate":
      return { not: "soundfile read" };
    case "fir":
    case "iir":
      return { not: `explicit ${s.kind} node` };
    case "reverse":
    case "tape":
      return { not: "block-reversed signal (a reverse-mode gradient)" };
    case "din":
      return { not: "a value read across a clock-domain boundary (sampled at each run of the body)" };
    case "clockout":
      return { not: "an output of a clock domain (held between runs)" };
    case "clocked":
      return { not: undefined };
    case "input":
      return { not: undefined };
    case "int":
    case "float":
    case "waveform":
    case "fconst":
    case "fvar":
    case "button":
    case "checkbox":
    case "hslider":
    case "vslider":
    case "nentry":
      return { not: "a signal source" };
    default:
      return assertNever(s);
  }
}

function independent(s: Sig): NodeLinearity {
  const v = varOf(s);
  return { cls: v === "constant" ? "constant" : v === "block" ? "parameter" : "source" };
}

/** The operands of `s` read as values (a projection reads its body; a group is not a value). */
function operands(s: Sig): readonly Sig[] {
  if (s.kind === "proj") return [s.group.bodies[s.index]!];
  if (s.kind === "rec") return [];
  if (s.kind === "sos") return [s.y]; // x describes the section; y reads it
  if (s.kind === "clocked") return [s.clock, ...s.ins]; // the body runs in its own time
  return children(s);
}

/** The node class of `s` given its operands' classes (`cl`). */
function classify(s: Sig, cl: (c: Sig) => NodeLinearity): NodeLinearity {
  const ops = operands(s);
  const deps = ops.filter((c) => isDep(cl(c)));
  if (deps.length === 0) return s.kind === "input" ? { cls: "lti" } : independent(s);
  // a linear operation on a nonlinear operand is nonlinear for the operand's reason (`inherited`);
  // a nonlinear operation is reported for its own reason, whatever its operands
  const worst = deps.reduce((a, b) => (rankOf(cl(b)) > rankOf(cl(a)) ? b : a));
  const inherited = cl(worst);
  const nonlinear = (reason: string): NodeLinearity => ({ cls: "nonlinear", reason, origin: s });
  const ltv = (rate: "block" | "sample", reason: string): NodeLinearity => {
    const own: NodeLinearity = { cls: "ltv", rate, reason, origin: s };
    return rankOf(inherited) >= rankOf(own) ? inherited : own;
  };
  const asCoef = (c: Sig, reason: string): NodeLinearity => {
    const k = cl(c).cls;
    return k === "constant" ? inherited : ltv(k === "parameter" ? "block" : "sample", reason);
  };
  if (typeOf(s).nature === "int") {
    if (s.kind === "intcast") return nonlinear("int cast of a signal");
    if (s.kind === "binop" && !["add", "sub", "mul", "rem"].includes(s.op)) return nonlinear(`\`${s.op}\` of a signal`);
    if (s.kind === "math1" || s.kind === "math2") return nonlinear(`\`${s.op}\` of a signal`);
    return nonlinear("int arithmetic on a signal (wraps at 32 bits)");
  }
  switch (s.kind) {
    case "binop":
      switch (s.op) {
        case "add":
        case "sub":
          return inherited;
        case "mul":
          if (deps.length === 2) return nonlinear("product of two signals");
          return asCoef(deps[0] === s.x ? s.y : s.x, "multiplied by a varying coefficient");
        case "div":
          if (isDep(cl(s.y))) return nonlinear("division by a signal");
          return asCoef(s.y, "divided by a varying coefficient");
        default:
          return nonlinear(`\`${s.op}\` of a signal`);
      }
    case "delay1":
    case "output":
    case "attach":
    case "hbargraph":
    case "vbargraph":
    case "proj":
    case "sos":
      return isDep(cl(s.kind === "proj" || s.kind === "sos" ? ops[0]! : s.x)) ? inherited : independent(s);
    case "floatcast":
      return inherited;
    case "delay":
      if (isDep(cl(s.amount))) return nonlinear("delay by a signal-dependent amount");
      if (!isDep(cl(s.x))) return independent(s);
      return s.amount.kind === "int" ? inherited : asCoef(s.amount, "delay by a varying amount");
    case "prefix":
      return isZeroConst(s.init) ? inherited : nonlinear("prefix with a non-zero initial value (not time-invariant)");
    case "select2":
      if (isDep(cl(s.sel))) return nonlinear("select2 on a signal-dependent selector");
      return isLiteral(s.sel) ? inherited : asCoef(s.sel, "select2 on a varying selector");
    case "enable":
    case "control":
      if (isDep(cl(s.y))) return nonlinear(`${s.kind} with a signal-dependent condition`);
      return isLiteral(s.y) ? inherited : asCoef(s.y, `${s.kind} with a varying condition`);
    case "math1":
    case "math2":
      return nonlinear(`\`${s.op}\` of a signal`);
    case "intcast":
      return nonlinear("int cast of a signal");
    case "rdtable":
      return nonlinear("table read at a signal index");
    case "rwtable":
      return nonlinear("read/write table fed with a signal");
    case "ffun":
      return nonlinear(`foreign function \`${s.name}\` of a signal`);
    case "sfbuffer":
    case "sflength":
    case "sfrate":
      return nonlinear("soundfile read at a signal index");
    case "table":
      return nonlinear("table filled from a signal");
    case "reverse":
    case "tape":
      return nonlinear("block-reversed signal (a reverse-mode gradient)");
    case "clocked":
      return nonlinear("a clock domain (its body runs in its own time)");
    case "din":
      return nonlinear("a value read across a clock-domain boundary (sampled at each run of the body)");
    case "clockout":
      return nonlinear("an output of a clock domain (held between runs)");
    case "fir":
    case "iir": {
      // a filter of x: linear in x, its coefficients act as gains
      if (s.coefs.some((c) => isDep(cl(c)))) return nonlinear(`${s.kind} with a signal-dependent coefficient`);
      const varying = s.coefs.find((c) => cl(c).cls === "source") ?? s.coefs.find((c) => cl(c).cls !== "constant");
      return varying ? asCoef(varying, `${s.kind} with a varying coefficient`) : inherited;
    }
    case "rec":
    case "input":
    case "int":
    case "float":
    case "waveform":
    case "fconst":
    case "fvar":
    case "button":
    case "checkbox":
    case "hslider":
    case "vslider":
    case "nentry":
    case "soundfile":
      return independent(s);
    default:
      return assertNever(s);
  }
}

const sameLin = (a: NodeLinearity | undefined, b: NodeLinearity) =>
  a !== undefined && a.cls === b.cls && a.rate === b.rate && a.reason === b.reason && a.origin === b.origin;

/** Computes both views for every node reachable from the outputs. */
export function computeLinearity(g: SignalGraph): LinearityResult {
  const order = segments(g.outputs).flatMap((sg) => sg.nodes);
  const nodes = new Map<Sig, NodeLinearity>();
  // start: every projection independent of the inputs; grow to the fixpoint (monotone: ranks only rise)
  const cl = (c: Sig): NodeLinearity => nodes.get(c) ?? { cls: "constant" };
  for (let iter = 0; ; iter++) {
    let changed = false;
    for (const s of order) {
      let n = classify(s, cl);
      const old = nodes.get(s);
      if (old && rankOf(old) > rankOf(n)) n = old; // keep monotone
      if (!sameLin(old, n)) {
        nodes.set(s, n);
        changed = true;
      }
    }
    if (!changed || iter > 4 * order.length + 8) break;
  }
  const forms = new Map<Sig, LocalForm>();
  for (const s of order) {
    const f = localForm(s);
    if ("terms" in f) forms.set(s, f);
  }
  return { nodes, forms };
}

function describeClass(n: NodeLinearity, s: Sig, ctx: PrintContext): string {
  switch (n.cls) {
    case "constant":
    case "parameter":
    case "source":
    case "lti":
      return n.cls;
    case "ltv":
    case "nonlinear": {
      const head = n.cls === "ltv" ? `ltv ${n.rate}` : "nonlinear";
      if (!n.origin || n.origin === s) return `${head}: ${n.reason}`;
      return `${head}: through ${ctx.name(n.origin)} (${n.reason})`;
    }
    default:
      return assertNever(n.cls);
  }
}

/**
 * Remarks (FL810 not LTI, FL813 LTV) for the nodes that make the program non-LTI: one per node
 * that introduces a reason (nodes that inherit it are not repeated).
 */
export function linearityRemarks(r: LinearityResult, pass: string, name: (s: Sig) => string, spanOf: SpanOf<Sig> = noSpans): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [s, n] of r.nodes)
    if ((n.cls === "nonlinear" || n.cls === "ltv") && n.origin === s)
      out.push(
        n.cls === "ltv"
          ? diag("FL813", { pass, rate: n.rate ?? "block", reason: n.reason ?? "", node: name(s) }, spanOf(s))
          : diag("FL810", { pass, reason: n.reason ?? "", node: name(s) }, spanOf(s)),
      );
  return out;
}

export const linearityAnalysis: Analysis<LinearityResult> = {
  name: "linearity",
  summary: "each node as constant, parameter, source, LTI or LTV in the program's inputs, or nonlinear (with the reason and the node that introduced it)",
  compute: (g) => computeLinearity(g),
  print(r, ctx) {
    const rows: [number, string][] = [];
    for (const s of printOrder(ctx.graph)) {
      const n = r.nodes.get(s);
      if (!n || s.kind === "rec") continue;
      const name = ctx.name(s);
      const f = r.forms.get(s);
      const op = f ? (f.rate === "constant" ? ", lti operator" : ", ltv operator") : "";
      rows.push([name.startsWith("%") ? Number(name.slice(1)) : Infinity, `${name}: ${describeClass(n, s, ctx)}${op}`]);
    }
    rows.sort((a, b) => a[0] - b[0]);
    return rows.map((x) => x[1] + "\n").join("");
  },
};
