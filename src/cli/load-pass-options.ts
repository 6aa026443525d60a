// The `-load-pass FILE.ts` option (repeatable) of the commands that run
// pipelines: opt, impulse, compile, experiment, proptest.

import type { OptionSpec } from "./cliargs.ts";
import type { ParsedArgs } from "./cliargs.ts";
import { loadPasses, type LoadedPasses } from "../driver/load-pass.ts";
import { registry, withPasses } from "../../passes/registry.ts";

export const loadPassOption: OptionSpec = { name: "load-pass", kind: "list", help: "load the passes a module exports (definePass), so pipelines can name them (repeatable)" };

/** The passes of every -load-pass module, with the registry that has them (the built-in one when none). */
export async function loadedPassesFromArgs(args: ParsedArgs): Promise<LoadedPasses> {
  const files = args.lists.get("load-pass") ?? [];
  if (!files.length) return { passes: [], registry: withPasses([], registry), origin: new Map() };
  return loadPasses(files);
}
