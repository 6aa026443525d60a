// The experiment worker (one per pool thread, piscina): measures the runs it
// is handed. `started` is a shared flag the worker raises when it begins a
// run, so the parent's time limit counts the run, not the thread's start-up.
// The cache holds what runs of the same program share (exact reference, the
// real compiler's module), keyed by content; it lives as long as the thread.

import { measureRun, newCache } from "./measure.ts";
import type { Run } from "./spec.ts";
import type { RunRecord } from "./record.ts";

export interface WorkerTask {
  readonly run?: Run;
  /** Int32Array over a SharedArrayBuffer: slot 0 set to 1 when the run starts. */
  readonly started?: SharedArrayBuffer;
  /** Warm-up: load the modules and return. */
  readonly warm?: boolean;
}

const cache = newCache();

export default async function work(task: WorkerTask): Promise<RunRecord | undefined> {
  if (task.warm || !task.run) return undefined;
  if (task.started) Atomics.store(new Int32Array(task.started), 0, 1);
  return measureRun(task.run, cache);
}
