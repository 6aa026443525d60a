// `schedule`: the order of one sample's computations under one of Faust's
// scheduling strategies (its -ss): recursions as units, constant units first,
// then block-rate, then sample-rate (src/core/signals/schedule.ts, the order
// FIR generation emits with -ss). Parameter `strategy`: 0 depth-first,
// 1 breadth-first, 2 interleaved, 3 reverse breadth-first; -1 (the default)
// takes the compilation's (`-ss N`, PipelineContext.schedule), else 0.
// Parameter `lockstep` (default true, and the compilation's -no-lockstep): bundle
// independent recursions of one shape into lockstep units.

import { DiagnosticError, diag } from "../src/core/diagnostics.ts";
import { InternalError } from "../src/core/assert.ts";
import { parseStrategy, STRATEGY_NAMES } from "../src/core/schedule.ts";
import { scheduleSignals, type SignalSchedule } from "../src/core/signals/schedule.ts";
import type { Analysis } from "./analysis.ts";

export const scheduleAnalysis: Analysis<SignalSchedule, { strategy: number; lockstep: boolean }> = {
  name: "schedule",
  summary: "the order of the sample loop's computations under a -ss strategy (recursions as units, block rate first)",
  params: { strategy: -1, lockstep: true },
  compute(g, am, params) {
    const strategy = parseStrategy(params.strategy < 0 ? (am.context.schedule ?? 0) : params.strategy);
    if (strategy === undefined) throw new InternalError(`schedule: no strategy ${params.strategy} (0 to 3)`);
    const s = scheduleSignals(g.outputs, strategy, { lockstep: params.lockstep && (am.context.lockstep ?? true) });
    if ("cycle" in s) throw new DiagnosticError([diag("FL600", { what: `a '${s.cycle[0]!.kind}' signal`, detail: "it is on an instantaneous cycle" })]);
    return s;
  },
  print(s, ctx) {
    const recs = s.units.filter((u) => u.recursive).length;
    const bundles = s.units.filter((u) => u.lanes);
    const lanes = bundles.reduce((n, u) => n + u.lanes!.length, 0);
    const lock = bundles.length ? `, ${bundles.length} lockstep (${lanes} recursions)` : "";
    const lines = [`strategy ${s.strategy} ${STRATEGY_NAMES[s.strategy]}: ${s.units.length} units, ${recs} recursive${lock}${s.fallback ? " (interleaving fell back to depth-first)" : ""}`];
    // one line per recursion; consecutive units of one node and the same rate share a line
    let open = "";
    for (const u of s.units) {
      const names = u.nodes.map((n) => ctx.name(n)).join(" ");
      if (!u.recursive && open === u.rate) lines[lines.length - 1] += " " + names;
      else if (u.lanes) lines.push(`${u.rate} lockstep ×${u.lanes.length} ${u.lanes.map((l) => ctx.name(l.head)).join(" ")}: ${names}`);
      else lines.push(`${u.rate}${u.recursive ? ` ${ctx.name(u.head)}` : ""}: ${names}`);
      open = u.recursive ? "" : u.rate;
    }
    return lines.join("\n") + "\n";
  },
};
