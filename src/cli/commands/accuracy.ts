// `faustlab accuracy`: the numerical-accuracy report (reports/accuracy.ts) on
// the command line.

import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag } from "../../core/diagnostics.ts";
import { writeFileAtomic } from "../../core/fsutil.ts";
import { pipelineFromArgs } from "../pipeline-options.ts";
import type { Command } from "./command.ts";
import { formatAccuracyTable, measureAccuracy, type AccuracyRow } from "../../../reports/accuracy.ts";

const accuracyOptions: OptionSpec[] = [
  { name: "passes", kind: "string", help: "the pipeline whose effect is measured" },
  { name: "O", kind: "flag", help: "measure the default optimizing pipeline" },
  { name: "n", kind: "int", min: 1, help: "samples to render (default 48000)" },
  { name: "sr", kind: "int", min: 1, help: "sample rate (default 44100)" },
  { name: "no-reference", kind: "flag", help: "do not render with the real compiler" },
  { name: "json", kind: "string", help: "write the results as JSON to FILE (atomically; default accuracy.json)" },
  { name: "I", kind: "list", help: "add a folder to the import search path (repeatable)" },
];

export const accuracyCommand: Command = {
  name: "accuracy",
  usage: "faustlab accuracy FILE.dsp… [-passes P | -O] [-n N] [-sr SR] [-no-reference] [-json FILE] [-I DIR]",
  options: accuracyOptions,
  async run(argv, io) {
    const args = parseArgs(argv, accuracyOptions);
    if (!args.positional.length) throw new DiagnosticError([diag("FL010", { command: "accuracy", expected: "at least one FILE.dsp" })]);
    const passes = pipelineFromArgs(args.values.get("passes") as string | undefined, args.flags.has("O"));
    const rows: AccuracyRow[] = [];
    for (const file of args.positional)
      rows.push(
        await measureAccuracy(file, {
          passes,
          samples: args.values.get("n") as number | undefined,
          sampleRate: args.values.get("sr") as number | undefined,
          reference: !args.flags.has("no-reference"),
          includeDirs: args.lists.get("I") ?? [],
        }),
      );
    io.out(formatAccuracyTable(rows, passes));
    const json = (args.values.get("json") as string | undefined) ?? "accuracy.json";
    const finite = (v: number) => (Number.isFinite(v) ? v : String(v));
    const data = { passes: passes ?? null, rows: rows.map((r) => ({ ...r, measures: Object.fromEntries(Object.entries(r.measures).map(([k, m]) => [k, m && { snr: finite(m.snr), maxAbsError: finite(m.maxAbsError), stable: m.stable }])) })) };
    try {
      writeFileAtomic(json, JSON.stringify(data, null, 2) + "\n");
    } catch (e) {
      throw new DiagnosticError([diag("FL004", { path: json, reason: (e as Error).message })]);
    }
    return 0;
  },
};
