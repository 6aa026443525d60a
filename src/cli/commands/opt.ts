// `faustlab opt FILE -passes P`: run a pass pipeline over a program's signal
// graph and print the graph after it. FILE is Faust source (.dsp, compiled
// to normalized signals first) or signal IR text (any other extension, the
// format of src/core/signals/print.ts).
//
//   faustlab opt --list                      the registry: one pass a line, starting with its name
//   faustlab opt --print-pipeline -passes P  the canonical text of P, alone on the last line
//   faustlab opt FILE -passes P | -O         the graph after the pipeline (stdout); `print` passes
//                                            print in between; -stats, -time-passes, -remarks and
//                                            -print-after-all report on stderr

import fs from "node:fs";
import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag, render } from "../../core/diagnostics.ts";
import { compileSignals } from "../../driver/signals.ts";
import { writeFileAtomic } from "../../core/fsutil.ts";
import { lockstepOption, pipelineFromArgs, scheduleFromArgs, scheduleOption } from "../pipeline-options.ts";
import { inputsRead, type SignalGraph } from "../../core/signals/graph.ts";
import { parseSignals } from "../../core/signals/parse.ts";
import { printSignals } from "../../core/signals/print.ts";
import { verifySignals } from "../../core/signals/verify.ts";
import type { Sig } from "../../core/signals/signal.ts";
import type { SpanTable } from "../../core/spans.ts";
import { formatStats, formatTimes, runPipeline } from "../../../passes/manager.ts";
import { flattenPipeline } from "../../../passes/pipeline.ts";
import { listRegistry, parse } from "../../../passes/registry.ts";
import { printPipeline } from "../../../passes/pipeline.ts";
import { headerInputs } from "../../driver/program.ts";
import type { Command, CommandIO } from "./command.ts";
import { loadedPassesFromArgs, loadPassOption } from "../load-pass-options.ts";

const options: OptionSpec[] = [
  { name: "passes", kind: "string", help: "the pipeline to run, e.g. 'normalize,print<types>'" },
  { name: "O", kind: "flag", help: "run the default optimizing pipeline" },
  scheduleOption,
  lockstepOption,
  { name: "list", kind: "flag", help: "print the registered passes (one a line, starting with its name), pipelines and analyses" },
  { name: "print-pipeline", kind: "flag", help: "print the canonical text of the pipeline on the last line" },
  { name: "stats", kind: "flag", help: "print each pass's statistics (stderr)" },
  { name: "time-passes", kind: "flag", help: "print the time each pass took (stderr)" },
  { name: "remarks", kind: "flag", help: "print what each pass did or why it did not (stderr)" },
  { name: "print-after-all", kind: "flag", help: "print the graph after every pass (stderr)" },
  { name: "verify-each", kind: "flag", help: "verify the graph after every pass and name the pass that broke it (debug mode: always on with FAUSTLAB_DEBUG=1, as in the tests)" },
  { name: "disable-output", kind: "flag", help: "do not print the final graph" },
  { name: "double", kind: "flag", help: "compile Faust source in double precision" },
  { name: "o", kind: "string", help: "write the final graph to FILE (atomically) instead of stdout" },
  { name: "I", kind: "list", help: "add a folder to the import search path (repeatable)" },
  loadPassOption,
];

/** The graph of FILE, with the spans of this compilation (signal IR carries none). */
function readGraph(file: string, args: ReturnType<typeof parseArgs>, io: CommandIO): { graph: SignalGraph; spans?: SpanTable<Sig> } {
  if (file.endsWith(".dsp")) {
    const p = compileSignals(file, { includeDirs: args.lists.get("I") ?? [], precision: args.flags.has("double") ? "double" : "single" });
    for (const w of p.warnings) io.err(render(w));
    return { graph: { inputs: p.inputs, outputs: p.outputs }, spans: p.spans };
  }
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new DiagnosticError([diag("FL001", { path: file, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message })]);
  }
  const { roots } = parseSignals(text, file, { freshGroups: true });
  // the parser checks syntax and names; the graph itself must be well formed too
  const bad = verifySignals(roots);
  if (bad.length) throw new DiagnosticError(bad.slice(0, 5).map((p) => p.diagnostic));
  return { graph: { inputs: Math.max(headerInputs(text) ?? 0, inputsRead(roots)), outputs: roots } };
}

export const optCommand: Command = {
  name: "opt",
  usage: "faustlab opt FILE [-passes P | -O] [-ss N] [-stats] [-time-passes] [-remarks] [-print-after-all] [-verify-each] [-load-pass FILE.ts] [-o OUT]\n       faustlab opt --list\n       faustlab opt --print-pipeline -passes P",
  options,
  async run(argv, io) {
    const args = parseArgs(argv, options);
    const loaded = await loadedPassesFromArgs(args);
    if (args.flags.has("list")) {
      io.out(listRegistry(loaded.passes));
      return 0;
    }
    const text = pipelineFromArgs(args.values.get("passes") as string | undefined, args.flags.has("O")) ?? "";
    const pipeline = parse(text, loaded.registry);
    if (args.positional.length > 1) throw new DiagnosticError([diag("FL010", { command: "opt", expected: "one FILE" })]);
    const file = args.positional[0];
    if (file === undefined) {
      if (args.flags.has("print-pipeline")) {
        io.out(printPipeline(pipeline) + "\n");
        return 0;
      }
      throw new DiagnosticError([diag("FL010", { command: "opt", expected: "a FILE (Faust source or signal IR), or --list, or --print-pipeline" })]);
    }
    const { graph, spans } = readGraph(file, args, io);
    const schedule = scheduleFromArgs(args.values.get("ss"));
    const run = runPipeline(graph, flattenPipeline(pipeline), {
      // Faust source is compiled in the precision -double selects; signal IR has none
      context: { ...(file.endsWith(".dsp") ? { precision: args.flags.has("double") ? "double" : "single", spans } : {}), ...(schedule !== undefined ? { schedule } : {}), ...(args.flags.has("no-lockstep") ? { lockstep: false } : {}) },
      ...(args.flags.has("verify-each") ? { debug: true } : {}),
      onText: (t) => io.out(t),
      printAfter: args.flags.has("print-after-all") ? (pass, t) => io.err(`; *** signal graph after ${pass} ***\n${t}`) : undefined,
    });
    if (args.flags.has("remarks")) for (const r of run.records) for (const d of r.remarks) io.err(render(d));
    if (args.flags.has("stats")) io.err(formatStats(run.records));
    if (args.flags.has("time-passes")) io.err(formatTimes(run.records));
    if (!args.flags.has("disable-output")) {
      const out = printSignals(run.graph.outputs, { localGroupNames: true });
      const o = args.values.get("o") as string | undefined;
      if (o) {
        try {
          writeFileAtomic(o, out);
        } catch (e) {
          throw new DiagnosticError([diag("FL004", { path: o, reason: (e as Error).message })]);
        }
      } else io.out(out);
    }
    if (args.flags.has("print-pipeline")) io.out(printPipeline(pipeline) + "\n");
    return 0;
  },
};
