// Running an experiment's runs on a worker pool (piscina), appending each
// record to the results folder as it finishes.
//
//   executeExperiment(spec, { dir, jobs, shard, onRecord }) → { planned, selected, skipped, records }
//
// Each run goes to a pool thread; at most `jobs` run at once. A run that
// passes its time limit (counted from the moment its worker starts it) is
// stopped — piscina terminates that thread and starts another — and becomes a
// failed record (FL032); a thread that dies (heap exhausted under the spec's
// memory limit, a crash) gives FL033. The batch always goes on.

import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { projectPath } from "../../core/paths.ts";
import { diagOf, type ArgsOf } from "../../core/diagnostics.ts";
import { writeFileAtomic } from "../../core/fsutil.ts";
import { diagnosticRecord } from "./measure.ts";
import type { RunRecord } from "./record.ts";
import { PLAN, openStore } from "./store.ts";
import { expandPrograms, inShard, planRuns, stimulusName, type Run, type Shard, type Spec } from "./spec.ts";
import type { WorkerTask } from "./worker.ts";

export interface ExecuteOptions {
  /** The results folder. */
  readonly dir: string;
  /** Runs at once (pool threads); default 1. */
  readonly jobs?: number;
  readonly shard?: Shard;
  /** Called once the plan is known: runs in this shard, and how many are already done. */
  readonly onPlan?: (selected: number, done: number) => void;
  /** Called with each record as it is appended. */
  readonly onRecord?: (r: RunRecord, finished: number, todo: number) => void;
  /** Stop after this many new records (tests: a run "killed" halfway). */
  readonly maxRuns?: number;
}

export interface ExecuteResult {
  /** Every run of the spec. */
  readonly planned: number;
  /** The runs of this shard. */
  readonly selected: readonly Run[];
  /** Runs found done in the results folder and skipped. */
  readonly skipped: number;
  /** Records written by this call. */
  readonly written: number;
  /** Every record of this shard's runs now in the folder. */
  readonly records: readonly RunRecord[];
}

function failedRecord<C extends "FL032" | "FL033">(run: Run, code: C, args: ArgsOf<C>, failedAt: string, ms: number): RunRecord {
  return {
    key: run.key,
    program: run.program.id,
    programHash: run.program.hash,
    pipelineName: run.pipelineName,
    pipeline: run.pipeline,
    precision: run.precision,
    backend: run.backend,
    stimulus: stimulusName(run.stimulus),
    length: run.length,
    sampleRate: run.sampleRate,
    status: "failed",
    failedAt,
    diagnostics: [diagnosticRecord(diagOf(code, args))],
    timing: { stages: {}, total: ms },
  };
}

/** Where the spec and the plan are described for the report (and a person). */
function writePlan(dir: string, spec: Spec, runs: readonly Run[], shard: Shard | undefined): void {
  const programs = [...new Map(runs.map((r) => [r.program.id, { id: r.program.id, path: r.program.path, hash: r.program.hash }])).values()];
  const plan = {
    name: spec.name,
    spec: { ...spec, dir: undefined },
    specDir: spec.dir,
    programs,
    pipelines: spec.pipelines,
    runs: runs.length,
    shard: shard ? `${shard.index}/${shard.count}` : undefined,
  };
  writeFileAtomic(path.join(dir, PLAN), JSON.stringify(plan, null, 2) + "\n");
}

export async function executeExperiment(spec: Spec, opts: ExecuteOptions): Promise<ExecuteResult> {
  const programs = expandPrograms(spec);
  const runs = planRuns(spec, programs);
  const selected = runs.filter((r) => inShard(r.key, opts.shard));
  const store = openStore(opts.dir);
  writePlan(opts.dir, spec, runs, opts.shard);
  let todo = selected.filter((r) => !store.records.has(r.key));
  const skipped = selected.length - todo.length;
  opts.onPlan?.(selected.length, skipped);
  if (opts.maxRuns !== undefined) todo = todo.slice(0, opts.maxRuns);
  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, todo.length || 1));
  let written = 0;
  if (todo.length) {
    const pool = new Piscina<WorkerTask, RunRecord | undefined>({
      // by its source path: bundled, this module sits in dist/chunks
      filename: pathToFileURL(projectPath("src/harness/experiment/worker.mjs")).href,
      minThreads: jobs,
      maxThreads: jobs,
      concurrentTasksPerWorker: 1,
      idleTimeout: 2000,
      resourceLimits: { maxOldGenerationSizeMb: spec.memoryLimit, stackSizeMb: 16 },
    });
    const limitMs = spec.timeLimit * 1000;
    // a thread that never reports the start (stuck loading) is stopped after the limit plus this
    const startupGrace = 60_000;
    const one = async (run: Run): Promise<void> => {
      const started = new SharedArrayBuffer(4);
      const flag = new Int32Array(started);
      const ctl = new AbortController();
      const queued = performance.now();
      let startedAt: number | undefined;
      let timedOut = false;
      const timer = setInterval(() => {
        const now = performance.now();
        if (startedAt === undefined && Atomics.load(flag, 0) === 1) startedAt = now;
        const over = startedAt !== undefined ? now - startedAt > limitMs : now - queued > limitMs + startupGrace;
        if (over && !timedOut) {
          timedOut = true;
          ctl.abort();
        }
      }, 50);
      let rec: RunRecord;
      try {
        const r = await pool.run({ run, started }, { signal: ctl.signal });
        rec = r ?? failedRecord(run, "FL033", { detail: "it returned no record" }, "worker", performance.now() - queued);
      } catch (e) {
        const ms = performance.now() - (startedAt ?? queued);
        if (timedOut) rec = failedRecord(run, "FL032", { seconds: spec.timeLimit }, "time-limit", ms);
        else {
          const err = e as NodeJS.ErrnoException;
          const detail = err?.code === "ERR_WORKER_OUT_OF_MEMORY" ? `out of memory (the spec's memoryLimit is ${spec.memoryLimit} MB)` : (err?.message ?? String(e)).split("\n")[0]!;
          rec = failedRecord(run, "FL033", { detail }, "worker", ms);
        }
      } finally {
        clearInterval(timer);
      }
      store.append(rec);
      written++;
      opts.onRecord?.(rec, written, todo.length);
    };
    let next = 0;
    const lanes = Array.from({ length: jobs }, async () => {
      while (next < todo.length) await one(todo[next++]!);
    });
    try {
      await Promise.all(lanes);
    } finally {
      await pool.destroy();
    }
  }
  store.close();
  const keys = new Set(selected.map((r) => r.key));
  const records = [...store.records.values()].filter((r) => keys.has(r.key));
  return { planned: runs.length, selected, skipped, written, records };
}

/** Whether a folder already holds results (for messages). */
export function hasResults(dir: string): boolean {
  return fs.existsSync(path.join(dir, "results.jsonl"));
}
