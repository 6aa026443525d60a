// The faustlab command line: a table of subcommands, each loaded when it is
// first needed (so `faustlab help` or `faustlab compile` do not load the
// oracle, the pass catalogue's reports or each other). Every failure a user
// can cause ends as diagnostics on stderr and exit status 1; anything else
// that escapes is reported as an internal error (FL005) with exit status 3,
// never as a bare stack trace. A reader that goes away (`| head`) ends the
// process quietly with status 0.

import { debugMode } from "../core/debug.ts";
import { DiagnosticError, diag, render } from "../core/diagnostics.ts";
import { helpLines } from "./cliargs.ts";
import type { Command, CommandIO } from "./commands/command.ts";

/** A subcommand as `faustlab help` lists it; `load` brings its module in. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

/** The commands, in the order `faustlab help` lists them. */
export const commands: readonly CommandEntry[] = [
  { name: "reference", summary: "compile FILE with the real Faust compiler (libfaust 2.88.0) and print its impulse response", load: async () => (await import("./commands/reference.ts")).referenceCommand },
  { name: "libtests", summary: "list the standard library's test programs (NAME_test in '#### Test' blocks), or write them out", load: async () => (await import("./commands/libtests.ts")).libtestsCommand },
  { name: "boxes", summary: "parse FILE and print its definitions as boxes in canonical Faust text", load: async () => (await import("./commands/boxes.ts")).boxesCommand },
  { name: "check", summary: "parse FILE… and their imports, and compile those defining process; exit 1 with diagnostics on any error", load: async () => (await import("./commands/check.ts")).checkCommand },
  { name: "eval", summary: "evaluate FILE and print the evaluated process box and its arity", load: async () => (await import("./commands/eval.ts")).evalCommand },
  { name: "signals", summary: "print the program's normalized output signals in the canonical text form", load: async () => (await import("./commands/signals.ts")).signalsCommand },
  { name: "info", summary: "print the program's inputs, outputs and user interface (--json: as Faust's JSON)", load: async () => (await import("./commands/info.ts")).infoCommand },
  { name: "impulse", summary: "compile FILE with faustlab and print its impulse response (the contract format of 'reference')", load: async () => (await import("./commands/impulse.ts")).impulseCommand },
  { name: "compile", summary: "compile FILE to FIR text, a JavaScript module, C/C++ source, or a WebAssembly module (binary or text)", load: async () => (await import("./commands/compile.ts")).compileCommand },
  { name: "opt", summary: "run a pass pipeline over a program's signal graph (Faust source or signal IR) and print the result", load: async () => (await import("./commands/opt.ts")).optCommand },
  { name: "accuracy", summary: "numerical accuracy of float32/float64 renderings (with and without a pipeline, and the real compiler's) against float64", load: async () => (await import("./commands/accuracy.ts")).accuracyCommand },
  { name: "diagram", summary: "draw the program's block diagram, or its signal graph after a pipeline, as SVG", load: async () => (await import("./commands/diagram.ts")).diagramCommand },
  { name: "mcp", summary: "serve the Model Context Protocol over stdio: check, compile, render, analyze, optimize, experiment, library tools for agents", load: async () => (await import("./commands/mcp.ts")).mcpCommand },
  { name: "proptest", summary: "property-test a pipeline on random signal graphs; print a shrunk counterexample as signal IR", load: async () => (await import("./commands/proptest.ts")).proptestCommand },
  { name: "experiment", summary: "run an experiment spec (programs × pipelines × precisions × backends × stimuli) and write its report", load: async () => (await import("./commands/experiment.ts")).experimentCommand },
  { name: "results", summary: "summarize an experiment's results folder, print it as CSV, or merge shards' folders", load: async () => (await import("./commands/results.ts")).resultsCommand },
  { name: "report", summary: "write the HTML report of an experiment's results folder (DIR/report/index.html)", load: async () => (await import("./commands/report.ts")).reportCommand },
];

/** Writes to a stream; a closed pipe (EPIPE) ends the process quietly with status 0. */
function guardedWrite(stream: NodeJS.WriteStream, t: string): void {
  if (!stream.listenerCount("error")) stream.on("error", onStreamError);
  stream.write(t);
}

function onStreamError(e: NodeJS.ErrnoException): void {
  if (e.code === "EPIPE") process.exit(0);
  // Any other failure of the terminal or file we write to: say so once, exit 1.
  try {
    process.stderr.write(`faustlab: cannot write the output: ${e.code ?? e.message}\n`);
  } catch {
    /* stderr is gone as well */
  }
  process.exit(1);
}

const stdio: CommandIO = {
  out: (t) => guardedWrite(process.stdout, t),
  err: (t) => guardedWrite(process.stderr, t.endsWith("\n") ? t : t + "\n"),
};

function usage(): string {
  const lines = ["usage: faustlab COMMAND [options]", "", "commands:"];
  for (const c of commands) lines.push(`  ${c.name.padEnd(12)}${c.summary}`);
  lines.push("  help        show this text, or 'faustlab help COMMAND'");
  return lines.join("\n") + "\n";
}

function commandHelp(entry: CommandEntry, cmd: Command): string {
  return [cmd.usage, "", entry.summary, ...helpLines(cmd.options)].join("\n") + "\n";
}

export async function main(argv: readonly string[], io: CommandIO = stdio): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (!name || name === "help" || name === "-h" || name === "--help") {
      const entry = rest[0] ? commands.find((k) => k.name === rest[0]) : undefined;
      io.out(entry ? commandHelp(entry, await entry.load()) : usage());
      return 0;
    }
    const entry = commands.find((c) => c.name === name);
    if (!entry) throw new DiagnosticError([diag("FL002", { command: name })]);
    const cmd = await entry.load();
    if (rest.includes("-h") || rest.includes("--help")) {
      io.out(commandHelp(entry, cmd));
      return 0;
    }
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof DiagnosticError) {
      for (const d of e.diagnostics) io.err(render(d));
      return 1;
    }
    const err = e as Error;
    const detail = err instanceof RangeError && /call stack/.test(err.message) ? "stack overflow" : (err?.message ?? String(e));
    io.err(render(diag("FL005", { detail })));
    if (debugMode()) io.err(String(err?.stack));
    return 3;
  }
}
