// `npm run diagrams [-- FILTER]`: draws the block diagram and the signal
// graph of every accepted corpus program and library test (or those whose id
// contains FILTER), checks each drawing (reports/diagram/check.ts), writes them
// under out/diagrams/ID/ and prints the failures, the slowest programs and
// the totals. A failure is a program the compiler accepts that does not draw
// soundly: the script exits 1 when there is one.

import fs from "node:fs";
import path from "node:path";
import { drawBoxDiagram, drawSignalGraph, programGraph, writeDiagramFiles } from "../../reports/diagram/index.ts";
import { drawingProblems } from "../../reports/diagram/check.ts";
import { corpusDir, listPrograms, readManifest } from "../../corpus/manifest.ts";
import { extractLibraryTests } from "../driver/libtests.ts";
import { projectPath } from "../core/paths.ts";
import { render, DiagnosticError } from "../core/diagnostics.ts";

const filter = process.argv[2] ?? "";
const outDir = projectPath("out", "diagrams");
const accepted = new Set(readManifest().filter((e) => e.accepted).map((e) => e.path));
const lib = JSON.parse(fs.readFileSync(projectPath("corpus", "library-manifest.json"), "utf8")) as { tests: { id: string; accepted: boolean }[] };
const libAccepted = new Set(lib.tests.filter((t) => t.accepted).map((t) => t.id));
const programs: { id: string; source: string | { text: string; path: string } }[] = [
  ...listPrograms().filter((p) => accepted.has(p)).map((p) => ({ id: `corpus/${p.replace(/\.dsp$/, "")}`, source: path.join(corpusDir, p) })),
  ...extractLibraryTests().filter((t) => libAccepted.has(t.id)).map((t) => ({ id: `lib/${t.id}`, source: { text: t.source, path: `${t.name}.dsp` } })),
].filter((p) => p.id.includes(filter));

let files = 0;
const failures: string[] = [];
const times: { id: string; ms: number; blocks: number }[] = [];
const t0 = performance.now();
for (const [k, p] of programs.entries()) {
  const start = performance.now();
  try {
    const box = await drawBoxDiagram(p.source);
    const sigs = await drawSignalGraph(programGraph(p.source, ""), p.id);
    const problems = drawingProblems([...box, sigs]);
    if (problems.length) failures.push(`${p.id}: ${problems.slice(0, 3).join("; ")}`);
    const dir = path.join(outDir, p.id);
    writeDiagramFiles(dir, [...box, sigs]);
    files += box.length + 1;
    times.push({ id: p.id, ms: performance.now() - start, blocks: box.reduce((n, f) => n + f.diagram.blocks.length, 0) + sigs.diagram.blocks.length });
  } catch (e) {
    if (e instanceof DiagnosticError) failures.push(`${p.id}: ${e.diagnostics.map((d) => render(d)).join(" ").slice(0, 300)}`);
    else failures.push(`${p.id}: internal error: ${(e as Error).stack?.split("\n").slice(0, 3).join(" ")}`);
  }
  if ((k + 1) % 50 === 0) process.stderr.write(`${k + 1}/${programs.length} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
}
times.sort((a, b) => b.ms - a.ms);
console.log(`# ${programs.length} programs, ${files} SVG files, ${((performance.now() - t0) / 1000).toFixed(1)} s, ${failures.length} failures`);
for (const t of times.slice(0, 10)) console.log(`slowest ${t.id.padEnd(50)} ${t.ms.toFixed(0).padStart(7)} ms  ${t.blocks} blocks`);
for (const f of failures) console.log(`FAIL ${f}`);
process.exitCode = failures.length ? 1 : 0;
