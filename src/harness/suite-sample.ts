// A sample of the programs every code-generation option must leave unchanged:
// every 15th accepted library test and the accepted corpus; and the first
// sample where two renderings differ, bit for bit (the schedule and lockstep
// tests compare each option against the default).
import fs from "node:fs";
import path from "node:path";
import { extractLibraryTests } from "../driver/libtests.ts";
import { projectPath } from "../core/paths.ts";

export interface SampleProgram {
  readonly id: string;
  readonly text: string;
  readonly path: string;
}

/** Every `every`-th accepted library test (default 15), then the accepted corpus programs. */
export function suiteSample(every = 15): SampleProgram[] {
  const corpusDir = projectPath("corpus");
  const lib = JSON.parse(fs.readFileSync(path.join(corpusDir, "library-manifest.json"), "utf8")) as { tests: { id: string; accepted: boolean }[] };
  const accepted = new Set(lib.tests.filter((t) => t.accepted).map((t) => t.id));
  const tests = extractLibraryTests()
    .filter((t) => accepted.has(t.id))
    .filter((_, i) => i % every === 0)
    .map((t) => ({ id: t.id, text: t.source, path: `/library-tests/${t.id}.dsp` }));
  const manifest = JSON.parse(fs.readFileSync(path.join(corpusDir, "manifest.json"), "utf8")) as { path: string; accepted: boolean }[];
  const corpus = manifest.filter((e) => e.accepted).map((e) => ({ id: e.path, text: fs.readFileSync(path.join(corpusDir, e.path), "utf8"), path: path.join(corpusDir, e.path) }));
  return [...tests, ...corpus];
}

/** The first output and sample where `got` is not `base` bit for bit (NaN equal to NaN), or undefined. */
export function firstMismatch(base: readonly ArrayLike<number>[], got: readonly ArrayLike<number>[]): string | undefined {
  if (base.length !== got.length) return `${base.length} outputs vs ${got.length}`;
  for (let o = 0; o < base.length; o++) {
    const n = Math.max(base[o]!.length, got[o]!.length);
    for (let i = 0; i < n; i++) if (!Object.is(base[o]![i], got[o]![i])) return `output ${o} sample ${i}: ${base[o]![i]} vs ${got[o]![i]}`;
  }
  return undefined;
}
