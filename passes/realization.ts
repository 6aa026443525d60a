// The realization of recorded second-order sections (the `sos` nodes biquad-
// factor emits, passes/sections.ts) in chosen structures, as signal nodes:
// the pure functions behind the `realize` pass (passes/realize.ts says what
// they promise), also used by biquad-factor's measured check (it realizes a
// candidate cascade to measure what -O would emit).

import { diag, type Diagnostic } from "../src/core/diagnostics.ts";
import { reachable, type SignalGraph } from "../src/core/signals/graph.ts";
import { freshRecName, sig, type Sig } from "../src/core/signals/signal.ts";
import type { Span } from "../src/core/diagnostics.ts";
import { noSpans, type SpanOf } from "../src/core/spans.ts";
import { type CascadeChoice, analysisLength, chooseStructures, estimateUniform } from "../analyses/zdomain/errors.ts";
import { type Realization, type StructureKind, STRUCTURES, checkStability, designFromSection, isRefusal } from "../analyses/zdomain/structures.ts";
import { substitute } from "../src/core/signals/rewrite.ts";
import { type Cascade, cascadesOf, type SosSig } from "./sections.ts";
import { InternalError } from "../src/core/assert.ts";

export type StructureOption = "auto" | StructureKind;

const PASS = "realize";

// ------------------------------------------------------------ emission helpers
// A term is a node or null (an exact zero that was left out).
type T = Sig | null;
const mulc = (c: number, v: Sig): T => (c === 0 ? null : sig.mul(sig.float(c), v));
const add = (a: T, b: T): T => (a === null ? b : b === null ? a : sig.add(a, b));
const sub = (a: T, b: T): T => (b === null ? a : a === null ? sig.sub(sig.float(0), b) : sig.sub(a, b));
const val = (t: T): Sig => t ?? sig.float(0);

/**
 * The realization r applied to x as signal nodes, in `step`'s operation order;
 * returns the output node. States: a recursion group of stateSize(r) signals
 * (the next state values), read through delay1.
 */
export function emitRealization(r: Realization, x: Sig, hint = "rz"): Sig {
  const c = r.coeffs;
  let y: Sig | undefined;
  const group = (n: number, bodies: (S: Sig[]) => Sig[]) => {
    sig.recursion(freshRecName(hint), n, (ps) => bodies(ps.map((p) => sig.delay1(p))));
  };
  switch (r.kind) {
    case "df1": {
      // y = b0 x + b1 x' + b2 x'' - a1 y' - a2 y''
      const x1 = sig.delay1(x);
      const x2 = sig.delay1(x1);
      const [p] = sig.recursion(freshRecName(hint), 1, ([q]) => {
        const y1 = sig.delay1(q!);
        const y2 = sig.delay1(y1);
        return [val(sub(sub(add(add(mulc(c[0]!, x), mulc(c[1]!, x1)), mulc(c[2]!, x2)), mulc(c[3]!, y1)), mulc(c[4]!, y2)))];
      });
      return p!;
    }
    case "df2t":
    case "delta": {
      // df2t:  y = b0 x + s1; s1 = (b1 x - a1 y) + s2; s2 = b2 x - a2 y
      // delta: y = β0 x + s1; s1 += (β1 x - α1 y) + s2; s2 += β2 x - α2 y
      group(2, ([S0, S1]) => {
        const yy = val(add(mulc(c[0]!, x), S0!));
        y = yy;
        const u1 = val(add(sub(mulc(c[1]!, x), mulc(c[3]!, yy)), S1!));
        const u2 = val(sub(mulc(c[2]!, x), mulc(c[4]!, yy)));
        return r.kind === "df2t" ? [u1, u2] : [sig.add(S0!, u1), sig.add(S1!, u2)];
      });
      return y!;
    }
    case "coupled": {
      // y = (d x + c1 s1) + c2 s2; s1 = (σ s1 - ω s2) + x; s2 = ω s1 + σ s2
      const [sigma, omega, d, c1, c2] = c as [number, number, number, number, number];
      group(2, ([S0, S1]) => {
        y = val(add(add(mulc(d, x), mulc(c1, S0!)), mulc(c2, S1!)));
        return [val(add(sub(mulc(sigma, S0!), mulc(omega, S1!)), x)), val(add(mulc(omega, S0!), mulc(sigma, S1!)))];
      });
      return y!;
    }
    case "tpt":
    case "svf": {
      if (r.order === 1) {
        // one-pole TPT: v = (x - s) G; lp = v + s; s = lp + v; y = mx x + mlp lp
        const [G, mx, mlp] = c as [number, number, number];
        group(1, ([S]) => {
          const v = val(mulc(G, sig.sub(x, S!))) ;
          const lp = sig.add(v, S!);
          y = val(add(mulc(mx, x), mulc(mlp, lp)));
          return [sig.add(lp, v)];
        });
        return y!;
      }
      if (r.kind === "tpt") {
        // hp = ((x - (k+g) s1) - s2) d; bp = g hp + s1; s1 = bp + g hp; lp = g bp + s2; s2 = lp + g bp
        const [g, kg, d, mhp, mbp, mlp] = c as [number, number, number, number, number, number];
        group(2, ([S0, S1]) => {
          const hp = sig.mul(val(sub(val(sub(x, mulc(kg, S0!))), S1!)), sig.float(d));
          const v1 = val(mulc(g, hp));
          const bp = sig.add(v1, S0!);
          const v2 = val(mulc(g, bp));
          const lp = sig.add(v2, S1!);
          y = val(add(add(mulc(mhp, hp), mulc(mbp, bp)), mulc(mlp, lp)));
          return [sig.add(bp, v1), sig.add(lp, v2)];
        });
        return y!;
      }
      // Simper: v3 = x - ic2; v1 = c1 ic1 + c2 v3; v2 = (ic2 + c2 ic1) + c3 v3; ic1 = 2 v1 - ic1; ic2 = 2 v2 - ic2
      const [c1, c2, c3, m0, m1, m2] = c as [number, number, number, number, number, number];
      group(2, ([I1, I2]) => {
        const v3 = sig.sub(x, I2!);
        const v1 = val(add(mulc(c1, I1!), mulc(c2, v3)));
        const v2 = val(add(add(I2!, mulc(c2, I1!)), mulc(c3, v3)));
        y = val(add(add(mulc(m0, x), mulc(m1, v1)), mulc(m2, v2)));
        return [sig.sub(sig.mul(sig.float(2), v1), I1!), sig.sub(sig.mul(sig.float(2), v2), I2!)];
      });
      return y!;
    }
    default: {
      const never: never = r.kind;
      throw new InternalError(`unknown structure ${String(never)}`);
    }
  }
}

