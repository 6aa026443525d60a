// `faustlab boxes FILE [-I DIR] [-all]`: parse a program and print its
// definitions as box IR, in the canonical text form (valid Faust).

import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag, render } from "../../core/diagnostics.ts";
import { printProgram } from "../../core/boxes/print.ts";
import { Compilation } from "../../chain/frontend/imports.ts";
import { withStdlib } from "../../driver/stdlib.ts";
import type { Command } from "./command.ts";

const options: OptionSpec[] = [
  { name: "I", kind: "list", help: "add a folder to the import search path (repeatable)" },
  { name: "all", kind: "flag", help: "also print the definitions of every imported file" },
];

export const boxesCommand: Command = {
  name: "boxes",
  usage: "faustlab boxes FILE [-I DIR] [-all]",
  options,
  async run(argv, io) {
    const args = parseArgs(argv, options);
    if (args.positional.length !== 1) throw new DiagnosticError([diag("FL010", { command: "boxes", expected: "exactly one FILE" })]);
    const comp = new Compilation(withStdlib(args.lists.get("I") ?? []));
    const program = comp.loadProgram(args.positional[0]!);
    const errors = program.diagnostics.filter((d) => d.severity === "error");
    if (errors.length) throw new DiagnosticError(program.diagnostics);
    for (const d of program.diagnostics) io.err(render(d));
    const files = args.flags.has("all") ? program.files : [program.entry];
    const out: string[] = [];
    for (const f of files) {
      if (files.length > 1) out.push(`// file: ${f.file.path}\n`);
      out.push(printProgram(f.stmts));
    }
    io.out(out.join(""));
    return 0;
  },
};
