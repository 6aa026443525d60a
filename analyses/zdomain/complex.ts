// A small immutable complex number type for the Z-domain numerics.

export interface Complex {
  readonly re: number;
  readonly im: number;
}

export function cx(re: number, im = 0): Complex {
  return { re, im };
}

export const ZERO: Complex = cx(0, 0);
export const ONE: Complex = cx(1, 0);

export function cadd(a: Complex, b: Complex): Complex {
  return cx(a.re + b.re, a.im + b.im);
}

export function csub(a: Complex, b: Complex): Complex {
  return cx(a.re - b.re, a.im - b.im);
}

export function cmul(a: Complex, b: Complex): Complex {
  return cx(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
}

export function cscale(a: Complex, s: number): Complex {
  return cx(a.re * s, a.im * s);
}

export function cneg(a: Complex): Complex {
  return cx(-a.re, -a.im);
}

export function cconj(a: Complex): Complex {
  return cx(a.re, -a.im);
}

/** Smith's algorithm: avoids overflow and most cancellation in a/b. */
export function cdiv(a: Complex, b: Complex): Complex {
  if (Math.abs(b.re) >= Math.abs(b.im)) {
    if (b.re === 0 && b.im === 0) return cx(a.re / 0, a.im / 0);
    const r = b.im / b.re;
    const d = b.re + b.im * r;
    return cx((a.re + a.im * r) / d, (a.im - a.re * r) / d);
  }
  const r = b.re / b.im;
  const d = b.re * r + b.im;
  return cx((a.re * r + a.im) / d, (a.im * r - a.re) / d);
}

export function cinv(a: Complex): Complex {
  return cdiv(ONE, a);
}

export function cabs(a: Complex): number {
  return Math.hypot(a.re, a.im);
}

export function cabs2(a: Complex): number {
  return a.re * a.re + a.im * a.im;
}

export function carg(a: Complex): number {
  return Math.atan2(a.im, a.re);
}

/** e^{i theta} */
export function cexpj(theta: number): Complex {
  return cx(Math.cos(theta), Math.sin(theta));
}

export function cpolar(r: number, theta: number): Complex {
  return cx(r * Math.cos(theta), r * Math.sin(theta));
}

export function cdist(a: Complex, b: Complex): number {
  return Math.hypot(a.re - b.re, a.im - b.im);
}

export function cisReal(a: Complex): boolean {
  return a.im === 0;
}

export function cformat(a: Complex, digits = 17): string {
  if (a.im === 0) return a.re.toPrecision(digits);
  const sign = a.im < 0 || Object.is(a.im, -0) ? "-" : "+";
  return `${a.re.toPrecision(digits)}${sign}${Math.abs(a.im).toPrecision(digits)}i`;
}
