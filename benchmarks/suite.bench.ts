// Library-suite compile time (issue 14): faustlab and the real compiler
// (libfaust-wasm, src/harness/oracle.ts) in this process on the same programs,
// every 4th library test the reference accepts, source to wasm bytes. Each
// program is compiled by faustlab then by the reference, alternated, after a
// warm-up round over the first 10 programs; the figure per program is the
// best of ROUNDS rounds. Prints the whole-suite ratio (sum of faustlab times /
// sum of reference times), the medians, and the programs with the highest
// ratio. Goal: ratio ≤ 0.25 and no program above 1.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileFir } from "../src/driver/compile.ts";
import { wasmModule } from "../src/chain/backends/wasm.ts";
import { compileReference } from "../src/harness/oracle.ts";
import { extractLibraryTests, type LibraryTest } from "../src/driver/libtests.ts";
import type { BenchResult } from "./types.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROUNDS = 2;
let unique = 0;

/** Every 4th library test the reference accepts (the manifest's verdicts). */
export function suitePrograms(): LibraryTest[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(here, "../corpus/library-manifest.json"), "utf8")) as { tests: { id: string; accepted: boolean }[] };
  const accepted = new Set(manifest.tests.filter((t) => t.accepted).map((t) => t.id));
  return extractLibraryTests()
    .filter((t) => accepted.has(t.id))
    .filter((_, i) => i % 4 === 0);
}

export const ours = (t: LibraryTest) => wasmModule(compileFir({ text: t.source, path: `/bench/lib/${t.id}.dsp` }, { name: t.name })).bytes;
export const theirs = (t: LibraryTest) => compileReference(t.source, `${t.id}#${unique++}`);

export interface SuiteTimes {
  readonly id: string;
  readonly ours: number;
  readonly theirs: number;
}

export async function timeSuite(tests: readonly LibraryTest[], rounds = ROUNDS): Promise<{ times: SuiteTimes[]; failed: string[] }> {
  const failed = new Set<string>();
  const safe = async (id: string, fn: () => unknown): Promise<number> => {
    const t0 = performance.now();
    try {
      await fn();
    } catch {
      failed.add(id);
    }
    return performance.now() - t0;
  };
  for (const t of tests.slice(0, 10)) {
    await safe(t.id, () => ours(t));
    await safe(t.id, () => theirs(t));
  }
  failed.clear();
  const best = new Map<string, { ours: number; theirs: number }>();
  for (let r = 0; r < rounds; r++)
    for (const t of tests) {
      const a = await safe(t.id, () => ours(t));
      const b = await safe(`${t.id} (reference)`, () => theirs(t));
      const prev = best.get(t.id);
      best.set(t.id, { ours: Math.min(a, prev?.ours ?? Infinity), theirs: Math.min(b, prev?.theirs ?? Infinity) });
    }
  // a program either compiler failed on is left out of the sums (a failure is fast, not a time)
  const bad = new Set([...failed].map((f) => f.replace(/ \(reference\)$/, "")));
  return { times: tests.filter((t) => !bad.has(t.id)).map((t) => ({ id: t.id, ...best.get(t.id)! })), failed: [...failed] };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export async function run(): Promise<BenchResult[]> {
  const tests = suitePrograms();
  const { times, failed } = await timeSuite(tests);
  const sumOurs = times.reduce((a, t) => a + t.ours, 0);
  const sumTheirs = times.reduce((a, t) => a + t.theirs, 0);
  const results: BenchResult[] = [
    { name: `suite ${times.length} of ${tests.length} library tests faustlab`, value: sumOurs / 1000, unit: "s", note: `source to wasm, best of ${ROUNDS}, ${failed.length} failed (left out)${failed.length ? `: ${failed.slice(0, 3).join(", ")}` : ""}` },
    { name: `suite ${times.length} library tests reference`, value: sumTheirs / 1000, unit: "s", note: "libfaust-wasm, same process, alternated" },
    { name: "suite ratio faustlab/reference", value: sumOurs / sumTheirs, unit: "×", note: "goal ≤ 0.25" },
    { name: "suite median faustlab", value: median(times.map((t) => t.ours)), unit: "ms" },
    { name: "suite median reference", value: median(times.map((t) => t.theirs)), unit: "ms" },
  ];
  const slower = times.filter((t) => t.ours > t.theirs).length;
  results.push({ name: "suite programs slower than the reference", value: slower, unit: "programs", note: "goal 0" });
  for (const t of [...times].sort((a, b) => b.ours / b.theirs - a.ours / a.theirs).slice(0, 8))
    results.push({ name: `suite slowest ${t.id}`, value: t.ours / t.theirs, unit: "×", note: `${t.ours.toFixed(1)} ms against ${t.theirs.toFixed(1)} ms` });
  return results;
}
