import { describe, expect, it } from "vitest";
import { cFunction, cMath1, cMath2, cRint, cRound } from "./cmath.ts";

describe("C math semantics", () => {
  it("rounds as C: round() away from zero, rint() to even, signs of zero kept", () => {
    expect([2.5, 3.5, -2.5, -0.4].map(cRound)).toEqual([3, 4, -3, -0]);
    expect([2.5, 3.5, -2.5, -3.5, 0.5, -0.3, 2.3].map(cRint)).toEqual([2, 4, -2, -4, 0, -0, 2]);
  });

  it("gives every primitive one function", () => {
    expect(cMath1("round")(-0.5)).toBe(-1);
    expect(cMath1("isinf")(NaN)).toBe(0);
    expect(cMath2("remainder")(7, 2)).toBe(-1);
    expect(cMath2("copysign")(1, -0)).toBe(-1);
    expect(cMath2("fmod")(-7, 2)).toBe(-1);
  });

  it("finds C library functions in every precision variant", () => {
    expect(cFunction("sinf")!(0)).toBe(0);
    expect(cFunction("fabsl")!(-2)).toBe(2);
    expect(cFunction("remainderf")!(5, 2)).toBe(1);
    expect(cFunction("rint")!(2.5)).toBe(2);
    expect(cFunction("no_such_function")).toBeUndefined();
  });
});
