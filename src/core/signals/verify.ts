// The verifier: checks that a signal graph is well formed.
//
//   verifySignals(roots) → SignalProblem[]   (empty when the graph is well formed)
//   assertWellFormed(roots)                   throws a DiagnosticError with all problems
//
// Checks, per node (the field checks are driven by the schema):
//   - every field has its schema type (children are interned signals, ints are
//     32-bit, indices natural, operators known, …) — FL570
//   - children have the right role: a table field holds a `table`, a soundfile
//     field a `soundfile`, a `rec` is reached only through `proj`, `output`
//     and `table` are not used as sample values, table sizes are constant ints
//     ≥ 1, waveform values and UI parameters are numeric constants — FL570
//   - recursion: projections index an existing signal of their group (FL570),
//     every group used has bodies (FL572), every cycle goes through a
//     one-sample delay (delay1, prefix, or delay by a constant ≥ 1) — FL571;
//   - a `fir` has at least one coefficient (an `iir` may have none: y = x) — FL570;
//   - block reversal: `tape` only inside the x of a `reverse`, no reverse there
//     (FL570), no reverse whose tapes depend on itself (FL553).
//   - a clock domain is read only through `clockout`, whose index names one of its outputs — FL570.
// Each problem names the offending node (its printed kind and id, and the node itself).

import { DiagnosticError, diag, type Diagnostic } from "../diagnostics.ts";
import { instantOrder, reachable, reachableUpTo } from "./graph.ts";
import { assertNever, fieldsOf, formatGroupName, isRecDefined, isSig, recArity, type Sig, type SigOf } from "./signal.ts";
import { noSpans, type SpanOf } from "../spans.ts";

export interface SignalProblem {
  readonly node: Sig;
  readonly diagnostic: Diagnostic;
}

/** `kind#id` (or `rec @name`) for messages. */
export function describe(s: Sig): string {
  return s.kind === "rec" ? `rec ${formatGroupName(s.name)}` : `${s.kind}#${s.id}`;
}

const NOT_A_VALUE = new Set(["rec", "table", "output", "soundfile", "clocked"]);

export function verifySignals(roots: readonly Sig[], spanOf: SpanOf<Sig> = noSpans): SignalProblem[] {
  const problems: SignalProblem[] = [];
  const report = (node: Sig, d: Diagnostic) => problems.push({ node, diagnostic: spanOf(node) && !d.span ? { ...d, span: spanOf(node) } : d });
  const bad = (node: Sig, detail: string) => report(node, diag("FL570", { node: describe(node), detail }));
  for (const r of roots) {
    if (!isSig(r)) {
      problems.push({ node: r, diagnostic: diag("FL570", { node: "root", detail: "is not an interned signal" }) });
      return problems;
    }
    if (NOT_A_VALUE.has(r.kind) && r.kind !== "output") bad(r, "cannot be an output of the graph");
  }
  const nodes = reachable(roots);
  for (const s of nodes) {
    const rec = s as unknown as Record<string, unknown>;
    for (const [name, type] of fieldsOf(s.kind)) {
      const v = rec[name];
      const role = (c: Sig) => {
        if (c.kind === "table") {
          if (!((s.kind === "rdtable" || s.kind === "rwtable") && name === "table")) bad(s, `field '${name}' uses a table as a signal`);
        } else if (c.kind === "soundfile") {
          if (!(s.kind.startsWith("sf") && name === "sf")) bad(s, `field '${name}' uses a soundfile as a signal`);
        } else if (c.kind === "rec") {
          if (s.kind !== "proj") bad(s, `field '${name}' uses recursion group ${formatGroupName(c.name)} directly (use proj)`);
        } else if (c.kind === "clocked") {
          if (s.kind !== "clockout") bad(s, `field '${name}' uses a clock domain directly (use clockout)`);
        } else if (c.kind === "output") bad(s, `field '${name}' uses an output as a signal`);
      };
      if (type === "sig" || type === "group") {
        if (!isSig(v)) bad(s, `field '${name}' is not an interned signal`);
        else role(v as Sig);
      } else if (type === "sigs") {
        if (!Array.isArray(v) || !v.every(isSig)) bad(s, `field '${name}' is not a list of interned signals`);
        else (v as Sig[]).forEach(role);
      }
    }
    switch (s.kind) {
      case "rdtable":
      case "rwtable":
        if (s.table.kind !== "table") bad(s, "field 'table' is not a table");
        break;
      case "table":
        if (s.size.kind !== "int" || s.size.value < 1) bad(s, "the table size is not a constant int ≥ 1");
        break;
      case "sflength":
      case "sfrate":
      case "sfbuffer":
        if (s.sf.kind !== "soundfile") bad(s, "field 'sf' is not a soundfile");
        break;
      case "waveform":
        if (s.values.length === 0) bad(s, "a waveform needs at least one value");
        if (!s.values.every((v) => v.kind === "int" || v.kind === "float")) bad(s, "waveform values must be numeric constants");
        break;
      case "hslider":
      case "vslider":
      case "nentry":
        for (const f of ["init", "min", "max", "step"] as const)
          if (s[f].kind !== "int" && s[f].kind !== "float") bad(s, `the '${f}' parameter is not a numeric constant`);
        break;
      case "fir":
        if (s.coefs.length === 0) bad(s, "a fir needs at least one coefficient");
        break;
      case "sos":
        if (s.biquad.length !== 5) bad(s, "a section's biquad is [b0, b1, b2, a1, a2]");
        if (s.zeros.length % 2 || s.zeros.length > 4 || s.poles.length % 2 || s.poles.length > 4) bad(s, "a section has at most two zeros and two poles, each [re, im]");
        if (s.index >= s.count) bad(s, `section ${s.index} of a cascade of ${s.count}`);
        else if (s.index > 0 && !(s.x.kind === "sos" && s.x.index === s.index - 1 && s.x.count === s.count))
          bad(s, `section ${s.index} of a cascade does not read section ${s.index - 1}`);
        break;
      case "proj":
        if (s.index >= recArity(s.group)) bad(s, `index ${s.index} is out of range for ${formatGroupName(s.group.name)} (${recArity(s.group)} signals)`);
        break;
      case "rec":
        if (!isRecDefined(s)) report(s, diag("FL572", { name: s.name }));
        else if (s.bodies.length !== recArity(s)) bad(s, `has ${s.bodies.length} bodies for ${recArity(s)} signals`);
        break;
      case "clocked":
        if (s.inputs > s.ins.length) bad(s, `${s.inputs} block inputs among ${s.ins.length} values`);
        break;
      case "clockout":
        if (s.domain.kind !== "clocked") bad(s, "field 'domain' is not a clock domain");
        else if (s.index >= s.domain.outs.length) bad(s, `index ${s.index} is out of range for a domain of ${s.domain.outs.length} outputs`);
        break;
      case "din":
      case "int":
      case "float":
      case "input":
      case "output":
      case "delay1":
      case "delay":
      case "prefix":
      case "binop":
      case "math1":
      case "math2":
      case "intcast":
      case "floatcast":
      case "select2":
      case "fconst":
      case "fvar":
      case "ffun":
      case "button":
      case "checkbox":
      case "hbargraph":
      case "vbargraph":
      case "soundfile":
      case "attach":
      case "enable":
      case "control":
      case "iir":
      case "reverse":
      case "tape":
        break; // the schema's field checks suffice; their placement is checked below
      default:
        assertNever(s);
    }
  }
  checkBlockReversal(roots, report, bad);
  const sched = instantOrder(roots);
  if ("cycle" in sched) {
    const at = sched.cycle.find((n) => n.kind === "proj") ?? sched.cycle[0]!;
    report(at, diag("FL571", { node: describe(at) }));
  }
  return problems;
}

