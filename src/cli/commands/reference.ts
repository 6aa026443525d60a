// `faustlab reference FILE.dsp`: compile with the real compiler and print an
// impulse response in the contract format shared by every engine.

import path from "node:path";
import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag } from "../../core/diagnostics.ts";
import { readSource } from "../../core/fsutil.ts";
import { compileReference, OracleError, referenceVersion, renderReference } from "../../harness/oracle.ts";
import { formatImpulse } from "../../driver/impulse.ts";
import type { Command } from "./command.ts";

export const renderOptions: OptionSpec[] = [
  { name: "n", kind: "int", min: 0, help: "number of samples to render (default 16)" },
  { name: "double", kind: "flag", help: "compile and render in double precision" },
  { name: "sr", kind: "int", min: 1, help: "sample rate (default 44100)" },
  { name: "bs", kind: "int", min: 1, help: "block size passed to compute (default 512)" },
  { name: "I", kind: "list", help: "add a folder to the import search path (repeatable)" },
];

export const referenceCommand: Command = {
  name: "reference",
  usage: "faustlab reference FILE.dsp [-n N] [-double] [-sr SR] [-bs BS] [-I DIR]",
  options: renderOptions,
  async run(argv, io) {
    const args = parseArgs(argv, renderOptions);
    if (args.positional.length !== 1) throw new DiagnosticError([diag("FL010", { command: "reference", expected: "exactly one FILE.dsp" })]);
    const file = args.positional[0]!;
    const source = readSource(file);
    const n = (args.values.get("n") as number | undefined) ?? 16;
    const sr = (args.values.get("sr") as number | undefined) ?? 44100;
    const bs = (args.values.get("bs") as number | undefined) ?? 512;
    const double = args.flags.has("double");
    try {
      const compiled = await compileReference(source, file, {
        double,
        sourceDir: path.dirname(path.resolve(file)),
        includeDirs: args.lists.get("I") ?? [],
      });
      const r = renderReference(compiled, { samples: n, sampleRate: sr, blockSize: bs });
      io.out(formatImpulse({ engine: `faust ${await referenceVersion()}`, sampleRate: sr, samples: n, double, ...r }));
      return 0;
    } catch (e) {
      if (e instanceof OracleError) {
        if (e.stage === "compile") {
          io.err(e.message);
          return 1;
        }
        throw new DiagnosticError([diag("FL902", { message: e.message })]);
      }
      throw e;
    }
  },
};
