// Diagrams of a program: the block diagram of its evaluated process
// (boxes.ts) and the picture of its signal graph after a pipeline
// (signals.ts), laid out by elkjs (layout.ts) and drawn as SVG (svg.ts).

import path from "node:path";
import fs from "node:fs";
import { DiagnosticError } from "../../src/core/diagnostics.ts";
import { writeFileAtomic } from "../../src/core/fsutil.ts";
import type { EvalOptions, ProgramSource } from "../../src/chain/eval/eval.ts";
import { compileSignals, evaluateProgram } from "../../src/driver/signals.ts";
import { optimizeProgram } from "../../src/driver/optimize.ts";
import type { SignalGraph } from "../../src/core/signals/graph.ts";
import { signalDiagram, type SignalDiagramOptions } from "./signals.ts";
import { boxDiagrams, type BoxDiagramOptions } from "./boxes.ts";
import { layoutDiagram, type Layout } from "./layout.ts";
import type { Diagram } from "./model.ts";
import { renderSvg } from "./svg.ts";

export { boxDiagrams } from "./boxes.ts";
export { signalDiagram } from "./signals.ts";
export { layoutDiagram } from "./layout.ts";
export { renderSvg, STYLE } from "./svg.ts";

export interface DrawnFile {
  readonly file: string;
  readonly diagram: Diagram;
  readonly layout: Layout;
  readonly svg: string;
}

export interface BoxDrawOptions extends BoxDiagramOptions, Pick<EvalOptions, "maxSteps" | "maxDepth" | "importPolicy"> {
  readonly includeDirs?: readonly string[];
  readonly precision?: "single" | "double" | "quad";
}

/** The block diagram of a program: `process.svg` first, then a file per folded sub-expression. Throws DiagnosticError when the program does not evaluate. */
export async function drawBoxDiagram(source: ProgramSource, opts: BoxDrawOptions = {}): Promise<DrawnFile[]> {
  const r = evaluateProgram(source, {
    includeDirs: opts.includeDirs ?? [],
    precision: opts.precision ?? "single",
    ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
    ...(opts.maxDepth !== undefined ? { maxDepth: opts.maxDepth } : {}),
    ...(opts.importPolicy !== undefined ? { importPolicy: opts.importPolicy } : {}),
  });
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || !r.process) throw new DiagnosticError(errors.length ? errors : r.diagnostics);
  const files = boxDiagrams(r.process, r.names ?? new Map(), opts);
  const out: DrawnFile[] = [];
  for (const f of files) {
    const layout = await layoutDiagram(f.diagram);
    out.push({ file: f.file, diagram: f.diagram, layout, svg: renderSvg(layout, { title: f.diagram.title }) });
  }
  return out;
}

/** Writes drawn files into a folder (each atomically); returns their paths. */
export function writeDiagramFiles(dir: string, files: readonly { file: string; svg: string }[]): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return files.map((f) => {
    const p = path.join(dir, f.file);
    writeFileAtomic(p, f.svg);
    return p;
  });
}

export interface SignalDrawOptions extends SignalDiagramOptions {
  readonly includeDirs?: readonly string[];
  readonly precision?: "single" | "double";
}

/** The signal graph of a program after a pipeline ("" for the normalized graph). */
export function programGraph(source: ProgramSource, pipeline: string, opts: SignalDrawOptions = {}): SignalGraph {
  const precision = opts.precision ?? "single";
  const p = compileSignals(source, { includeDirs: opts.includeDirs ?? [], precision });
  const q = pipeline.trim() === "" ? p : optimizeProgram(p, pipeline, { context: { precision } }).program;
  return { inputs: q.inputs, outputs: q.outputs };
}

/** Draws a signal graph; `title` heads the picture. */
export async function drawSignalGraph(g: SignalGraph, title: string, opts: SignalDiagramOptions = {}): Promise<DrawnFile> {
  const diagram = signalDiagram(g, title, opts);
  const layout = await layoutDiagram(diagram);
  return { file: "signals.svg", diagram, layout, svg: renderSvg(layout, { title }) };
}

/** Two pictures of a program's signal graph, after pipelines A and B, side by side in one page. */
export async function drawComparison(source: ProgramSource, a: string, b: string, opts: SignalDrawOptions = {}): Promise<{ files: DrawnFile[]; html: string }> {
  const fa = await drawSignalGraph(programGraph(source, a, opts), `after '${a || "(normalized)"}'`, opts);
  const fb = await drawSignalGraph(programGraph(source, b, opts), `after '${b || "(normalized)"}'`, opts);
  const files = [{ ...fa, file: "signals-a.svg" }, { ...fb, file: "signals-b.svg" }];
  const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>signal graphs: ${esc(a)} vs ${esc(b)}</title>
<style>body{margin:0;font:14px system-ui,sans-serif;background:#f6f7f9;color:#1d2330}@media (prefers-color-scheme: dark){body{background:#0d1016;color:#e6e9ef}}
.row{display:flex;gap:16px;align-items:flex-start;padding:16px;overflow:auto}.row figure{margin:0}figcaption{padding:4px 0;font-weight:600}</style></head>
<body><div class="row">
<figure><figcaption>${esc(a || "(normalized)")}: ${fa.diagram.blocks.length} blocks</figcaption><img src="signals-a.svg" alt="signal graph after ${esc(a)}"></figure>
<figure><figcaption>${esc(b || "(normalized)")}: ${fb.diagram.blocks.length} blocks</figcaption><img src="signals-b.svg" alt="signal graph after ${esc(b)}"></figure>
</div></body></html>
`;
  return { files, html };
}

/**
 * The diagrams of one program for a report: its block diagram (with the
 * folded files) in `dir/box/`, and its signal graph after each pipeline in
 * `dir/signals-NAME.svg`. Returns the entry files relative to `dir`, and the
 * pipelines whose graph could not be drawn with the reason.
 */
export async function writeProgramDiagrams(
  source: ProgramSource,
  pipelines: Readonly<Record<string, string>>,
  dir: string,
  opts: SignalDrawOptions = {},
): Promise<{ box?: string; signals: { pipeline: string; file: string }[]; problems: string[] }> {
  const problems: string[] = [];
  let box: string | undefined;
  const why = (e: unknown) => (e instanceof DiagnosticError ? e.diagnostics.map((d) => d.message).join("; ") : (e as Error).message);
  try {
    const files = await drawBoxDiagram(source, { includeDirs: opts.includeDirs ?? [], precision: opts.precision ?? "single" });
    writeDiagramFiles(path.join(dir, "box"), files);
    box = "box/process.svg";
  } catch (e) {
    problems.push(`block diagram: ${why(e)}`);
  }
  const signals: { pipeline: string; file: string }[] = [];
  for (const [name, text] of Object.entries(pipelines)) {
    try {
      const f = await drawSignalGraph(programGraph(source, text, opts), `${name}${text ? ` (${text})` : ""}`);
      const file = `signals-${name.replace(/[^A-Za-z0-9_-]+/g, "_")}.svg`;
      writeDiagramFiles(dir, [{ file, svg: f.svg }]);
      signals.push({ pipeline: name, file });
    } catch (e) {
      problems.push(`signal graph after ${name}: ${why(e)}`);
    }
  }
  return { ...(box !== undefined ? { box } : {}), signals, problems };
}
