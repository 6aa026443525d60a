// `print` and `print<analysis>`: pseudo-passes for golden tests and
// exploration. `print` prints the signal graph's canonical text (local group
// names); `print<name>` prints the named analysis's result on the current
// graph. They never change the graph.

import { analysisByName, ANALYSES } from "../analyses/registry.ts";
import { printSignalsNamed } from "../src/core/signals/print.ts";
import { definePass, enumOption, unchanged } from "./pass.ts";

export const printPass = definePass({
  name: "print",
  summary: "print the signal graph, or with <NAME> the result of the analysis NAME, without changing anything",
  options: { analysis: enumOption(["graph", ...ANALYSES.map((a) => a.name)], "graph", "what to print: the graph, or an analysis") },
  positional: "analysis",
  semantics: { exact: true },
  run(graph, am, opts) {
    const printed = printSignalsNamed(graph.outputs, { localGroupNames: true });
    if (opts.analysis === "graph") return { ...unchanged(graph), text: printed.text };
    const a = analysisByName(opts.analysis)!;
    return { ...unchanged(graph), text: a.print(am.get(a), { graph, name: printed.name }) };
  },
});
