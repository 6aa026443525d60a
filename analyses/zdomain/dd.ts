// Double-double ("dd") arithmetic: a value is hi + lo with |lo| <= ulp(hi)/2,
// about 106 bits of significand. Error-free transformations (Knuth's TwoSum,
// Dekker's split/TwoProduct; JavaScript has no fused multiply-add). Used to
// evaluate polynomials at double-precision points with roughly twice the
// working precision, which is what lets the root finder polish roots of
// ill-conditioned filter denominators to the last bits.

export interface DD {
  readonly hi: number;
  readonly lo: number;
}

export function dd(hi: number, lo = 0): DD {
  return { hi, lo };
}

/** s + e = a + b exactly. */
export function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  const e = a - (s - bb) + (b - bb);
  return { hi: s, lo: e };
}

function fastTwoSum(a: number, b: number): DD {
  const s = a + b;
  return { hi: s, lo: b - (s - a) };
}

const SPLITTER = 134217729; // 2^27 + 1

/** p + e = a * b exactly (barring overflow/underflow). */
export function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  return { hi: p, lo: e };
}

export function ddAdd(a: DD, b: DD): DD {
  const s = twoSum(a.hi, b.hi);
  const t = twoSum(a.lo, b.lo);
  let r = fastTwoSum(s.hi, s.lo + t.hi);
  r = fastTwoSum(r.hi, r.lo + t.lo);
  return r;
}

export function ddAddD(a: DD, b: number): DD {
  const s = twoSum(a.hi, b);
  return fastTwoSum(s.hi, s.lo + a.lo);
}

export function ddNeg(a: DD): DD {
  return { hi: -a.hi, lo: -a.lo };
}

export function ddSub(a: DD, b: DD): DD {
  return ddAdd(a, ddNeg(b));
}

export function ddMulD(a: DD, b: number): DD {
  const p = twoProd(a.hi, b);
  return fastTwoSum(p.hi, p.lo + a.lo * b);
}

export function ddMul(a: DD, b: DD): DD {
  const p = twoProd(a.hi, b.hi);
  return fastTwoSum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

export function ddDiv(a: DD, b: DD): DD {
  const q1 = a.hi / b.hi;
  const r = ddSub(a, ddMulD(b, q1));
  const q2 = r.hi / b.hi;
  return fastTwoSum(q1, q2);
}

export function ddToNumber(a: DD): number {
  return a.hi + a.lo;
}

/** Exact sum of doubles, rounded once at the end (a dd accumulator). */
export function accurateSum(xs: readonly number[]): number {
  let acc: DD = dd(0);
  for (const x of xs) acc = ddAddD(acc, x);
  return ddToNumber(acc);
}

/** A complex dd number. */
export interface CDD {
  readonly re: DD;
  readonly im: DD;
}

/**
 * Horner evaluation in dd complex arithmetic of p(z) = c[0] z^n + ... + c[n]
 * (descending powers) and its first derivative, at a double complex point.
 */
export function hornerDD(c: readonly number[], zr: number, zi: number): { p: CDD; dp: CDD } {
  let pr: DD = dd(c[0] ?? 0);
  let pi: DD = dd(0);
  let dr: DD = dd(0);
  let di: DD = dd(0);
  for (let k = 1; k < c.length; k++) {
    // dp = dp*z + p
    const ndr = ddAdd(ddSub(ddMulD(dr, zr), ddMulD(di, zi)), pr);
    const ndi = ddAdd(ddAdd(ddMulD(dr, zi), ddMulD(di, zr)), pi);
    dr = ndr;
    di = ndi;
    // p = p*z + c[k]
    const npr = ddAddD(ddSub(ddMulD(pr, zr), ddMulD(pi, zi)), c[k]!);
    const npi = ddAdd(ddMulD(pr, zi), ddMulD(pi, zr));
    pr = npr;
    pi = npi;
  }
  return { p: { re: pr, im: pi }, dp: { re: dr, im: di } };
}
