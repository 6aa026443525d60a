// `faustlab proptest -passes P [-runs N] [-seed S] [-load-pass FILE.ts]`: the
// semantic property (src/harness/proptest.ts) on a pipeline, built-in or
// loaded. Exit 0 when it holds on every random graph; exit 1 with FL724 and
// the shrunk counterexample (signal IR text, a golden test to paste) when not.

import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag, render } from "../../core/diagnostics.ts";
import { writeFileAtomic } from "../../core/fsutil.ts";
import { formatCounterexample } from "../../harness/semantics.ts";
import { runProptest } from "../../harness/proptest.ts";
import { pipelineFromArgs, pipelineOptions } from "../pipeline-options.ts";
import { loadedPassesFromArgs, loadPassOption } from "../load-pass-options.ts";
import type { Command } from "./command.ts";

const options: OptionSpec[] = [
  ...pipelineOptions,
  loadPassOption,
  { name: "runs", kind: "int", min: 1, help: "random graphs to try (default 100)" },
  { name: "seed", kind: "int", help: "fast-check seed (default 1; the same seed replays the same graphs)" },
  { name: "n", kind: "int", min: 1, help: "samples each graph is evaluated for (default 256)" },
  { name: "o", kind: "string", help: "also write the shrunk counterexample as a golden test file (signal IR)" },
];

export const proptestCommand: Command = {
  name: "proptest",
  usage: "faustlab proptest -passes P | -O [-runs N] [-seed S] [-n N] [-load-pass FILE.ts] [-o FILE.sig]",
  options,
  async run(argv, io) {
    const args = parseArgs(argv, options);
    if (args.positional.length) throw new DiagnosticError([diag("FL010", { command: "proptest", expected: "no FILE: it makes its own random graphs" })]);
    const pipeline = pipelineFromArgs(args.values.get("passes") as string | undefined, args.flags.has("O"));
    if (pipeline === undefined) throw new DiagnosticError([diag("FL010", { command: "proptest", expected: "-passes P (or -O)" })]);
    const { registry } = await loadedPassesFromArgs(args);
    const r = runProptest({
      pipeline,
      registry,
      runs: args.values.get("runs") as number | undefined,
      seed: args.values.get("seed") as number | undefined,
      samples: args.values.get("n") as number | undefined,
    });
    if (!r.counterexample) {
      io.out(`proptest: '${pipeline}' kept its declared bound on ${r.runs} random graphs (seed ${r.seed}; it changed ${r.changed} of them)\n`);
      return 0;
    }
    io.err(render(diag("FL724", { pipeline, runs: r.runs, seed: r.seed })));
    io.err(`after ${r.shrinks} shrinking steps: ${formatCounterexample(r.counterexample)}`);
    io.out(r.golden!);
    const o = args.values.get("o") as string | undefined;
    if (o) writeFileAtomic(o, r.golden!);
    return 1;
  },
};
