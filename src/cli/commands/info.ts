// `faustlab info FILE [--json]`: inputs, outputs and the user interface, the
// last shaped like the JSON Faust writes (type, label, address, meta, init,
// min, max, step).

import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag, render } from "../../core/diagnostics.ts";
import { compileSignals } from "../../driver/signals.ts";
import { flattenUI } from "../../chain/propagate/ui.ts";
import type { Command } from "./command.ts";
import { compileOptions } from "./signals.ts";

const options: OptionSpec[] = [...compileOptions, { name: "json", kind: "flag", help: "print JSON: { inputs, outputs, ui }" }];

export const infoCommand: Command = {
  name: "info",
  usage: "faustlab info FILE [-I DIR] [-double] [--json]",
  options,
  async run(argv, io) {
    const args = parseArgs(argv, options);
    if (args.positional.length !== 1) throw new DiagnosticError([diag("FL010", { command: "info", expected: "exactly one FILE" })]);
    const p = compileSignals(args.positional[0]!, {
      includeDirs: args.lists.get("I") ?? [],
      precision: args.flags.has("double") ? "double" : "single",
    });
    for (const w of p.warnings) io.err(render(w));
    if (args.flags.has("json")) {
      io.out(JSON.stringify({ name: p.name, inputs: p.inputs, outputs: p.outputs.length, ui: p.ui }, null, 2) + "\n");
      return 0;
    }
    const lines = [`${p.name}: ${p.inputs} input${p.inputs === 1 ? "" : "s"}, ${p.outputs.length} output${p.outputs.length === 1 ? "" : "s"}`];
    for (const w of flattenUI(p.ui)) {
      const range = w.init !== undefined ? ` init=${w.init} min=${w.min} max=${w.max} step=${w.step}` : w.min !== undefined ? ` min=${w.min} max=${w.max}` : "";
      lines.push(`  ${w.type.padEnd(10)} ${w.address}${range}`);
    }
    io.out(lines.join("\n") + "\n");
    return 0;
  },
};
