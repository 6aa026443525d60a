// `faustlab compile FILE -lang fir|js|c|cpp|wasm|wast`: print (or write with
// -o) the FIR text, the JavaScript module, the C / C++ source, or the wasm
// module's text form (WAT) of a program; `-lang wasm` writes the binary module
// and its JSON beside it (-o needed). Both wasm forms are validated by the
// WebAssembly engine first: a module it rejects is FL613, not an internal error.

import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag, render } from "../../core/diagnostics.ts";
import { writeFileAtomic } from "../../core/fsutil.ts";
import { jsSource } from "../../chain/backends/js.ts";
import { cSource } from "../../chain/backends/c.ts";
import { cppSource } from "../../chain/backends/cpp.ts";
import { compileWasm, wasmModule } from "../../chain/backends/wasm.ts";
import { printWast } from "../../chain/backends/wasm-wast.ts";
import { classNameProblem, DEFAULT_CLASS } from "../../chain/backends/cfamily.ts";
import { compileFir } from "../../driver/compile.ts";
import { printModule } from "../../core/fir/print.ts";
import { pipelineFromArgs, pipelineOptions, radBlockFromArgs, radBlockOption, scheduleFromArgs, scheduleOption, lockstepOption } from "../pipeline-options.ts";
import type { Command } from "./command.ts";
import { loadedPassesFromArgs, loadPassOption } from "../load-pass-options.ts";

const LANGS = ["fir", "js", "c", "cpp", "wasm", "wast"] as const;

const options: OptionSpec[] = [
  { name: "lang", kind: "string", help: "target language: fir (the FIR text), js (a JavaScript module), c or cpp, wasm (a WebAssembly module and its JSON beside it; needs -o), wast (the wasm module as text); default js" },
  { name: "cn", kind: "string", help: "class name of the C/C++ DSP (default mydsp)" },
  { name: "double", kind: "flag", help: "compile in double precision" },
  ...pipelineOptions, scheduleOption, lockstepOption, radBlockOption,
  loadPassOption,
  { name: "o", kind: "string", help: "write the output to FILE (atomically) instead of stdout" },
  { name: "I", kind: "list", help: "add a folder to the import search path (repeatable)" },
];

function write(file: string, data: string | Uint8Array): void {
  try {
    writeFileAtomic(file, data);
  } catch (e) {
    throw new DiagnosticError([diag("FL004", { path: file, reason: (e as Error).message })]);
  }
}

export const compileCommand: Command = {
  name: "compile",
  usage: "faustlab compile FILE.dsp|FILE.sig [-lang fir|js|c|cpp|wasm|wast] [-cn NAME] [-double] [-passes P | -O] [-ss 0|1|2|3] [-no-lockstep] [-load-pass FILE.ts] [-o OUT] [-I DIR]",
  options,
  async run(argv, io) {
    const args = parseArgs(argv, options);
    if (args.positional.length !== 1) throw new DiagnosticError([diag("FL010", { command: "compile", expected: "exactly one FILE.dsp" })]);
    const lang = (args.values.get("lang") as string | undefined) ?? "js";
    if (!(LANGS as readonly string[]).includes(lang)) throw new DiagnosticError([diag("FL602", { lang, expected: LANGS.join(" or ") })]);
    const passes = pipelineFromArgs(args.values.get("passes") as string | undefined, args.flags.has("O"));
    const m = compileFir(args.positional[0]!, { double: args.flags.has("double"), includeDirs: args.lists.get("I") ?? [], onWarning: (w) => io.err(render(w)), passes, schedule: scheduleFromArgs(args.values.get("ss")), lockstep: !args.flags.has("no-lockstep"), tapeBlock: radBlockFromArgs(args.values.get("rad-block")), registry: (await loadedPassesFromArgs(args)).registry });
    if (lang === "wasm") {
      const file = args.values.get("o") as string | undefined;
      if (!file) throw new DiagnosticError([diag("FL013")]);
      const w = wasmModule(m);
      compileWasm(w.bytes);
      write(file, w.bytes);
      write(file.replace(/\.wasm$/, "") + ".json", w.json);
      return 0;
    }
    const className = (args.values.get("cn") as string | undefined) ?? DEFAULT_CLASS;
    const problem = classNameProblem(className);
    if (problem) throw new DiagnosticError([diag("FL018", { name: className, problem })]);
    let text: string;
    if (lang === "wast") {
      const w = wasmModule(m);
      compileWasm(w.bytes);
      text = printWast(w.spec);
    } else text = lang === "fir" ? printModule(m) : lang === "c" ? cSource(m, { className }) : lang === "cpp" ? cppSource(m, { className }) : jsSource(m);
    const out = args.values.get("o") as string | undefined;
    if (out) write(out, text);
    else io.out(text);
    return 0;
  },
};