/** The block-reversal problems alone (propagation checks them, located, before normalization). */
export function verifyBlockReversal(roots: readonly Sig[], spanOf: SpanOf<Sig> = noSpans): SignalProblem[] {
  const problems: SignalProblem[] = [];
  const report = (node: Sig, d: Diagnostic) => problems.push({ node, diagnostic: spanOf(node) && !d.span ? { ...d, span: spanOf(node) } : d });
  checkBlockReversal(roots, report, (node, detail) => report(node, diag("FL570", { node: describe(node), detail })));
  return problems;
}

/**
 * Block reversal: `tape` only inside the x of a `reverse`, no `reverse` there
 * (FL570), and no reverse node whose tapes record a signal that depends on
 * that reverse node itself (FL553: its gradient would feed back into its body
 * within the block it is computed over).
 */
function checkBlockReversal(roots: readonly Sig[], report: (n: Sig, d: Diagnostic) => void, bad: (n: Sig, detail: string) => void): void {
  // forward walks stop at reverse nodes; the reversed graph of each is walked once, to its tapes
  const reversesFrom = (starts: readonly Sig[], inReversed: boolean): Sig[] => {
    const found: Sig[] = [];
    for (const s of reachableUpTo(starts, (n) => n.kind === "reverse" || n.kind === "tape")) {
      if (s.kind === "reverse" && inReversed) bad(s, "a reverse inside the reversed graph of another reverse");
      else if (s.kind === "tape" && !inReversed) bad(s, "a tape outside the reversed graph of a reverse");
      else if (s.kind === "reverse" || s.kind === "tape") found.push(s);
    }
    return found;
  };
  const top = reversesFrom(roots, false);
  if (!top.length) return;
  // reverse → the reverse nodes its tapes' forward signals read (a DFS over that relation finds feedback)
  const deps = new Map<Sig, Sig[]>();
  const work = [...top];
  while (work.length) {
    const r = work.pop()!;
    if (deps.has(r) || r.kind !== "reverse") continue;
    const tapes = reversesFrom([r.x], true);
    const next = reversesFrom(tapes.map((t) => (t as SigOf<"tape">).x), false);
    deps.set(r, next);
    work.push(...next);
  }
  const state = new Map<Sig, 1 | 2>();
  for (const r0 of deps.keys()) {
    if (state.has(r0)) continue;
    const stack: [Sig, number][] = [[r0, 0]];
    state.set(r0, 1);
    while (stack.length) {
      const top2 = stack[stack.length - 1]!;
      const ds = deps.get(top2[0]) ?? [];
      if (top2[1] >= ds.length) {
        state.set(top2[0], 2);
        stack.pop();
        continue;
      }
      const d = ds[top2[1]++]!;
      const st = state.get(d);
      if (st === 1) {
        report(d, diag("FL553", { node: describe(d) }));
        return;
      }
      if (st === undefined) {
        state.set(d, 1);
        stack.push([d, 0]);
      }
    }
  }
}

/** Throws a DiagnosticError carrying every problem, if any. */
export function assertWellFormed(roots: readonly Sig[]): void {
  const p = verifySignals(roots);
  if (p.length) throw new DiagnosticError(p.map((x) => x.diagnostic));
}
