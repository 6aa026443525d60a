// The faustlab command line: a table of subcommands. Every failure a user can
// cause ends as diagnostics on stderr and exit status 1; anything else that
// escapes is reported as an internal error (FL005) with exit status 3, never
// as a bare stack trace.

import { debugMode } from "../core/debug.ts";
import { DiagnosticError, diag, render } from "../core/diagnostics.ts";
import { helpLines } from "./cliargs.ts";
import type { Command, CommandIO } from "./commands/command.ts";
import { referenceCommand } from "./commands/reference.ts";
import { libtestsCommand } from "./commands/libtests.ts";
import { boxesCommand } from "./commands/boxes.ts";
import { checkCommand } from "./commands/check.ts";
import { evalCommand } from "./commands/eval.ts";
import { signalsCommand } from "./commands/signals.ts";
import { infoCommand } from "./commands/info.ts";
import { impulseCommand } from "./commands/impulse.ts";
import { compileCommand } from "./commands/compile.ts";
import { optCommand } from "./commands/opt.ts";
import { accuracyCommand } from "./commands/accuracy.ts";
import { mcpCommand } from "./commands/mcp.ts";
import { proptestCommand } from "./commands/proptest.ts";
import { experimentCommand } from "./commands/experiment.ts";
import { resultsCommand } from "./commands/results.ts";
import { reportCommand } from "./commands/report.ts";
import { diagramCommand } from "./commands/diagram.ts";

/** The commands, in the order `faustlab help` lists them. */
export const commands: readonly Command[] = [
  referenceCommand, libtestsCommand, boxesCommand, checkCommand, evalCommand, signalsCommand, infoCommand,
  impulseCommand, compileCommand, optCommand, accuracyCommand, diagramCommand, mcpCommand, proptestCommand,
  experimentCommand, resultsCommand, reportCommand,
];

const stdio: CommandIO = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t.endsWith("\n") ? t : t + "\n"),
};

function usage(): string {
  const lines = ["usage: faustlab COMMAND [options]", "", "commands:"];
  for (const c of commands) lines.push(`  ${c.name.padEnd(12)}${c.summary}`);
  lines.push("  help        show this text, or 'faustlab help COMMAND'");
  return lines.join("\n") + "\n";
}

export async function main(argv: readonly string[], io: CommandIO = stdio): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (!name || name === "help" || name === "-h" || name === "--help") {
      const c = rest[0] ? commands.find((k) => k.name === rest[0]) : undefined;
      io.out(c ? [c.usage, "", c.summary, ...helpLines(c.options)].join("\n") + "\n" : usage());
      return 0;
    }
    const cmd = commands.find((c) => c.name === name);
    if (!cmd) throw new DiagnosticError([diag("FL002", { command: name })]);
    if (rest.includes("-h") || rest.includes("--help")) {
      io.out([cmd.usage, "", cmd.summary, ...helpLines(cmd.options)].join("\n") + "\n");
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
