// Number formatting exactly as C's printf `%.Pg` prints a double: the value is
// rounded from its exact binary expansion to P significant digits, ties to
// even (glibc's behaviour in the default rounding mode), then printed in
// fixed or exponential notation with trailing zeros removed.

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** Exact decimal expansion of a finite positive double: digits d1d2… and the exponent of d1. */
function exactDecimal(v: number): { digits: string; exp10: number } {
  f64[0] = v;
  const bits = u64[0]!;
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let e2: number;
  if (biased === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = biased - 1075;
  }
  let digits: string;
  let exp10: number;
  if (e2 >= 0) {
    digits = (mant << BigInt(e2)).toString();
    exp10 = digits.length - 1;
  } else {
    // v = mant * 2^e2 = mant * 5^-e2 / 10^-e2
    digits = (mant * 5n ** BigInt(-e2)).toString();
    exp10 = digits.length - 1 + e2;
  }
  return { digits: digits.replace(/0+$/, "") || "0", exp10 };
}

/** Rounds a digit string to p digits, ties to even; returns the digits and a carry into a new leading digit. */
function roundDigits(digits: string, p: number): { digits: string; carry: boolean } {
  if (digits.length <= p) return { digits: digits.padEnd(p, "0"), carry: false };
  const head = digits.slice(0, p);
  const next = digits.charCodeAt(p) - 48;
  const restNonZero = /[1-9]/.test(digits.slice(p + 1));
  const lastOdd = (head.charCodeAt(p - 1) - 48) % 2 === 1;
  const up = next > 5 || (next === 5 && (restNonZero || lastOdd));
  if (!up) return { digits: head, carry: false };
  const arr = head.split("").map((c) => c.charCodeAt(0) - 48);
  let i = p - 1;
  while (i >= 0) {
    if (arr[i]! < 9) {
      arr[i]!++;
      break;
    }
    arr[i] = 0;
    i--;
  }
  if (i < 0) return { digits: "1" + arr.slice(0, p - 1).join(""), carry: true };
  return { digits: arr.join(""), carry: false };
}

/** C's `%.{p}g` for a double. */
export function formatG(v: number, p: number): string {
  // The sign of a NaN is an accident of the engine (x86 makes 0/0 negative,
  // JS engines may canonicalize it), so the contract prints every NaN as `nan`.
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (p === 0) p = 1;
  const neg = v < 0 || Object.is(v, -0);
  const sign = neg ? "-" : "";
  if (v === 0) return `${sign}0`;
  const { digits: exact, exp10 } = exactDecimal(Math.abs(v));
  const r = roundDigits(exact, p);
  const x = r.carry ? exp10 + 1 : exp10;
  const digits = r.digits;
  if (x < -4 || x >= p) {
    let frac = digits.slice(1).replace(/0+$/, "");
    const mant = frac ? `${digits[0]}.${frac}` : digits[0]!;
    const ax = Math.abs(x);
    return `${sign}${mant}e${x < 0 ? "-" : "+"}${ax < 10 ? "0" : ""}${ax}`;
  }
  // fixed notation with p - 1 - x decimals
  let s: string;
  if (x >= 0) {
    const intPart = digits.slice(0, x + 1);
    const fracPart = digits.slice(x + 1).replace(/0+$/, "");
    s = fracPart ? `${intPart}.${fracPart}` : intPart;
  } else {
    const fracPart = ("0".repeat(-x - 1) + digits).replace(/0+$/, "");
    s = `0.${fracPart}`;
  }
  return sign + s;
}

/** Formats one sample the way the impulse contract does: `%.17g` in double, `%.9g` in single. */
export function formatSample(v: number, double: boolean): string {
  return formatG(v, double ? 17 : 9);
}
