// `faustlab eval FILE [-I DIR] [-double|-quad] [-meta]`: evaluate a program
// and print the evaluated process box (canonical text) and its arity.

import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag, render } from "../../core/diagnostics.ts";
import { printBox } from "../../core/boxes/print.ts";
import type { Precision } from "../../chain/eval/eval.ts";
import { evaluateProgram } from "../../driver/signals.ts";
import { treeSize } from "../../chain/eval/arity.ts";
import type { Command } from "./command.ts";

const options: OptionSpec[] = [
  { name: "I", kind: "list", help: "add a folder to the import search path (repeatable)" },
  { name: "double", kind: "flag", help: "select doubleprecision definitions" },
  { name: "quad", kind: "flag", help: "select quadprecision definitions" },
  { name: "meta", kind: "flag", help: "also print the declare metadata" },
];

export const evalCommand: Command = {
  name: "eval",
  usage: "faustlab eval FILE [-I DIR] [-double|-quad] [-meta]",
  options,
  async run(argv, io) {
    const args = parseArgs(argv, options);
    if (args.positional.length !== 1) throw new DiagnosticError([diag("FL010", { command: "eval", expected: "exactly one FILE" })]);
    const precision: Precision = args.flags.has("quad") ? "quad" : args.flags.has("double") ? "double" : "single";
    const r = evaluateProgram(args.positional[0]!, { includeDirs: args.lists.get("I") ?? [], precision });
    if (!r.process || !r.arity || r.diagnostics.some((d) => d.severity === "error")) throw new DiagnosticError(r.diagnostics);
    for (const d of r.diagnostics) io.err(render(d));
    const lines = [`// ${r.arity.ins} input${r.arity.ins === 1 ? "" : "s"}, ${r.arity.outs} output${r.arity.outs === 1 ? "" : "s"}`];
    if (args.flags.has("meta")) {
      for (const m of r.metadata) lines.push(`// declare ${m.target ? m.target + " " : ""}${m.key} ${JSON.stringify(m.value)} (${m.file})`);
    }
    const size = treeSize(r.process, PRINT_LIMIT);
    if (size > PRINT_LIMIT) lines.push(`// the evaluated box is a DAG whose text form has more than ${PRINT_LIMIT} nodes; not printed`);
    else lines.push(`process = ${printBox(r.process)};`);
    io.out(lines.join("\n") + "\n");
    return 0;
  },
};

/** Largest tree (text) size printed; shared sub-boxes are printed once per use. */
const PRINT_LIMIT = 1_000_000;
