// `faustlab signals FILE`: the program's normalized output signals in the
// canonical text form (`-raw`: as propagation produced them).

import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag, render } from "../../core/diagnostics.ts";
import { compileSignals } from "../../driver/signals.ts";
import { printSignals } from "../../core/signals/print.ts";
import { sig } from "../../core/signals/signal.ts";
import { signalsHeader } from "../../driver/program.ts";
import type { Command } from "./command.ts";

export const compileOptions: OptionSpec[] = [
  { name: "I", kind: "list", help: "add a folder to the import search path (repeatable)" },
  { name: "double", kind: "flag", help: "compile in double precision (selects doubleprecision definitions)" },
];

const options: OptionSpec[] = [...compileOptions, { name: "raw", kind: "flag", help: "print the signals before normalization" }];

export const signalsCommand: Command = {
  name: "signals",
  usage: "faustlab signals FILE [-I DIR] [-double] [-raw]",
  options,
  async run(argv, io) {
    const args = parseArgs(argv, options);
    if (args.positional.length !== 1) throw new DiagnosticError([diag("FL010", { command: "signals", expected: "exactly one FILE" })]);
    const p = compileSignals(args.positional[0]!, {
      includeDirs: args.lists.get("I") ?? [],
      precision: args.flags.has("double") ? "double" : "single",
    });
    for (const w of p.warnings) io.err(render(w));
    const roots = (args.flags.has("raw") ? p.raw : p.outputs).map((s, i) => sig.output(i, s));
    // a comment of the signal IR (`;`), so that `faustlab opt F.sig` and the other commands read the text back
    io.out(signalsHeader(p.inputs, roots.length) + "\n");
    io.out(printSignals(roots, { localGroupNames: true }));
    return 0;
  },
};
