// What `biquad-factor` hands to `realize`, read from the IR: each second-order
// section it emits is a `sos` signal node (src/core/signals/signal.ts) whose
// value is the section in direct form I and whose fields are the section's
// exact zeros, poles and gain, its expanded biquad, and its place in its
// cascade. Printing and re-parsing the graph keeps them; a pass that rebuilds
// the section's operands rebuilds the node with its fields. Nothing is kept
// outside the graph.

import { cx } from "../analyses/zdomain/complex.ts";
import type { Section } from "../analyses/zdomain/sos.ts";
import { reachable, type SignalGraph } from "../src/core/signals/graph.ts";
import { sig, type Sig, type SigOf } from "../src/core/signals/signal.ts";

export type SosSig = SigOf<"sos">;

/** One cascade as biquad-factor emitted it (the sections of one region, in signal order). */
export interface Cascade {
  readonly sections: readonly Section[];
  /** The `sos` nodes, in signal order (nodes[k].x is nodes[k − 1]). */
  readonly nodes: readonly SosSig[];
  /** A name for remarks: the region's endpoints. */
  readonly label: string;
}

/** The `sos` node of section `index` of `count` (label: the cascade's name), whose value y reads x. */
export function sectionNode(x: Sig, y: Sig, s: Section, index: number, count: number, label: string): SosSig {
  const { b0, b1, b2, a1, a2 } = s.biquad;
  const flat = (rs: Section["zeros"]) => rs.flatMap((r) => [r.re, r.im]);
  return sig.sos(x, y, { biquad: [b0, b1, b2, a1, a2], zeros: flat(s.zeros), poles: flat(s.poles), gain: s.gain, index, count, label });
}

/** The section a `sos` node describes. */
export function sectionOf(n: SosSig): Section {
  const roots = (xs: readonly number[]) => Array.from({ length: xs.length / 2 }, (_, k) => cx(xs[2 * k]!, xs[2 * k + 1]!));
  const [b0, b1, b2, a1, a2] = n.biquad as [number, number, number, number, number];
  return { zeros: roots(n.zeros), poles: roots(n.poles), gain: n.gain, biquad: { b0, b1, b2, a1, a2 } };
}

/**
 * The cascades of the graph: from each last section (index = count − 1) back
 * through x to section 0. A chain that does not reach section 0 through
 * sections of the same count is not a cascade (the verifier rejects it).
 */
export function cascadesOf(graph: SignalGraph): Cascade[] {
  const out: Cascade[] = [];
  for (const s of reachable(graph.outputs)) {
    if (s.kind !== "sos" || s.index !== s.count - 1) continue;
    const nodes: SosSig[] = [s];
    let cur: SosSig = s;
    while (cur.index > 0 && cur.x.kind === "sos" && cur.x.index === cur.index - 1 && cur.x.count === cur.count) nodes.push((cur = cur.x));
    if (cur.index !== 0) continue;
    nodes.reverse();
    out.push({ nodes, sections: nodes.map(sectionOf), label: s.label });
  }
  return out;
}
