// Mutation fuzzing of the front end: library sources with tokens deleted,
// duplicated or swapped, truncated, or with odd bytes inserted. The contract
// checked: parsing returns diagnostics, never throws, and is fast. Used by
// fuzz.test.ts (fixed seed, small count) and fuzz-main.ts (npm run fuzz) (long runs).

import { SourceFile } from "../core/diagnostics.ts";
import { printProgram } from "../core/boxes/print.ts";
import { lex } from "../chain/frontend/lexer.ts";
import { parseSource } from "../chain/frontend/parser.ts";

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const oddBytes = ["\u0000", "\u00ff", "\uffff", "\ud800", "$", "#", "`", "?", "\u00e9", "\t", "\r", "\\", '"', "'", "/*", "*/", "//", "<mdoc>", "(", ")", "{", "}", "[", "]", ";", "=", ",", ":", "~", "<:", ":>", "->", "=>", "@", ".", "1e", "1.", ".5f", "with", "letrec", "where", "case", "environment", "_", "!"];

export type Mutation = "delete" | "duplicate" | "swap" | "truncate" | "odd";

/** Applies `count` random mutations to a source text. */
export function mutate(text: string, rand: () => number, count: number): { text: string; applied: Mutation[] } {
  const applied: Mutation[] = [];
  let t = text;
  for (let m = 0; m < count; m++) {
    const toks = lex(new SourceFile("<fuzz>", t));
    const n = toks.count - 1; // without EOF
    const pick = () => Math.floor(rand() * Math.max(1, n));
    const r = rand();
    if (r < 0.3 && n > 0) {
      const i = pick();
      t = t.slice(0, toks.starts[i]!) + t.slice(toks.ends[i]!);
      applied.push("delete");
    } else if (r < 0.5 && n > 0) {
      const i = pick();
      const tok = t.slice(toks.starts[i]!, toks.ends[i]!);
      t = t.slice(0, toks.ends[i]!) + " " + tok + t.slice(toks.ends[i]!);
      applied.push("duplicate");
    } else if (r < 0.7 && n > 1) {
      const i = pick();
      const j = Math.min(n - 1, i + 1 + Math.floor(rand() * 3));
      if (j > i) {
        const a = t.slice(toks.starts[i]!, toks.ends[i]!);
        const b = t.slice(toks.starts[j]!, toks.ends[j]!);
        t = t.slice(0, toks.starts[i]!) + b + t.slice(toks.ends[i]!, toks.starts[j]!) + a + t.slice(toks.ends[j]!);
      }
      applied.push("swap");
    } else if (r < 0.75) {
      t = t.slice(0, Math.floor(rand() * t.length));
      applied.push("truncate");
    } else {
      const at = Math.floor(rand() * (t.length + 1));
      t = t.slice(0, at) + oddBytes[Math.floor(rand() * oddBytes.length)]! + t.slice(at);
      applied.push("odd");
    }
  }
  return { text: t, applied };
}

export interface FuzzFailure {
  readonly name: string;
  readonly text: string;
  readonly problem: string;
}

/**
 * Parses one mutated source; returns a failure if parsing threw, if the
 * printed boxes do not parse back, or if it took longer than `maxMs`.
 */
export function fuzzOne(name: string, text: string, maxMs: number): FuzzFailure | undefined {
  const t0 = performance.now();
  try {
    const r = parseSource(new SourceFile(name, text));
    const ms = performance.now() - t0;
    if (ms > maxMs) return { name, text, problem: `took ${ms.toFixed(0)} ms` };
    // Whatever was recovered must still print as valid Faust.
    const printed = printProgram(r.stmts);
    const back = parseSource(new SourceFile(name + "#printed", printed));
    if (back.diagnostics.some((d) => d.severity === "error")) return { name, text, problem: `printed boxes do not parse back: ${back.diagnostics[0]!.message}` };
    if (back.stmts.length !== r.stmts.length || back.stmts.some((s, i) => s !== r.stmts[i])) return { name, text, problem: "printed boxes parse back to different boxes" };
  } catch (e) {
    return { name, text, problem: `threw ${(e as Error)?.stack ?? String(e)}` };
  }
  return undefined;
}

/** Runs `count` mutants drawn round-robin from `sources`. */
export function fuzz(sources: readonly { name: string; text: string }[], opts: { seed: number; count: number; maxMs: number; mutations?: number }): FuzzFailure[] {
  const rand = prng(opts.seed);
  const failures: FuzzFailure[] = [];
  for (let i = 0; i < opts.count; i++) {
    const src = sources[i % sources.length]!;
    const { text, applied } = mutate(src.text, rand, 1 + Math.floor(rand() * (opts.mutations ?? 4)));
    const f = fuzzOne(`${src.name}#${i}(${applied.join(",")})`, text, opts.maxMs);
    if (f) failures.push(f);
  }
  return failures;
}
