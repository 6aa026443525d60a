// `dce`: removes the signals hash-consing keeps alive although no output
// needs them.
//
// Rules (each identity also stated at its code):
//   - dead group signals: a recursion group of n signals of which only k are
//     read (from the outputs, through projections, transitively through the
//     bodies of the signals read) is rebuilt with those k signals only;
//   - attach(x, y) → x when y has no observable effect: no bargraph in y
//     (transitively, through projections to their bodies);
//   - enable(x, c), control(x, c) → x when c is a constant the generated code
//     finds nonzero (`c != 0`, NaN included, and still nonzero in single
//     precision): x is never held nor suspended.
// A group signal whose body shows a bargraph is kept even when nothing reads
// it: the bargraph's display is an effect.
//
// Semantics: exact (what is removed is never read by an output, and a held
// value that always follows x is x).
//
// Widgets (sliders, buttons …) found only in what is removed disappear from
// the signals; the driver keeps the program's user interface, and FIR
// generation gives a widget it does not find its initial value.

import { diag, type Diagnostic } from "../src/core/diagnostics.ts";
import { reachable } from "../src/core/signals/graph.ts";
import { noSpans, type SpanOf } from "../src/core/spans.ts";
import { children, formatGroupName, recArity, sig, type RecSig, type Sig } from "../src/core/signals/signal.ts";
import { boolOption, definePass, rewritten } from "./pass.ts";
import { buildQuotient, type QuotientGroup } from "./quotient.ts";

export interface DceOptions {
  /** Drop the unread signals of recursion groups (default true). */
  readonly signals?: boolean;
  /** Where the nodes come from (the compilation's spans), for remarks. */
  readonly spans?: SpanOf<Sig>;
  /** attach(x, y) → x when y shows no bargraph (default true). */
  readonly attach?: boolean;
  /** enable/control with a constant nonzero condition → x (default true). */
  readonly enable?: boolean;
}

export interface DceResult {
  readonly roots: Sig[];
  readonly stats: Record<string, number>;
  readonly remarks: Diagnostic[];
}

const isBargraph = (s: Sig) => s.kind === "hbargraph" || s.kind === "vbargraph";

/** The constant `c` is nonzero for the generated `c != 0`, in double and in single precision (NaN is nonzero). */
function alwaysTrue(c: Sig): boolean {
  if (c.kind === "int") return c.value !== 0;
  if (c.kind === "float") return c.value !== 0 && Math.fround(c.value) !== 0;
  return false;
}

/** The nodes (of the view where a projection's child is its body) from which a bargraph is reachable. */
function effectful(roots: readonly Sig[]): Set<Sig> {
  const all = reachable(roots).filter((s) => s.kind !== "rec");
  const parents = new Map<Sig, Sig[]>();
  const add = (c: Sig, p: Sig) => {
    let l = parents.get(c);
    if (!l) parents.set(c, (l = []));
    l.push(p);
  };
  for (const s of all) {
    if (s.kind === "proj") add(s.group.bodies[s.index]!, s);
    else for (const c of children(s)) add(c, s);
  }
  const out = new Set<Sig>();
  const stack: Sig[] = all.filter(isBargraph);
  for (const s of stack) out.add(s);
  while (stack.length) {
    const s = stack.pop()!;
    for (const p of parents.get(s) ?? []) if (!out.has(p)) (out.add(p), stack.push(p));
  }
  return out;
}

