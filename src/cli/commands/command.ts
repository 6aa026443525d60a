import type { OptionSpec } from "../cliargs.ts";

export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
}

/** A faustlab subcommand (its one-line summary lives in cli.ts's table, which lists commands without loading them). `run` returns the exit status; diagnostics are thrown as DiagnosticError. */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly options: readonly OptionSpec[];
  run(argv: readonly string[], io: CommandIO): Promise<number>;
}
