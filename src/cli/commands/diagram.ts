// `faustlab diagram FILE`: the program's block diagram (as `faust -svg` draws
// it), or with --signals the picture of its signal graph after a pipeline.
//
//   faustlab diagram FILE [-o DIR] [-f N] [-fc N]      DIR/process.svg + one file per folded sub-expression
//   faustlab diagram FILE --signals [-passes P | -O]   DIR/signals.svg
//   faustlab diagram FILE --compare P1 P2              DIR/compare.html with DIR/signals-a.svg, DIR/signals-b.svg
//
// DIR defaults to FILE's name with `-svg` (Faust's convention).

import path from "node:path";
import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag } from "../../core/diagnostics.ts";
import { writeFileAtomic } from "../../core/fsutil.ts";
import { pipelineFromArgs } from "../pipeline-options.ts";
import type { Command } from "./command.ts";

const options: OptionSpec[] = [
  { name: "o", kind: "string", help: "the folder to write into (default FILE-svg)" },
  { name: "f", kind: "int", min: 1, help: "fold when a diagram's complexity exceeds N (default 25)" },
  { name: "fc", kind: "int", min: 1, help: "smallest complexity of a folded sub-expression (default 2)" },
  { name: "signals", kind: "flag", help: "draw the signal graph instead of the block diagram" },
  { name: "compare", kind: "flag", help: "draw the signal graph after two pipelines side by side: --compare P1 P2" },
  { name: "passes", kind: "string", help: "with --signals: the pipeline to run first" },
  { name: "O", kind: "flag", help: "with --signals: run the default optimizing pipeline first" },
  { name: "double", kind: "flag", help: "compile in double precision" },
  { name: "I", kind: "list", help: "add a folder to the import search path (repeatable)" },
];

export const diagramCommand: Command = {
  name: "diagram",
  usage: "faustlab diagram FILE [-o DIR] [-f N] [-fc N] [-I DIR]\n       faustlab diagram FILE --signals [-passes P | -O] [-o DIR]\n       faustlab diagram FILE --compare P1 P2 [-o DIR]",
  options,
  async run(argv, io) {
    const args = parseArgs(argv, options);
    const compare = args.flags.has("compare");
    const [file, ...rest] = args.positional;
    if (file === undefined) throw new DiagnosticError([diag("FL010", { command: "diagram", expected: "a FILE" })]);
    if (compare ? rest.length !== 2 : rest.length !== 0) {
      throw new DiagnosticError([compare ? diag("FL010", { command: "diagram --compare", expected: "one FILE and two pipelines: diagram FILE --compare P1 P2" }) : diag("FL010", { command: "diagram", expected: "one FILE" })]);
    }
    const dir = (args.values.get("o") as string | undefined) ?? path.join(path.dirname(file), `${path.basename(file).replace(/\.[^.]*$/, "")}-svg`);
    const includeDirs = args.lists.get("I") ?? [];
    const precision = args.flags.has("double") ? "double" : "single";
    // the drawing code (elkjs) loads only when a diagram is asked for
    const d = await import("../../../reports/diagram/index.ts");
    let written: string[];
    if (compare) {
      const { files, html } = await d.drawComparison(file, rest[0]!, rest[1]!, { includeDirs, precision });
      written = d.writeDiagramFiles(dir, files);
      const page = path.join(dir, "compare.html");
      writeFileAtomic(page, html);
      written.push(page);
    } else if (args.flags.has("signals")) {
      const pipeline = pipelineFromArgs(args.values.get("passes") as string | undefined, args.flags.has("O")) ?? "";
      const g = d.programGraph(file, pipeline, { includeDirs, precision });
      const drawn = await d.drawSignalGraph(g, pipeline ? `${path.basename(file)} after '${pipeline}'` : path.basename(file));
      written = d.writeDiagramFiles(dir, [drawn]);
    } else {
      if (args.values.has("passes") || args.flags.has("O")) throw new DiagnosticError([diag("FL012", { option: "-passes (or -O)", when: "to --signals diagrams" })]);
      const files = await d.drawBoxDiagram(file, {
        includeDirs,
        precision,
        ...(args.values.has("f") ? { fold: args.values.get("f") as number } : {}),
        ...(args.values.has("fc") ? { foldComplexity: args.values.get("fc") as number } : {}),
      });
      written = d.writeDiagramFiles(dir, files);
    }
    io.out(`${written[written.length - 1] === undefined ? "" : written.find((p) => /process\.svg$|signals\.svg$|compare\.html$/.test(p)) ?? written[0]}\n`);
    if (written.length > 1) io.err(`${written.length} files in ${dir}\n`);
    return 0;
  },
};