// ------------------------------------------------------------ the pass

export interface RealizeResult {
  readonly roots: Sig[];
  readonly stats: Record<string, number>;
  readonly remarks: Diagnostic[];
}

interface CascadePlan {
  readonly realizations: (Realization | undefined)[];
}

function fmtDb(x: number | null): string {
  return x === null ? "refused" : `${x.toFixed(1)} dB`;
}

/** Impulse-response length of the noise estimate: until the slowest pole decays, at most 2^14 samples (bounded time). */
function estimateLength(cas: Cascade): number {
  return Math.min(1 << 14, analysisLength(cas.sections));
}

/** Plan one cascade: a realization per section (undefined: keep as emitted), and remarks. */
function planCascade(cas: Cascade, structure: StructureOption, remarks: Diagnostic[], span: Span | undefined): CascadePlan {
  const n = cas.sections.length;
  let auto: CascadeChoice | undefined;
  let autoFailure: string | undefined;
  try {
    auto = chooseStructures(cas.sections, STRUCTURES, estimateLength(cas));
  } catch (e) {
    autoFailure = (e as Error).message;
  }
  const realizations: (Realization | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    const s = cas.sections[i]!;
    let r: Realization | undefined;
    if (structure !== "auto") {
      const d = designFromSection(structure, s);
      const reason = isRefusal(d) ? d.reason : checkStability(d).reason;
      if (!isRefusal(d) && reason === undefined) r = d;
      else {
        const alt = auto?.sections[i]?.realization;
        remarks.push(diag("FL823", { pass: PASS, cascade: cas.label, index: i + 1, reason: `${structure} refused (${reason})${alt ? `; ${alt.kind} instead` : ""}` }, span));
        r = alt;
      }
    } else r = auto?.sections[i]?.realization;
    if (r === undefined && autoFailure) remarks.push(diag("FL823", { pass: PASS, cascade: cas.label, index: i + 1, reason: `no stable structure: left as emitted (${autoFailure})` }, span));
    realizations.push(r);
  }
  const kinds = realizations.map((r) => r?.kind ?? "as emitted");
  const est = structure === "auto" && auto ? `estimated float32 SNR ${auto.snrDb.toFixed(1)} dB` : `uniform ${structure}: ${fmtDb(estimateUniform(cas.sections, structure as StructureKind, estimateLength(cas)))}`;
  const df1 = fmtDb(estimateUniform(cas.sections, "df1", estimateLength(cas)));
  remarks.push(diag("FL822", { pass: PASS, cascade: cas.label, sections: `${n} section${n === 1 ? "" : "s"}`, structures: kinds.join(", "), estimate: est, df1 }, span));
  return { realizations };
}

/** The pure function: re-emit every `sos` section of the graph (a kept one as its direct form I). */
export function realizeSections(graph: SignalGraph, structure: StructureOption, spanOf: SpanOf<Sig> = noSpans): RealizeResult {
  const stats: Record<string, number> = { "cascades": 0, "sections-realized": 0, "sections-kept": 0 };
  const remarks: Diagnostic[] = [];
  const cascadeOf = new Map<SosSig, Cascade>();
  for (const c of cascadesOf(graph)) for (const n of c.nodes) cascadeOf.set(n, c);
  if (cascadeOf.size === 0) return { roots: [...graph.outputs], stats, remarks };
  const plans = new Map<Cascade, CascadePlan>();
  const repl = new Map<Sig, Sig>();
  for (const s of reachable(graph.outputs)) {
    const cas = s.kind === "sos" ? cascadeOf.get(s) : undefined;
    if (cas === undefined) continue;
    let plan = plans.get(cas);
    if (!plan) {
      plan = planCascade(cas, structure, remarks, spanOf(s));
      plans.set(cas, plan);
      stats["cascades"]!++;
    }
    const r = plan.realizations[cas.nodes.indexOf(s as SosSig)];
    if (r === undefined) {
      repl.set(s, (s as SosSig).y);
      stats["sections-kept"]!++;
      continue;
    }
    // the realization reads the previous section's sos node (replaced in turn); the next
    // section's direct form reads this one's value (replaced too, when the next one is kept)
    const rz = emitRealization(r, (s as SosSig).x, r.kind);
    repl.set(s, rz);
    repl.set((s as SosSig).y, rz);
    stats["sections-realized"]!++;
    stats[`sections-${r.kind}`] = (stats[`sections-${r.kind}`] ?? 0) + 1;
  }
  const roots = substitute(graph.outputs, (s) => repl.get(s)).roots;
  return { roots, stats, remarks };
}

