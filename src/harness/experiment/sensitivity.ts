// The sensitivity of a program's output 0 to each of its controls, over time:
// the program's first output differentiated by fad with respect to its
// sliders and number entries (at most 8, in the graph's order), rendered in
// double on the JS backend with the run's stimulus and control values, each
// tangent scaled by its control's range (max − min: the output's change for a
// full sweep of the control, to first order) and reduced to its RMS over
// `points` windows of the run.
//
//   measureSensitivity(program, { length, sampleRate, input, controls }) → SensitivityRecord | undefined
//
// undefined when the program has no slider or number entry.

import { checkProgram } from "../../core/signals/intervals.ts";
import { uiAddress, type Sig } from "../../core/signals/signal.ts";
import { expandAutodiff } from "../../chain/propagate/autodiff.ts";
import { collectWidgets } from "../../chain/propagate/ui.ts";
import { generateFir } from "../../chain/codegen/generate.ts";
import { renderDsp } from "../../chain/backends/render.ts";
import { instantiate } from "../../driver/compile.ts";
import type { SignalProgram } from "../../driver/signals.ts";
import type { SensitivityRecord } from "./record.ts";

const MAX_CONTROLS = 8;
const literal = (s: Sig): number => (s.kind === "int" || s.kind === "float" ? s.value : NaN);

export interface SensitivityOptions {
  readonly length: number;
  readonly sampleRate: number;
  readonly input: (channel: number, index: number) => number;
  readonly controls: Readonly<Record<string, number>>;
  /** Windows over the run (default 128). */
  readonly points?: number;
}

export function measureSensitivity(p: SignalProgram, o: SensitivityOptions): SensitivityRecord | undefined {
  const root = p.outputs[0];
  if (!root) return undefined;
  const seeds = collectWidgets(p.outputs).filter((w) => w.kind === "hslider" || w.kind === "vslider" || w.kind === "nentry").slice(0, MAX_CONTROLS);
  if (!seeds.length) return undefined;
  const tangents = expandAutodiff("fad", [root.kind === "output" ? root.x : root], seeds).slice(1);
  const m = generateFir({ name: p.name, inputs: p.inputs, outputs: tangents, ui: p.ui, info: checkProgram(tangents) }, { precision: "double" });
  const data = renderDsp(instantiate(m, "js")(), { samples: o.length, sampleRate: o.sampleRate, double: true, input: o.input, controls: o.controls });
  const points = Math.max(1, Math.min(o.points ?? 128, o.length));
  const block = Math.ceil(o.length / points);
  const controls = seeds.map((w) => {
    const s = w as Extract<typeof w, { kind: "hslider" }>;
    return { address: uiAddress(s), label: s.label, min: literal(s.min), max: literal(s.max) };
  });
  const values = data.map((t, k) => {
    const range = Math.abs(controls[k]!.max - controls[k]!.min) || 1;
    const out: number[] = [];
    for (let b = 0; b < o.length; b += block) {
      let acc = 0;
      const end = Math.min(o.length, b + block);
      for (let i = b; i < end; i++) acc += (t[i]! * range) ** 2;
      out.push(Math.sqrt(acc / (end - b)));
    }
    return out;
  });
  return { controls, time: values[0]!.map((_, i) => (i * block) / o.sampleRate), values };
}
