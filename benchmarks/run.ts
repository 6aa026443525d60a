// `npm run bench [-- FILTER…]`: runs every benchmarks/*.bench.ts (or those
// whose name contains a FILTER), prints one line per figure, and writes all
// figures to out/bench.json atomically. Speed is measured here, never by
// timed assertions in tests.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { writeFileAtomic } from "../src/core/fsutil.ts";
import type { BenchResult } from "./types.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = fs
  .readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const all: (BenchResult & { bench: string })[] = [];
console.log(`# faustlab benchmarks: node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}`);
for (const f of files) {
  const mod = (await import(pathToFileURL(path.join(here, f)).href)) as { run(): Promise<BenchResult[]> };
  const bench = f.replace(/\.bench\.ts$/, "");
  const results = await mod.run();
  for (const r of results) {
    all.push({ bench, ...r });
    const v = Math.abs(r.value) >= 100 ? r.value.toFixed(0) : r.value.toPrecision(3);
    console.log(`${bench.padEnd(12)} ${r.name.padEnd(48)} ${v.padStart(12)} ${r.unit}${r.note ? `  (${r.note})` : ""}`);
  }
}
const out = path.join(here, "..", "out", "bench.json");
writeFileAtomic(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, results: all }, null, 2) + "\n");
console.log(`# wrote ${path.relative(process.cwd(), out)}`);
