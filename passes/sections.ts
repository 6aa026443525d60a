// The side table between `biquad-factor` and `realize`: the second-order
// sections biquad-factor emitted, keyed by the signal node that is each
// section's output (like source spans: a WeakMap, never part of the node's
// hash key). `realize` re-realizes from the exact zeros/poles/gain recorded
// here instead of re-deriving them from rounded coefficients.
//
// A node that a later pass rebuilds (cse, normalize) loses its entry; realize
// then leaves that section in the form biquad-factor emitted (direct form I).

import type { Section } from "../analyses/zdomain/sos.ts";
import type { Sig } from "../src/core/signals/signal.ts";
import { substitute } from "./substitute.ts";

/** One cascade as biquad-factor emitted it (the sections of one region, in signal order). */
export interface Cascade {
  readonly sections: readonly Section[];
  /** A name for remarks: the region's endpoints. */
  readonly label: string;
}

export interface SectionRecord {
  readonly cascade: Cascade;
  /** Index of this section in `cascade.sections`. */
  readonly index: number;
  /** The section's input node (the previous section's output, or the delayed region input). */
  readonly input: Sig;
}

const table = new WeakMap<Sig, SectionRecord>();

export function recordSection(output: Sig, rec: SectionRecord): void {
  table.set(output, rec);
}

export function sectionOf(output: Sig): SectionRecord | undefined {
  return table.get(output);
}

/**
 * `substitute` until no replaced node is left: the recursion groups a
 * replacement creates are new, so substitute does not rebuild their bodies,
 * which still read the original nodes; the next round replaces those (each
 * round reaches one level deeper in chains of replacements).
 */
export function substituteAll(roots: readonly Sig[], replace: (s: Sig) => Sig | undefined, maxRounds = 64): Sig[] {
  let cur = [...roots];
  for (let i = 0; i < maxRounds; i++) {
    const r = substitute(cur, replace);
    if (r.used.size === 0) return r.roots;
    cur = r.roots;
  }
  throw new Error("substituteAll: replacements do not converge");
}
