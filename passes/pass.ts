// What a pass is. A pass is a small object: a kebab-case name, a one-line
// summary, typed options, the numerical bound it promises, and
// `run(graph, analyses, options)`. The algorithm lives in a pure function
// beside it; `run` is the thin adapter.
//
//   export const cse = definePass({
//     name: "cse", summary: "…",
//     options: { commutative: boolOption(true, "order the operands of commutative operators") },
//     semantics: { exact: true },
//     run(graph, am, opts) { … return { changed, graph, preserves, stats, remarks } },
//   });
//
// `opts` is typed from the option declarations (an enum option gives a union
// of its values). The manager validates option text and fills defaults.

import type { Diagnostic } from "../src/core/diagnostics.ts";
import type { SignalGraph } from "../src/core/signals/graph.ts";
import type { Sig } from "../src/core/signals/signal.ts";
import type { AnalysisManager, Preserved } from "../analyses/analysis.ts";

export type OptionDecl =
  | { readonly type: "int"; readonly default: number; readonly min?: number; readonly max?: number; readonly help: string }
  | { readonly type: "float"; readonly default: number; readonly min?: number; readonly max?: number; readonly help: string }
  | { readonly type: "bool"; readonly default: boolean; readonly help: string }
  | { readonly type: "enum"; readonly values: readonly string[]; readonly default: string; readonly help: string }
  | { readonly type: "string"; readonly default: string; readonly help: string };

export type OptionDecls = Readonly<Record<string, OptionDecl>>;
type ValueOf<D extends OptionDecl> = D extends { type: "int" | "float" }
  ? number
  : D extends { type: "bool" }
    ? boolean
    : D extends { type: "enum"; values: readonly (infer V)[] }
      ? V
      : string;
/** The typed option values a pass receives. */
export type OptionValues<S extends OptionDecls> = { readonly [K in keyof S]: ValueOf<S[K]> };
export type OptionValue = number | boolean | string;

export const intOption = (dflt: number, help: string, range: { min?: number; max?: number } = {}) => ({ type: "int", default: dflt, help, ...range }) as const;
export const floatOption = (dflt: number, help: string, range: { min?: number; max?: number } = {}) =>
  ({ type: "float", default: dflt, help, ...range }) as const;
export const boolOption = (dflt: boolean, help: string) => ({ type: "bool", default: dflt, help }) as const;
export const enumOption = <const V extends readonly string[]>(values: V, dflt: V[number], help: string) => ({ type: "enum", values, default: dflt, help }) as const;
export const stringOption = (dflt: string, help: string) => ({ type: "string", default: dflt, help }) as const;

/**
 * The numerical promise of a pass, checked by the semantic property test on
 * random graphs (passes/semantics.test.ts): the outputs after the pass equal
 * the outputs before it exactly, or within `tolerance` relative to each
 * output's peak (at least 1). `finiteOnly`: the promise holds when every value
 * computed is finite (identities such as x*0 → 0 fail on NaN and ±∞).
 * `controlsHeld`: it holds while controls stay still.
 */
export type Semantics =
  | { readonly exact: true }
  | {
      readonly exact: false;
      readonly tolerance: number;
      readonly finiteOnly: boolean;
      readonly why: string;
      /**
       * The promise holds while the controls do not move (Faust's own
       * assumption when it moves a control-rate factor out of a delay:
       * `(k*x)@n → k*(x@n)`); the property test then holds each control at
       * one random value for the whole rendering.
       */
      readonly controlsHeld?: boolean;
    };

export interface PassResult {
  readonly changed: boolean;
  /** The new graph; the same object when `changed` is false. */
  readonly graph: SignalGraph;
  /**
   * The analyses still valid on the new graph, by identity (`[typesAnalysis]`),
   * or "all". Ignored when `changed` is false (the same graph keeps every
   * result). The analyses of analyses/ are facts about every node of the
   * graph, so a pass that builds new nodes preserves none of them.
   */
  readonly preserves: Preserved;
  /** Counters (`groups-merged: 3`), shown by `-stats`. */
  readonly stats: Readonly<Record<string, number>>;
  /** What the pass did, or why it did not (FL8xx remarks), shown by `-remarks`. */
  readonly remarks?: readonly Diagnostic[];
  /** Text the pass prints (the `print` pseudo-pass), in pipeline order. */
  readonly text?: string;
}

export interface Pass<S extends OptionDecls = OptionDecls> {
  /** kebab-case, unique in the registry. */
  readonly name: string;
  readonly summary: string;
  readonly options: S;
  /** An option that may be written bare: `print<types>` is `print<analysis=types>`. */
  readonly positional?: keyof S & string;
  readonly semantics: Semantics;
  run(graph: SignalGraph, am: AnalysisManager, options: OptionValues<S>): PassResult;
}

/** A pass with its option types erased, as the registry stores it. */
export type AnyPass = Pass<OptionDecls>;

/** Declares a pass (an identity function that checks the types). */
export function definePass<const S extends OptionDecls>(p: Pass<S>): AnyPass {
  return p as unknown as AnyPass;
}

/** The result of a pass that changed nothing. */
export function unchanged(graph: SignalGraph, stats: Record<string, number> = {}, remarks: readonly Diagnostic[] = []): PassResult {
  return { changed: false, graph, preserves: "all", stats, remarks };
}

/**
 * The result of a pass that rewrote the outputs to `outputs`: unchanged when
 * every output is the same node (hash-consing makes that the test of "nothing
 * changed").
 */
export function rewritten(
  graph: SignalGraph,
  outputs: readonly Sig[],
  preserves: Preserved,
  stats: Record<string, number> = {},
  remarks: readonly Diagnostic[] = [],
): PassResult {
  const same = outputs.length === graph.outputs.length && outputs.every((o, i) => o === graph.outputs[i]);
  return same ? unchanged(graph, stats, remarks) : { changed: true, graph: { inputs: graph.inputs, outputs }, preserves, stats, remarks };
}
