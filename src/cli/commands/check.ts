// `faustlab check FILE… [-I DIR] [-syntax]`: parse each file and everything it
// imports; a .dsp file (or any file defining `process`) is then compiled to checked signals
// (evaluation, arity, propagation, normalization, interval checks), so that
// semantic errors are reported too (`-syntax` stops after parsing). Exit
// status 0 when every file is well formed, 1 otherwise, with the diagnostics
// (errors and warnings) on stderr.

import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag, render, type Diagnostic } from "../../core/diagnostics.ts";
import { compileSignals } from "../../driver/signals.ts";
import { compilationFor } from "../../driver/signals.ts";
import type { Command } from "./command.ts";

const options: OptionSpec[] = [
  { name: "I", kind: "list", help: "add a folder to the import search path (repeatable)" },
  { name: "q", kind: "flag", help: "do not print warnings" },
  { name: "syntax", kind: "flag", help: "only parse: do not evaluate programs" },
];

export const checkCommand: Command = {
  name: "check",
  usage: "faustlab check FILE… [-I DIR] [-q] [-syntax]",
  options,
  async run(argv, io) {
    const args = parseArgs(argv, options);
    if (args.positional.length === 0) throw new DiagnosticError([diag("FL010", { command: "check", expected: "at least one FILE" })]);
    const includeDirs = args.lists.get("I") ?? [];
    // The evaluator's compilation: each file is parsed once for both stages.
    const comp = compilationFor(includeDirs);
    const quiet = args.flags.has("q");
    const reported = new Set<Diagnostic>();
    let failed = false;
    for (const file of args.positional) {
      let diagnostics: readonly Diagnostic[];
      try {
        const program = comp.loadProgram(file);
        diagnostics = program.diagnostics;
        // A .dsp file is a program (it must define process); a library is compiled only if it does.
        const isProgram = file.endsWith(".dsp") || program.entry.stmts.some((b) => b.kind === "def" && b.name === "process");
        if (!args.flags.has("syntax") && isProgram && !diagnostics.some((d) => d.severity === "error")) {
          try {
            const p = compileSignals(file, { includeDirs });
            diagnostics = [...diagnostics, ...p.warnings.filter((w) => !diagnostics.includes(w))];
          } catch (e) {
            if (!(e instanceof DiagnosticError)) throw e;
            diagnostics = [...diagnostics, ...e.diagnostics];
          }
        }
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
