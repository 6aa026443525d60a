// The experiment API (what `faustlab experiment` and the MCP server call):
//
//   runExperiment(spec, opts) → { dir, resultsPath, reportPath, summary }
//
// `spec` is a spec file path, spec JSON text's parsed Spec, or a plain object
// in the spec's JSON shape (validated by the same schema). The runs go to a
// worker pool (src/harness/experiment/execute.ts), their records to
// DIR/results.jsonl (a rerun skips what is done), and the report to
// DIR/report/index.html (reports/experiment-report.ts) unless `report: false`.

import type { Strategy } from "../src/core/schedule.ts";
import path from "node:path";
import { parseSpec, readSpec, type Shard, type Spec } from "../src/harness/experiment/spec.ts";
import { executeExperiment, type ExecuteOptions } from "../src/harness/experiment/execute.ts";
import { RESULTS } from "../src/harness/experiment/store.ts";
import type { RunRecord } from "../src/harness/experiment/record.ts";
import { writeReport } from "./experiment-report.ts";

export interface RunExperimentOptions {
  /** Results folder (default: out/NAME of the spec file, or out/experiment). */
  readonly out?: string;
  readonly jobs?: number;
  readonly shard?: Shard;
  /** Write DIR/report (default true). */
  readonly report?: boolean;
  /** More -load-pass modules for the pipelines, besides the spec's loadPasses. */
  readonly loadPasses?: readonly string[];
  /** Scheduling strategies replacing the spec's `schedules` (-ss N). */
  readonly schedules?: readonly Strategy[];
  /** false: lockstep bundles off (-no-lockstep), replacing the spec's `lockstep`. */
  readonly lockstep?: boolean;
  readonly onPlan?: ExecuteOptions["onPlan"];
  readonly onRecord?: ExecuteOptions["onRecord"];
  readonly maxRuns?: number;
}

export interface ExperimentSummary {
  readonly name: string;
  /** Runs of the spec; of this shard; found done and skipped; written now. */
  readonly planned: number;
  readonly selected: number;
  readonly skipped: number;
  readonly written: number;
  readonly ok: number;
  readonly failed: number;
  /** Failed runs: program, pipeline, precision, backend and the first diagnostic. */
  readonly failures: readonly { readonly key: string; readonly program: string; readonly run: string; readonly diagnostic: string }[];
  readonly wallSeconds: number;
}

export interface ExperimentResult {
  readonly dir: string;
  readonly resultsPath: string;
  readonly reportPath?: string;
  readonly summary: ExperimentSummary;
  readonly records: readonly RunRecord[];
}

function toSpec(spec: string | Spec | Record<string, unknown>): Spec {
  if (typeof spec === "string") return readSpec(spec);
  if ("dir" in spec && typeof spec.dir === "string" && Array.isArray((spec as Spec).stimuli) && typeof (spec as Spec).length === "number") return spec as Spec;
  return parseSpec(JSON.stringify(spec, null, 2), "<spec>", process.cwd());
}

export async function runExperiment(spec: string | Spec | Record<string, unknown>, opts: RunExperimentOptions = {}): Promise<ExperimentResult> {
  const t0 = performance.now();
  let s = toSpec(spec);
  if (opts.loadPasses?.length) s = { ...s, loadPasses: [...s.loadPasses, ...opts.loadPasses.map((p) => path.resolve(p))] };
  if (opts.schedules?.length) s = { ...s, schedules: opts.schedules };
  if (opts.lockstep !== undefined) s = { ...s, lockstep: opts.lockstep };
  const dir = path.resolve(opts.out ?? path.join("out", typeof spec === "string" ? path.basename(spec).replace(/\.json$/, "") : "experiment"));
  const r = await executeExperiment(s, { dir, jobs: opts.jobs, shard: opts.shard, onPlan: opts.onPlan, onRecord: opts.onRecord, maxRuns: opts.maxRuns });
  const reportPath = opts.report === false ? undefined : (await writeReport(dir)).index;
  const failed = r.records.filter((x) => x.status === "failed");
  return {
    dir,
    resultsPath: path.join(dir, RESULTS),
    reportPath,
    records: r.records,
    summary: {
      name: s.name,
      planned: r.planned,
      selected: r.selected.length,
      skipped: r.skipped,
      written: r.written,
      ok: r.records.length - failed.length,
      failed: failed.length,
      failures: failed.map((x) => ({ key: x.key, program: x.program, run: `${x.pipelineName} ${x.precision} ${x.backend} ${x.stimulus}`, diagnostic: x.diagnostics[0] ? `${x.diagnostics[0].code}: ${x.diagnostics[0].message}` : "failed" })),
      wallSeconds: (performance.now() - t0) / 1000,
    },
  };
}
