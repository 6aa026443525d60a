// fast-check generators of random stable rational filters (for tests here
// and in the passes that use this library).

import fc from "fast-check";
import { type Complex, cx, cpolar } from "../../../analyses/zdomain/complex.ts";
import type { Zpk } from "../../../analyses/zdomain/poly.ts";

export interface RootSetOptions {
  readonly minOrder?: number;
  readonly maxOrder?: number;
  /** Largest root modulus (default 0.98 for poles). */
  readonly maxRadius?: number;
  /** Smallest distance between distinct roots (default 0.02). */
  readonly minSeparation?: number;
}

function separated(rs: readonly Complex[], d: number): boolean {
  for (let i = 0; i < rs.length; i++)
    for (let j = i + 1; j < rs.length; j++) if (Math.hypot(rs[i]!.re - rs[j]!.re, rs[i]!.im - rs[j]!.im) < d) return false;
  return true;
}

/** A conjugate-closed set of `order` roots with modulus in (0.05, maxRadius]. */
export function arbRootSet(opts: RootSetOptions = {}): fc.Arbitrary<Complex[]> {
  const maxR = opts.maxRadius ?? 0.98;
  const sep = opts.minSeparation ?? 0.02;
  return fc
    .integer({ min: opts.minOrder ?? 1, max: opts.maxOrder ?? 16 })
    .chain((order) =>
      fc.tuple(
        fc.constant(order),
        fc.array(fc.tuple(fc.double({ min: 0.05, max: maxR, noNaN: true }), fc.double({ min: 0.05, max: Math.PI - 0.05, noNaN: true })), {
          minLength: Math.floor(order / 2),
          maxLength: Math.floor(order / 2),
        }),
        fc.array(fc.double({ min: -maxR, max: maxR, noNaN: true }), { minLength: order % 2, maxLength: order % 2 + 0 }),
        fc.integer({ min: 0, max: Math.floor(order / 2) }),
      ),
    )
    .map(([, pairs, reals, nRealPairs]) => {
      const out: Complex[] = [];
      pairs.forEach(([r, th], i) => {
        if (i < nRealPairs) {
          // a real pair instead of a conjugate pair
          out.push(cx(r * Math.cos(th)), cx(-r * Math.sin(th) * 0.9));
        } else out.push(cpolar(r, th), cpolar(r, -th));
      });
      for (const x of reals) out.push(cx(x));
      return out;
    })
    .filter((rs) => separated(rs, sep) && rs.every((r) => Math.hypot(r.re, r.im) >= 0.02));
}

/** A random stable filter: poles inside |z| <= 0.98, zeros anywhere in |z| <= 1.5, gain in [0.1, 10] with sign. */
export function arbStableZpk(opts: RootSetOptions = {}): fc.Arbitrary<Zpk> {
  return fc
    .tuple(
      arbRootSet(opts),
      arbRootSet({ ...opts, minOrder: 0, maxRadius: opts.maxRadius === undefined ? 1.5 : Math.max(1.5, opts.maxRadius) }),
      fc.double({ min: 0.1, max: 10, noNaN: true }),
      fc.boolean(),
    )
    .map(([p, z, k, neg]) => ({ z, p, k: neg ? -k : k }));
}
