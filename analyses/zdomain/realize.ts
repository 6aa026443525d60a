// One call from a transfer function (or zeros/poles/gain) to a realized
// cascade: factor, pair, order, scale, choose a structure per section. The
// `realize` pass turns a refusal's reason into a remark.

import { cabs } from "./complex.ts";
import type { TransferFunction, Zpk } from "./poly.ts";
import type { RootOptions } from "./roots.ts";
import { type Order, type Pairing, type Sos, scaleSections, tfToZpk, zpkToSos } from "./sos.ts";
import { STRUCTURES, type StructureKind } from "./structures.ts";
import { type CascadeChoice, chooseStructures } from "./errors.ts";

export interface RealizeOptions {
  readonly pairing?: Pairing;
  readonly order?: Order;
  /** Jackson scaling of the sections (default 'none': the gain stays in the first section). */
  readonly scaling?: "none" | "l2" | "linf";
  /** Structures to choose from (default all). */
  readonly candidates?: readonly StructureKind[];
  readonly roots?: RootOptions;
}

export type Realized =
  | { readonly ok: true; readonly zpk: Zpk; readonly sos: Sos; readonly choice: CascadeChoice }
  | { readonly ok: false; readonly reason: string };

export function realizeZpk(zpk: Zpk, opts: RealizeOptions = {}): Realized {
  for (const v of [...zpk.z, ...zpk.p, { re: zpk.k, im: 0 }])
    if (!Number.isFinite(v.re) || !Number.isFinite(v.im)) return { ok: false, reason: "non-finite zeros, poles or gain" };
  const worst = zpk.p.reduce((m, p) => Math.max(m, cabs(p)), 0);
  if (!(worst < 1)) return { ok: false, reason: `the filter is not stable: a pole has modulus ${worst}` };
  let sos: Sos;
  try {
    sos = zpkToSos(zpk, { pairing: opts.pairing ?? "nearest", order: opts.order ?? "up" });
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  if (opts.scaling === "l2" || opts.scaling === "linf") sos = scaleSections(sos, opts.scaling);
  try {
    return { ok: true, zpk, sos, choice: chooseStructures(sos.sections, opts.candidates ?? STRUCTURES) };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

export function realizeTf(tf: TransferFunction, opts: RealizeOptions = {}): Realized {
  for (const c of [...tf.b, ...tf.a]) if (!Number.isFinite(c)) return { ok: false, reason: "non-finite coefficients" };
  if (tf.a.length === 0 || tf.a[0] === 0) return { ok: false, reason: "a[0] is zero: not a causal recursion" };
  return realizeZpk(tfToZpk(tf, opts.roots), opts);
}
