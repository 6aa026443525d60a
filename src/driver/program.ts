// A program as the driver takes it: Faust source (`.dsp`, compiled to
// normalized signals by src/driver/signals.ts) or signal IR text (`.sig`, the
// canonical text of src/core/signals/print.ts, as `faustlab signals` and
// `faustlab opt` print it), so that an optimized graph can be rendered,
// compiled and measured like a program.
//
//   loadProgram(source, opts) → SignalProgram        either kind, by extension
//   readSignalProgram(source, opts) → SignalProgram  signal IR text
//   signalsHeader(inputs, outputs) → "; 1 input, 2 outputs"
//
// Signal IR carries no input count of its own: the header line `; N inputs`
// (a comment to the parser) gives it, else the highest input read. Roots that
// are `output i, x` nodes give output i; bare roots are the outputs in order.
// The user interface is rebuilt from the widgets the graph reads.

import { SpanTable } from "../core/spans.ts";
import { DiagnosticError } from "../core/diagnostics.ts";
import { readSource } from "../core/fsutil.ts";
import { inputsRead } from "../core/signals/graph.ts";
import { checkProgram } from "../core/signals/intervals.ts";
import { parseSignals } from "../core/signals/parse.ts";
import type { Sig } from "../core/signals/signal.ts";
import { verifySignals } from "../core/signals/verify.ts";
import { buildUI } from "../chain/propagate/ui.ts";
import type { ProgramSource } from "../chain/eval/eval.ts";
import { compileSignals, programName, type CompileOptions, type SignalProgram } from "./signals.ts";

/** Whether a path names signal IR text rather than Faust source. */
export function isSignalFile(file: string): boolean {
  return file.endsWith(".sig");
}

/** The comment line `faustlab signals` starts its text with; readSignalProgram reads the input count back from it. */
export function signalsHeader(inputs: number, outputs: number): string {
  return `; ${inputs} input${inputs === 1 ? "" : "s"}, ${outputs} output${outputs === 1 ? "" : "s"}`;
}

/** The input count a `; N inputs` comment line of signal IR text declares, if any. */
export function headerInputs(text: string): number | undefined {
  const header = /^;[^\n]*?\b(\d+) inputs?\b/m.exec(text);
  return header ? Number(header[1]) : undefined;
}

/** Parses signal IR text into a program; throws DiagnosticError (FL560–FL573) with spans into the text. */
export function readSignalProgram(source: ProgramSource, opts: CompileOptions = {}): SignalProgram {
  const file = typeof source === "string" ? source : source.path;
  const text = typeof source === "string" ? readSource(source) : source.text;
  const { roots } = parseSignals(text, file, { freshGroups: true });
  const bad = verifySignals(roots);
  if (bad.length) throw new DiagnosticError(bad.slice(0, 5).map((p) => p.diagnostic));
  let outputs: Sig[];
  if (roots.length > 0 && roots.every((r) => r.kind === "output")) {
    const byIndex = [...roots] as Extract<Sig, { kind: "output" }>[];
    byIndex.sort((a, b) => a.index - b.index);
    outputs = byIndex.map((r) => r.x);
  } else outputs = [...roots];
  const inputs = Math.max(headerInputs(text) ?? 0, inputsRead(outputs));
  const name = opts.name ?? programName(file);
  const info = checkProgram(outputs);
  // signal IR carries no source spans: the compilation's table starts empty
  return { name, inputs, outputs, raw: outputs, ui: buildUI(outputs, name), metadata: [], info, warnings: [], spans: new SpanTable<Sig>() };
}

/** Faust source or signal IR (by the `.sig` extension) to a normalized program. */
export function loadProgram(source: ProgramSource, opts: CompileOptions = {}): SignalProgram {
  const file = typeof source === "string" ? source : source.path;
  return isSignalFile(file) ? readSignalProgram(source, opts) : compileSignals(source, opts);
}
