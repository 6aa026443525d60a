// The one debug switch. Debug mode verifies every IR a pass manager hands on
// (the signal graph after every pass, normalization included) and lets the
// command line print the stack of an internal error. It is on when the
// environment variable FAUSTLAB_DEBUG is set to anything but "" or "0"
// (vitest.config.ts sets it for every test); a run option (`debug` of
// passes/manager.ts RunOptions, `-verify-each` of `faustlab opt`) turns it on
// for one run.

/** The name of the environment variable. */
export const DEBUG_ENV = "FAUSTLAB_DEBUG";

/** Is debug mode on for this process? */
export function debugMode(): boolean {
  const v = process.env[DEBUG_ENV];
  return v !== undefined && v !== "" && v !== "0";
}
