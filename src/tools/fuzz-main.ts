// Fuzzing at scale (`npm run fuzz -- [-n COUNT] [-seed S] [-threads T]
// [-timeout MS] [-memory MB] [-minutes M] [-o REPORT.json]`): mutants of the
// corpus programs, of the library tests, of the library sources, and
// generated programs of the size families go through the whole chain to
// every backend (src/harness/fuzz-chain.ts), in a piscina pool, with a time
// limit (the worker is terminated: a hang) and a memory limit (the worker runs
// out of heap) per case. Crashes, hangs, memory blow-ups, internal errors,
// engine mismatches and traps are reported once per signature, with the
// input reduced; the report goes to out/fuzz/ as JSON. Exit status 1 when
// anything but "ok" and "diagnostic" was met.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Piscina } from "piscina";
import { writeFileAtomic } from "../core/fsutil.ts";
import { projectPath } from "../core/paths.ts";
import { extractLibraryTests } from "../driver/libtests.ts";
import { stdlibDir } from "../driver/stdlib.ts";
import { fuzzCase, libraryProgram, reduceCase, signature, type CaseResult, type CaseSources, type ChainCase } from "../harness/fuzz-chain.ts";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`-${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith("-") && !(all[i - 1] ?? "").startsWith("-"));
const count = Number(arg("n") ?? positional[0] ?? 100000);
const seed = Number(arg("seed") ?? positional[1] ?? Date.now() % 100000);
const threads = Number(arg("threads") ?? Math.max(1, os.availableParallelism()));
const timeoutMs = Number(arg("timeout") ?? 5000);
const memoryMb = Number(arg("memory") ?? 2048);
const minutes = Number(arg("minutes") ?? Infinity);
const reportFile = arg("o") ?? projectPath("out", "fuzz", `report-${seed}.json`);

function corpusPrograms(): ChainCase[] {
  const out: ChainCase[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".dsp")) out.push({ name: path.relative(projectPath("corpus", "programs"), p), text: fs.readFileSync(p, "utf8") });
    }
  };
  walk(projectPath("corpus", "programs"));
  return out;
}

function caseSources(): CaseSources {
  const tests = extractLibraryTests();
  const libraries: ChainCase[] = [];
  const prefixes = new Map<string, string>();
  const std = fs.readFileSync(path.join(stdlibDir(), "stdfaust.lib"), "utf8");
  for (const m of std.matchAll(/^(\w+)\s*=\s*library\("([\w.]+)"\)/gm)) prefixes.set(m[2]!, m[1]!);
  const texts = new Map<string, string>();
  for (const t of tests) {
    const prefix = prefixes.get(t.library);
    if (!prefix) continue;
    let text = texts.get(t.library);
    if (text === undefined) texts.set(t.library, (text = fs.readFileSync(path.join(stdlibDir(), t.library), "utf8")));
    const p = libraryProgram(t.library, text, t.source, prefix);
    if (p) libraries.push({ name: `${t.library}:${t.name}`, text: p });
  }
  return { programs: [...corpusPrograms(), ...tests.map((t) => ({ name: t.id, text: t.source }))], libraries };
}

type Outcome = CaseResult["outcome"] | "hang" | "memory" | "crash";
interface Finding {
  outcome: Outcome;
  signature: string;
  detail: string;
  name: string;
  text: string;
  precision: "single" | "double";
  reduced?: string;
  occurrences: number;
}

const pool = new Piscina({
  filename: new URL("./fuzz-worker.mjs", import.meta.url).href,
  maxThreads: threads,
  minThreads: threads,
  resourceLimits: { maxOldGenerationSizeMb: memoryMb, stackSizeMb: 1 },
});

type Task = ChainCase & { samples?: number; precision?: "single" | "double" };

async function runOne(c: Task, limitMs = timeoutMs): Promise<{ outcome: Outcome; detail: string; result?: CaseResult }> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort("time limit"), limitMs);
  try {
    const result = (await pool.run(c, { signal: ac.signal })) as CaseResult;
    return { outcome: result.outcome, detail: result.detail ?? "", result };
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.name === "AbortError") return { outcome: "hang", detail: `no answer within ${limitMs} ms` };
    if (err.code === "ERR_WORKER_OUT_OF_MEMORY") return { outcome: "memory", detail: `more than ${memoryMb} MB of heap` };
    return { outcome: "crash", detail: `${err.code ?? err.name}: ${err.message}`.split("\n")[0]! };
  } finally {
    clearTimeout(timer);
  }
}

const sources = caseSources();
console.log(
  `fuzz seed ${seed}: ${count} cases, ${threads} threads, ${timeoutMs} ms and ${memoryMb} MB per case; ` +
    `${sources.programs.length} programs, ${sources.libraries.length} library programs, size families`,
);
const counts = new Map<Outcome, number>();
const codes = new Map<string, number>();
let unlocated = 0;
const findings = new Map<string, Finding>();
const t0 = performance.now();
const deadline = t0 + minutes * 60000;
let next = 0;
let done = 0;
let lastReport = t0;

async function lane(): Promise<void> {
  while (next < count && performance.now() < deadline) {
    const i = next++;
    // one precision per case, alternating (the seeded slice in npm test runs both)
    const c = { ...fuzzCase(sources, seed, i), samples: 32, precision: (i % 2 ? "double" : "single") as "single" | "double" };
    const r = await runOne(c);
    done++;
    counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
    for (const code of r.result?.codes ?? []) codes.set(code, (codes.get(code) ?? 0) + 1);
    unlocated += r.result?.unlocated ?? 0;
    if (r.outcome !== "ok" && r.outcome !== "diagnostic") {
      const sig = signature(r);
      const f = findings.get(sig);
      if (f) f.occurrences++;
      else {
        findings.set(sig, { outcome: r.outcome, signature: sig, detail: r.detail, name: c.name, text: c.text, precision: c.precision, occurrences: 1 });
        console.log(`  new ${r.outcome} at case ${i} (${c.name}): ${r.detail}`);
      }
    }
    const now = performance.now();
    if (now - lastReport > 30000) {
      lastReport = now;
      console.log(`  ${done}/${count} cases, ${((now - t0) / 1000).toFixed(0)} s, ${(done / ((now - t0) / 1000)).toFixed(1)}/s: ${JSON.stringify(Object.fromEntries(counts))}`);
    }
  }
}

await Promise.all(Array.from({ length: threads }, () => lane()));
const elapsed = (performance.now() - t0) / 1000;
console.log(`${done} cases in ${elapsed.toFixed(0)} s: ${JSON.stringify(Object.fromEntries(counts))}; ${findings.size} distinct findings; ${unlocated} error diagnostics without a location`);

// Reduce one input per finding (hangs get few trials: each costs a time limit).
for (const f of findings.values()) {
  const trials = f.outcome === "hang" ? 12 : f.outcome === "memory" ? 20 : 150;
  const limit = f.outcome === "hang" ? Math.min(timeoutMs, 10000) : timeoutMs;
  f.reduced = await reduceCase(f.text, async (t) => signature(await runOne({ name: "reduce", text: t, samples: 32, precision: f.precision }, limit)) === f.signature, trials);
  console.log(`\n${f.outcome} ×${f.occurrences}: ${f.detail}\n  first: ${f.name}\n  reduced input:\n${f.reduced.split("\n").map((l) => "    " + l).join("\n")}`);
}
await pool.destroy();

const report = {
  seed,
  cases: done,
  seconds: Math.round(elapsed),
  threads,
  timeoutMs,
  memoryMb,
  counts: Object.fromEntries(counts),
  diagnosticCodes: Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])),
  unlocatedErrors: unlocated,
  findings: [...findings.values()],
};
fs.mkdirSync(path.dirname(reportFile), { recursive: true });
writeFileAtomic(reportFile, JSON.stringify(report, null, 2) + "\n");
console.log(`report: ${reportFile}`);
process.exitCode = findings.size ? 1 : 0;
