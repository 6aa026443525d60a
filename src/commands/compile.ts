// `faustlab compile FILE -lang fir|js`: print (or write with -o) the FIR text
// or the JavaScript module of a program.

import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag, render } from "../diagnostics.ts";
import { writeFileAtomic } from "../fsutil.ts";
import { jsSource } from "../backends/js.ts";
import { compileFir } from "../backends/pipeline.ts";
import { printModule } from "../fir/print.ts";
import type { Command } from "./command.ts";

const LANGS = ["fir", "js"] as const;

const options: OptionSpec[] = [
  { name: "lang", kind: "string", help: "target language: fir (the FIR text) or js (a JavaScript module); default js" },
  { name: "double", kind: "flag", help: "compile in double precision" },
  { name: "o", kind: "string", help: "write the output to FILE (atomically) instead of stdout" },
  { name: "I", kind: "list", help: "add a folder to the import search path (repeatable)" },
];

export const compileCommand: Command = {
  name: "compile",
  summary: "compile FILE to FIR text or to a JavaScript module",
  usage: "faustlab compile FILE.dsp [-lang fir|js] [-double] [-o OUT] [-I DIR]",
  options,
  async run(argv, io) {
    const args = parseArgs(argv, options);
    if (args.positional.length !== 1) throw new DiagnosticError([diag("FL003", { detail: "compile takes exactly one FILE.dsp" })]);
    const lang = (args.values.get("lang") as string | undefined) ?? "js";
    if (!(LANGS as readonly string[]).includes(lang)) throw new DiagnosticError([diag("FL602", { lang, expected: LANGS.join(" or ") })]);
    const m = compileFir(args.positional[0]!, { double: args.flags.has("double"), includeDirs: args.lists.get("I") ?? [], onWarning: (w) => io.err(render(w)) });
    const text = lang === "fir" ? printModule(m) : jsSource(m);
    const out = args.values.get("o") as string | undefined;
    if (out) {
      try {
        writeFileAtomic(out, text);
      } catch (e) {
        throw new DiagnosticError([diag("FL004", { path: out, reason: (e as Error).message })]);
      }
    } else io.out(text);
    return 0;
  },
};
