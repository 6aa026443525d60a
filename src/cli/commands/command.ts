import type { OptionSpec } from "../cliargs.ts";

export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
}

/** A faustlab subcommand. `run` returns the exit status; diagnostics are thrown as DiagnosticError. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: readonly OptionSpec[];
  run(argv: readonly string[], io: CommandIO): Promise<number>;
}
