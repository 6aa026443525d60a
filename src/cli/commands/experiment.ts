// `faustlab experiment SPEC.json [-o DIR] [-j N] [--shard K/N] [-load-pass F]`:
// runs an experiment (reports/experiment.ts) and writes its report; prints
// the report's path. A progress bar with ETA on a terminal (stderr), one line
// per finished run otherwise.

import { lockstepOption, scheduleFromArgs, scheduleOption } from "../pipeline-options.ts";
import cliProgress from "cli-progress";
import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag } from "../../core/diagnostics.ts";
import { parseShard } from "../../harness/experiment/spec.ts";
import type { RunRecord } from "../../harness/experiment/record.ts";
import { runExperiment } from "../../../reports/experiment.ts";
import { loadPassOption } from "../load-pass-options.ts";
import type { Command } from "./command.ts";

const options: OptionSpec[] = [
  { name: "o", kind: "string", help: "results folder (default out/SPEC-NAME); a rerun skips the runs it holds" },
  { name: "j", kind: "int", min: 1, help: "runs at once, one worker thread each (default 1)" },
  { name: "shard", kind: "string", help: "K/N: do only the K-th of N deterministic parts of the runs (join them with 'faustlab results merge')" },
  scheduleOption,
  lockstepOption,
  { name: "no-report", kind: "flag", help: "do not write DIR/report" },
  { name: "progress", kind: "flag", help: "force the progress bar (default: only when stderr is a terminal)" },
  loadPassOption,
];

function line(r: RunRecord): string {
  const what = `${r.program} ${r.pipelineName} ${r.precision} ${r.backend} ${r.stimulus}`;
  if (r.status === "failed") return `failed ${what}: ${r.diagnostics[0] ? `${r.diagnostics[0].code} ${r.diagnostics[0].message}` : ""}`;
  const snr = r.exact?.snr;
  const shown = snr === undefined ? "-" : snr === Infinity ? "exact" : Number.isNaN(snr) ? "undefined (unstable or silent)" : `${snr.toFixed(1)} dB`;
  return `ok     ${what}: SNR ${shown}, ${(r.timing.total / 1000).toFixed(2)} s`;
}

export const experimentCommand: Command = {
  name: "experiment",
  usage: "faustlab experiment SPEC.json [-o DIR] [-j N] [-shard K/N] [-no-report] [-ss N] [-no-lockstep] [-load-pass FILE.ts]",
  options,
  async run(argv, io) {
    const args = parseArgs(argv, options);
    if (args.positional.length !== 1) throw new DiagnosticError([diag("FL010", { command: "experiment", expected: "exactly one SPEC.json" })]);
    const shardText = args.values.get("shard") as string | undefined;
    const shard = shardText === undefined ? undefined : parseShard(shardText);
    if (shardText !== undefined && !shard) throw new DiagnosticError([diag("FL008", { option: "shard", expected: "K/N with 1 <= K <= N", value: shardText })]);
    const tty = args.flags.has("progress") || !!process.stderr.isTTY;
    let bar: cliProgress.SingleBar | undefined;
    const res = await runExperiment(args.positional[0]!, {
      out: args.values.get("o") as string | undefined,
      jobs: args.values.get("j") as number | undefined,
      shard,
      report: !args.flags.has("no-report"),
      loadPasses: args.lists.get("load-pass"),
      ...(args.values.has("ss") ? { schedules: [scheduleFromArgs(args.values.get("ss"))!] } : {}),
      ...(args.flags.has("no-lockstep") ? { lockstep: false } : {}),
      onPlan(selected, done) {
        io.err(`faustlab experiment: ${selected} runs${shard ? ` in shard ${shard.index}/${shard.count}` : ""}, ${done} already done`);
        if (tty && selected - done > 0) {
          bar = new cliProgress.SingleBar({ format: "{bar} {value}/{total} runs | {percentage}% | ETA {eta_formatted} | {last}", stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
          bar.start(selected - done, 0, { last: "" });
        }
      },
      onRecord(r, finished) {
        if (bar) bar.update(finished, { last: `${r.status} ${r.program}`.slice(0, 50) });
        else io.err(line(r));
      },
    });
    bar?.stop();
    const s = res.summary;
    io.err(`faustlab experiment: ${s.ok} measured, ${s.failed} failed (${s.written} new, ${s.skipped} done before) in ${s.wallSeconds.toFixed(1)} s; results in ${res.resultsPath}`);
    io.out((res.reportPath ?? res.resultsPath) + "\n");
    return 0;
  },
};
