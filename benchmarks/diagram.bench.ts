// Diagram layout time (elkjs): the block diagram (all its folded files) and
// the signal graph of the largest library tests by signal-graph size, and of
// a reverb; best of 3 after a warm-up.

import fs from "node:fs";
import { drawBoxDiagram, drawSignalGraph, programGraph } from "../reports/diagram/index.ts";
import { extractLibraryTests } from "../src/driver/libtests.ts";
import { reachable } from "../src/core/signals/graph.ts";
import { projectPath } from "../src/core/paths.ts";
import { bestOf, type BenchResult } from "./types.ts";

export async function run(): Promise<BenchResult[]> {
  const lib = JSON.parse(fs.readFileSync(projectPath("corpus", "library-manifest.json"), "utf8")) as { tests: { id: string; accepted: boolean }[] };
  const ok = new Set(lib.tests.filter((t) => t.accepted).map((t) => t.id));
  const sized = extractLibraryTests()
    .filter((t) => ok.has(t.id))
    .map((t) => {
      const src = { text: t.source, path: `${t.name}.dsp` };
      try {
        return { t, src, size: reachable(programGraph(src, "").outputs).length };
      } catch {
        return undefined;
      }
    })
    .filter((x) => x !== undefined)
    .sort((a, b) => b.size - a.size);
  const out: BenchResult[] = [];
  for (const { t, src, size } of sized.slice(0, 2)) {
    const files = await drawBoxDiagram(src);
    const box = await bestOf(3, () => drawBoxDiagram(src));
    const g = programGraph(src, "");
    const sig = await bestOf(3, () => drawSignalGraph(g, t.id));
    out.push({ name: `box diagram ${t.id}`, value: box, unit: "ms", note: `${files.length} files, ${files.reduce((n, f) => n + f.diagram.blocks.length, 0)} blocks` });
    out.push({ name: `signal graph ${t.id}`, value: sig, unit: "ms", note: `${size} signal nodes (folded past 400 blocks)` });
  }
  return out;
}
