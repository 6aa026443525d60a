// `faustlab results DIR [-csv] [-o FILE]`: the records of an experiment's
// results folder, as a summary or as CSV (for pandas and R);
// `faustlab results merge OUT DIR…`: joins shards' folders into OUT.

import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag } from "../../core/diagnostics.ts";
import { writeFileAtomic } from "../../core/fsutil.ts";
import { mergeResults, readResults, toCsv } from "../../harness/experiment/store.ts";
import type { Command } from "./command.ts";

const options: OptionSpec[] = [
  { name: "csv", kind: "flag", help: "print every record as a CSV row (header first)" },
  { name: "o", kind: "string", help: "write the CSV to FILE (atomically) instead of stdout" },
];

export const resultsCommand: Command = {
  name: "results",
  usage: "faustlab results DIR [-csv] [-o FILE]\n       faustlab results merge OUT DIR…",
  options,
  async run(argv, io) {
    const args = parseArgs(argv.map((a) => (a === "--csv" ? "-csv" : a)), options);
    const [first, ...rest] = args.positional;
    if (first === "merge") {
      if (rest.length < 2) throw new DiagnosticError([diag("FL010", { command: "results merge", expected: "OUT and at least one DIR" })]);
      const [out, ...dirs] = rest;
      const n = mergeResults(out!, dirs);
      io.out(`${n} records from ${dirs.length} folders in ${out}/results.jsonl\n`);
      return 0;
    }
    if (!first || rest.length) throw new DiagnosticError([diag("FL010", { command: "results", expected: "one DIR (or: results merge OUT DIR…)" })]);
    const records = readResults(first);
    if (args.flags.has("csv")) {
      const csv = toCsv(records);
      const o = args.values.get("o") as string | undefined;
      if (o) writeFileAtomic(o, csv);
      else io.out(csv);
      return 0;
    }
    const failed = records.filter((r) => r.status === "failed");
    const lines = [`${records.length} records: ${records.length - failed.length} measured, ${failed.length} failed`];
    for (const r of failed) lines.push(`  failed ${r.program} ${r.pipelineName} ${r.precision} ${r.backend} ${r.stimulus}: ${r.diagnostics[0] ? `${r.diagnostics[0].code} ${r.diagnostics[0].message}` : ""}`);
    io.out(lines.join("\n") + "\n");
    return 0;
  },
};
