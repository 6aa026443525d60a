// Helpers shared by the tests of this folder (not used by the compiler).

import { DiagnosticError } from "../core/diagnostics.ts";
import { evaluate } from "../core/signals/evaluate.ts";
import { reachable } from "../core/signals/graph.ts";
import type { Sig } from "../core/signals/signal.ts";
import { typeOf } from "../core/signals/types.ts";

export const SAMPLES = 24;

/** Two input channels of dyadic values in [-1, 1] (exact in every precision). */
export const INPUTS: readonly Float64Array[] = [0, 1].map((c) =>
  Float64Array.from({ length: SAMPLES }, (_, t) => (((t * 37 + c * 11) % 65) - 32) / 32),
);

const NOT_A_VALUE = new Set(["rec", "table", "output", "soundfile"]);

/** Every value node reachable from `roots`, with its samples. */
export function evaluateAll(roots: readonly Sig[], samples = SAMPLES): Map<Sig, Float64Array> {
  const nodes = reachable(roots).filter((s) => !NOT_A_VALUE.has(s.kind));
  const out = evaluate(nodes, { samples, inputs: INPUTS });
  return new Map(nodes.map((s, i) => [s, out[i]!]));
}

const inInt = (v: number) => v >= -2147483648 && v < 2147483648;

/**
 * True when the graph converts a float outside the int range to an int
 * somewhere (C leaves it undefined; Faust's folding saturates, the reference
 * evaluator wraps): int(), shifts, bitwise operators, select2's selector.
 */
export function hasUndefinedIntConversion(values: Map<Sig, Float64Array>): boolean {
  const bad = (s: Sig) => typeOf(s).nature === "float" && (values.get(s) ?? []).some((v) => !Number.isNaN(v) && !inInt(v));
  for (const [s] of values) {
    if (s.kind === "intcast" && bad(s.x)) return true;
    if (s.kind === "select2" && bad(s.sel)) return true;
    if (s.kind === "binop" && ["shl", "ashr", "lshr", "and", "or", "xor"].includes(s.op) && (bad(s.x) || bad(s.y))) return true;
  }
  return false;
}

export function hasNaN(values: Map<Sig, Float64Array>): boolean {
  for (const v of values.values()) if (v.some(Number.isNaN)) return true;
  return false;
}

export function allFinite(values: Map<Sig, Float64Array>): boolean {
  for (const v of values.values()) if (!v.every(Number.isFinite)) return false;
  return true;
}

/** The diagnostic code of a thrown DiagnosticError (rethrows anything else). */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostics[0]!.code;
    throw e;
  }
  return undefined;
}
