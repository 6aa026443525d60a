// The sandbox: every tool request runs in a worker thread of a piscina pool,
// with a heap limit (resourceLimits) and a wall-clock limit (past it the task
// is aborted, which terminates its worker; piscina starts a fresh one). A
// worker that dies (out of memory, a crash) fails only its own request: the
// server keeps serving.

import { MessageChannel } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { projectPath } from "../../core/paths.ts";
import { ToolFailure, type Limits } from "./protocol.ts";
import type { SandboxContext } from "./tools.ts";
import type { Task, TaskResult } from "./worker.ts";

export class Sandbox {
  private readonly pool: Piscina;

  constructor(readonly ctx: SandboxContext) {
    const limits: Limits = ctx.limits;
    this.pool = new Piscina({
      // by its source path: bundled, this module sits in dist/chunks
      filename: pathToFileURL(projectPath("src/cli/mcp/worker.mjs")).href,
      minThreads: 1,
      maxThreads: 2,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, limits.memoryMb >> 3)), stackSizeMb: 8 },
    });
  }

  /** Runs one tool in a worker; throws a ToolFailure for a limit reached or a dead worker. */
  async run(tool: Task["tool"], args: unknown, timeoutMs = this.ctx.limits.timeoutMs): Promise<unknown> {
    const ac = new AbortController();
    // the clock starts when a worker takes the task (not while a fresh worker boots)
    const { port1, port2 } = new MessageChannel();
    let timer: NodeJS.Timeout | undefined;
    port1.once("message", () => {
      timer = setTimeout(() => ac.abort(), timeoutMs);
      port1.close();
    });
    let r: TaskResult;
    try {
      r = (await this.pool.run({ tool, args, ctx: this.ctx, started: port2 } satisfies Task, { signal: ac.signal, transferList: [port2] })) as TaskResult;
    } catch (e) {
      if (ac.signal.aborted) throw new ToolFailure("timeout", `the request took longer than the limit of ${timeoutMs} ms; its worker was stopped`);
      const err = e as NodeJS.ErrnoException;
      if (err?.code === "ERR_WORKER_OUT_OF_MEMORY" || /out of memory|heap/i.test(err?.message ?? "")) {
        throw new ToolFailure("memory", `the request needed more than the limit of ${this.ctx.limits.memoryMb} MB; its worker was stopped`);
      }
      throw new ToolFailure("internal", `the worker failed: ${err?.message ?? String(e)}`);
    } finally {
      clearTimeout(timer);
      port1.close();
    }
    if (!r.ok) throw new ToolFailure(r.error.kind, r.error.message, r.error.diagnostics);
    return r.result;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
