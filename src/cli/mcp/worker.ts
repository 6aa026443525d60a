// The sandbox worker's task: run one tool of tools.ts on validated arguments
// and turn every outcome into data ({ ok, result } or { ok: false, error }),
// so nothing but the worker's own death (time, memory) escapes it.

import type { MessagePort } from "node:worker_threads";
import { DiagnosticError } from "../../core/diagnostics.ts";
import { ToolFailure, structuredDiagnostic, type ToolError } from "./protocol.ts";
import * as tools from "./tools.ts";
import type { SandboxContext } from "./tools.ts";

export interface Task {
  readonly tool: "check" | "compile" | "render" | "analyze" | "optimize" | "library" | "experiment" | "diagram";
  readonly args: unknown;
  readonly ctx: SandboxContext;
  /** Told when the task starts running (the time limit starts then). */
  readonly started?: MessagePort;
}

export type TaskResult = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: ToolError };

export async function runTask(t: Task): Promise<TaskResult> {
  t.started?.postMessage("started");
  t.started?.close();
  try {
    tools.ensureOutDir(t.ctx.outDir);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const args = t.args as any;
    let result: unknown;
    switch (t.tool) {
      case "check": result = tools.check(args, t.ctx); break;
      case "compile": result = tools.compile(args, t.ctx); break;
      case "render": result = await tools.render(args, t.ctx); break;
      case "analyze": result = await tools.analyze(args, t.ctx); break;
      case "optimize": result = tools.optimize(args, t.ctx); break;
      case "library": result = tools.library(args); break;
      case "experiment": result = await tools.experiment(args, t.ctx); break;
      case "diagram": result = await tools.diagram(args, t.ctx); break;
      default: throw new ToolFailure("invalid", `unknown tool '${String(t.tool)}'`);
    }
    return { ok: true, result };
  } catch (e) {
    if (e instanceof ToolFailure) return { ok: false, error: e.toJSON() };
    if (e instanceof DiagnosticError) {
      const diagnostics = e.diagnostics.map(structuredDiagnostic);
      return { ok: false, error: { kind: "diagnostics", message: diagnostics[0]?.message ?? "compilation failed", diagnostics } };
    }
    if (e instanceof RangeError && /call stack|Invalid array length|Array buffer allocation/i.test(e.message)) {
      return { ok: false, error: { kind: "limit", message: `the request ran out of a limit: ${e.message}` } };
    }
    return { ok: false, error: { kind: "internal", message: (e as Error)?.message ?? String(e) } };
  }
}
