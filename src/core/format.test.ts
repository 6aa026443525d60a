import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatG } from "./format.ts";

// Expected strings printed by glibc's printf("%.9g") and printf("%.17g").
const cases: [number, string, string][] = [
  [0, "0", "0"],
  [-0, "-0", "-0"],
  [1, "1", "1"],
  [0.1, "0.1", "0.10000000000000001"],
  [1e-5, "1e-05", "1.0000000000000001e-05"],
  [1.5e-4, "0.00015", "0.00014999999999999999"],
  [123456789, "123456789", "123456789"],
  [1234567885, "1.23456788e+09", "1234567885"], // a tie, rounded to even
  [1234567895, "1.2345679e+09", "1234567895"],
  [0.5, "0.5", "0.5"],
  [2.5e-320, "2.49997217e-320", "2.4999721679567075e-320"],
  [1.7976931348623157e308, "1.79769313e+308", "1.7976931348623157e+308"],
  [3.14159265358979, "3.14159265", "3.14159265358979"],
  [-2 / 3, "-0.666666667", "-0.66666666666666663"],
  [1e16, "1e+16", "10000000000000000"],
  [1e17, "1e+17", "1e+17"],
  [99999999.95, "100000000", "99999999.950000003"],
  [9.9999999995e-5, "0.0001", "9.9999999995000003e-05"],
  [1e9, "1e+09", "1000000000"],
  [0.000123456789012, "0.000123456789", "0.000123456789012"],
  [Infinity, "inf", "inf"],
  [-Infinity, "-inf", "-inf"],
  [5e-324, "4.94065646e-324", "4.9406564584124654e-324"],
  [0.30000000000000004, "0.3", "0.30000000000000004"],
  [4294967296, "4.2949673e+09", "4294967296"],
  [16777217, "16777217", "16777217"],
];

describe("formatG", () => {
  it.each(cases)("%s prints as glibc does", (v, g9, g17) => {
    expect(formatG(v, 9)).toBe(g9);
    expect(formatG(v, 17)).toBe(g17);
  });

  it("prints every NaN as nan", () => {
    expect(formatG(NaN, 9)).toBe("nan");
    expect(formatG(-NaN, 17)).toBe("nan");
  });

  it("%.17g round-trips every finite double", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const back = Number(formatG(v, 17));
        expect(Object.is(back, v)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("%.9g round-trips every float32", () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (v) => {
        expect(Object.is(Math.fround(Number(formatG(v, 9))), v)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