/** The pure algorithm. */
export function dceGraph(roots: readonly Sig[], opts: DceOptions = {}): DceResult {
  const spanOf = opts.spans ?? noSpans;
  const dropSignals = opts.signals ?? true;
  const dropAttach = opts.attach ?? true;
  const dropEnable = opts.enable ?? true;
  const effects = effectful(roots);
  const remarks: Diagnostic[] = [];
  const attachRemoved = new Set<Sig>();
  const enableRemoved = new Set<Sig>();

  /** What a node stands for after the local rules (followed until none applies). */
  const forwarded = new Map<Sig, Sig>();
  const forward = (s0: Sig): Sig => {
    let s = s0;
    for (;;) {
      const hit = forwarded.get(s);
      if (hit) {
        s = hit;
        break;
      }
      // attach(x, y) = x when y has no effect (its value is never read)
      if (dropAttach && s.kind === "attach" && !effects.has(s.y)) {
        attachRemoved.add(s);
        s = s.x;
        continue;
      }
      // enable(x, c) = control(x, c) = x when c != 0 at every sample
      if (dropEnable && (s.kind === "enable" || s.kind === "control") && alwaysTrue(s.y)) {
        if (!enableRemoved.has(s))
          remarks.push(diag("FL802", { pass: "dce", kind: s.kind }, spanOf(s)));
        enableRemoved.add(s);
        s = s.x;
        continue;
      }
      break;
    }
    forwarded.set(s0, s);
    return s;
  };

  // --- the live nodes (after forwarding), from the roots; a projection reads its body only,
  // and a group's signals with a bargraph in their body are live with it
  const cls = new Map<Sig, number>();
  const rep: Sig[] = [];
  const kidNodes: Sig[][] = [];
  const groupsSeen: RecSig[] = [];
  const seenGroups = new Set<RecSig>();
  const stack: Sig[] = [];
  const visit = (s: Sig): number => {
    let c = cls.get(s);
    if (c === undefined) {
      cls.set(s, (c = rep.length));
      rep.push(s);
      kidNodes.push([]);
      stack.push(s);
    }
    return c;
  };
  const rootClasses = roots.map((r) => visit(forward(r)));
  while (stack.length) {
    const s = stack.pop()!;
    const c = cls.get(s)!;
    if (s.kind === "proj") {
      kidNodes[c] = [forward(s.group.bodies[s.index]!)];
      const g = s.group;
      if (!seenGroups.has(g)) {
        seenGroups.add(g);
        groupsSeen.push(g);
        for (let i = 0; i < recArity(g); i++) if (!dropSignals || effects.has(g.bodies[i]!)) visit(sig.proj(g, i));
      }
    } else kidNodes[c] = children(s).map(forward);
    for (const k of kidNodes[c]!) visit(k);
  }
  const kids = kidNodes.map((ks) => ks.map((k) => cls.get(k)!));

  let signalsRemoved = 0;
  const groups: QuotientGroup[] = groupsSeen.map((g) => {
    const signals: number[] = [];
    const dead: number[] = [];
    for (let i = 0; i < recArity(g); i++) {
      const c = cls.get(sig.proj(g, i));
      if (c === undefined) dead.push(i);
      else signals.push(c);
    }
    if (dead.length) {
      signalsRemoved += dead.length;
      remarks.push(
        diag(
          "FL803",
          { pass: "dce", group: formatGroupName(g.name), signals: `${dead.length === 1 ? "signal" : "signals"} ${dead.join(", ")}`, arity: recArity(g) },
          spanOf(g) ?? (signals.length ? spanOf(rep[signals[0]!]!) : undefined),
        ),
      );
    }
    return { signals, hint: g.name, ...(dead.length ? {} : { keep: g }) };
  });
  if (attachRemoved.size)
    remarks.push(diag("FL804", { pass: "dce", count: `${attachRemoved.size} attach${attachRemoved.size === 1 ? "" : "es"}` }));

  const built = buildQuotient({ rep, kids, groups, roots: rootClasses });
  const before = reachable(roots).length;
  const after = reachable(built.roots).length;
  return {
    roots: built.roots,
    stats: { "signals-removed": signalsRemoved, "attach-removed": attachRemoved.size, "enable-removed": enableRemoved.size, "nodes-removed": Math.max(0, before - after) },
    remarks,
  };
}

export const dcePass = definePass({
  name: "dce",
  summary: "dead signals: unread recursion signals, attach of signals without effect, enable/control that always pass",
  options: {
    signals: boolOption(true, "drop the signals of recursion groups that nothing reads"),
    attach: boolOption(true, "attach(x, y) → x when y shows no bargraph"),
    enable: boolOption(true, "enable/control(x, c) → x for a constant nonzero c"),
  },
  semantics: { exact: true },
  run(graph, am, opts) {
    const r = dceGraph(graph.outputs, { ...opts, spans: am.context.spans?.lookup });
    return rewritten(graph, r.roots, [], r.stats, r.remarks);
  },
});
