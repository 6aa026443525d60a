// Compile time from source to normalized, checked signals (faustlab's front
// end, evaluator, propagation and normalization), next to the reference
// compiler's full compile (to wasm) of the same programs in the same process.
// The standard library is parsed once per process (the first figure pays it).

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileSignals } from "../src/driver/signals.ts";
import { extractLibraryTests } from "../src/driver/libtests.ts";
import { compileReference } from "../src/harness/oracle.ts";
import { bestOf, type BenchResult } from "./types.ts";

const here = path.dirname(fileURLToPath(import.meta.url));

const programs: [string, string][] = [
  ["dm.zita_light", 'import("stdfaust.lib"); process = dm.zita_light;'],
  ["re.zita_rev1_stereo", 'import("stdfaust.lib"); process = re.zita_rev1_stereo(0, 200, 6000, 3, 2, 44100);'],
  ["fi.lowpass(8,50)", 'import("stdfaust.lib"); process = fi.lowpass(8, 50);'],
];

let unique = 0;

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  // First compilation in the process: parses the standard library.
  let t0 = performance.now();
  compileSignals({ text: programs[0]![1], path: "/bench/first.dsp" });
  results.push({ name: "faustlab first compile (parses the stdlib) dm.zita_light", value: performance.now() - t0, unit: "ms" });
  for (const [name, src] of programs) {
    const ours = await bestOf(3, () => compileSignals({ text: src, path: `/bench/p${unique++}.dsp` }));
    const ref = await bestOf(3, () => compileReference(src, `bench${unique++}`));
    results.push({ name: `faustlab to signals ${name}`, value: ours, unit: "ms", note: "best of 3" });
    results.push({ name: `reference to wasm ${name}`, value: ref, unit: "ms", note: "best of 3" });
  }
  // The library test suite: every test the reference accepts, once each.
  const manifest = JSON.parse(fs.readFileSync(path.join(here, "../corpus/library-manifest.json"), "utf8")) as { tests: { id: string; accepted: boolean }[] };
  const accepted = new Set(manifest.tests.filter((t) => t.accepted).map((t) => t.id));
  const tests = extractLibraryTests().filter((t) => accepted.has(t.id) && t.id !== "analyzers/true_peak_test");
  t0 = performance.now();
  let failed = 0;
  for (const t of tests) {
    try {
      compileSignals({ text: t.source, path: `/bench/lib/${t.id}.dsp` }, { name: t.name });
    } catch {
      failed++;
    }
  }
  const oursAll = (performance.now() - t0) / 1000;
  t0 = performance.now();
  for (const t of tests) await compileReference(t.source, `${t.id}#${unique++}`).catch(() => undefined);
  const refAll = (performance.now() - t0) / 1000;
  results.push({ name: `faustlab to signals, ${tests.length} library tests`, value: oursAll, unit: "s", note: `${failed} rejected` });
  results.push({ name: `reference to wasm, ${tests.length} library tests`, value: refAll, unit: "s" });
  return results;
}
