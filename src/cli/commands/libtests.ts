// `faustlab libtests`: list the library test programs, or write them to a folder.

import path from "node:path";
import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag } from "../../core/diagnostics.ts";
import { extractLibraryTests, writeLibraryTests } from "../../driver/libtests.ts";
import type { Command } from "./command.ts";

const options: OptionSpec[] = [
  { name: "o", kind: "string", help: "write each test as DIR/LIB/NAME_test.dsp" },
  { name: "show", kind: "string", help: "print the program of one test id (LIB/NAME_test)" },
];

export const libtestsCommand: Command = {
  name: "libtests",
  usage: "faustlab libtests [-o DIR] [-show LIB/NAME_test]",
  options,
  async run(argv, io) {
    const args = parseArgs(argv, options);
    const tests = extractLibraryTests();
    const show = args.values.get("show") as string | undefined;
    if (show !== undefined) {
      const t = tests.find((x) => x.id === show);
      if (!t) throw new DiagnosticError([diag("FL017", { name: show })]);
      io.out(t.source);
      return 0;
    }
    const dir = args.values.get("o") as string | undefined;
    if (dir !== undefined) {
      const written = writeLibraryTests(dir, tests);
      io.out(`wrote ${written.length} programs under ${path.resolve(dir)}\n`);
      return 0;
    }
    for (const t of tests) io.out(`${t.id}\t${t.library}:${t.line}\n`);
    return 0;
  },
};
