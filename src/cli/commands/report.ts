// `faustlab report DIR`: DIR/results.jsonl → DIR/report/index.html
// (reports/experiment-report.ts), a folder that opens offline; prints its path.

import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag } from "../../core/diagnostics.ts";
import { writeReport } from "../../../reports/experiment-report.ts";
import type { Command } from "./command.ts";

const options: OptionSpec[] = [];

export const reportCommand: Command = {
  name: "report",
  usage: "faustlab report DIR",
  options,
  async run(argv, io) {
    const args = parseArgs(argv, options);
    if (args.positional.length !== 1) throw new DiagnosticError([diag("FL010", { command: "report", expected: "exactly one DIR (an experiment's results folder)" })]);
    const r = await writeReport(args.positional[0]!);
    io.err(`faustlab report: ${r.pages.length} pages, ${r.plots} plots`);
    io.out(r.index + "\n");
    return 0;
  },
};
