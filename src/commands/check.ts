// `faustlab check FILE… [-I DIR]`: parse each file and everything it imports.
// Exit status 0 when every file is well formed, 1 otherwise, with the
// diagnostics (errors and warnings) on stderr.

import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag, render, type Diagnostic } from "../diagnostics.ts";
import { Compilation } from "../frontend/imports.ts";
import type { Command } from "./command.ts";

const options: OptionSpec[] = [
  { name: "I", kind: "list", help: "add a folder to the import search path (repeatable)" },
  { name: "q", kind: "flag", help: "do not print warnings" },
];

export const checkCommand: Command = {
  name: "check",
  summary: "parse FILE… and the files they import; exit 1 with diagnostics if any is malformed",
  usage: "faustlab check FILE… [-I DIR] [-q]",
  options,
  async run(argv, io) {
    const args = parseArgs(argv, options);
    if (args.positional.length === 0) throw new DiagnosticError([diag("FL003", { detail: "check needs at least one FILE" })]);
    const comp = new Compilation(args.lists.get("I") ?? []);
    const quiet = args.flags.has("q");
    const reported = new Set<Diagnostic>();
    let failed = false;
    for (const file of args.positional) {
      let diagnostics: readonly Diagnostic[];
      try {
        diagnostics = comp.loadProgram(file).diagnostics;
      } catch (e) {
        if (!(e instanceof DiagnosticError)) throw e;
        diagnostics = e.diagnostics;
      }
      for (const d of diagnostics) {
        // A file imported by several programs is reported once.
        if (reported.has(d)) continue;
        reported.add(d);
        if (d.severity === "error") failed = true;
        else if (quiet) continue;
        io.err(render(d));
      }
    }
    return failed ? 1 : 0;
  },
};
