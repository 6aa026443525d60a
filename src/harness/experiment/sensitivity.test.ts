// The sensitivity metric: fad's tangents × the control's range equal central finite
// differences of the rendered output with the control moved (one window per sample),
// and the preset experiment's programs all get a curve per slider.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { compileFir, instantiate } from "../../driver/compile.ts";
import { compileSignals } from "../../driver/signals.ts";
import { renderDsp } from "../../chain/backends/render.ts";
import { projectPath } from "../../core/paths.ts";
import { measureSensitivity } from "./sensitivity.ts";

const N = 1200;
const input = (_c: number, i: number) => Math.sin(0.05 * i) * 0.7 + 0.2 * Math.sin(0.31 * i);
const file = (name: string) => projectPath("experiments", "sensitivity", name);

describe("sensitivity metric", () => {
  // (the tremolo's os.osc is a table read: fad takes the table's central-difference slope, not checked at 1e-4)
  it.each(["peak_eq.dsp", "softclip_echo.dsp", "resonlp.dsp"])("%s: |tangent| × range equals central finite differences", (name) => {
    const src = { text: fs.readFileSync(file(name), "utf8"), path: file(name) };
    const p = compileSignals(src, { precision: "double" });
    const s = measureSensitivity(p, { length: N, sampleRate: 44100, input, controls: {}, points: N })!;
    expect(s.controls.length).toBeGreaterThan(1);
    const m = compileFir(src, { double: true });
    s.controls.forEach((c, k) => {
      const init = (m.widgets.find((w) => w.address.endsWith(`/${c.label}`)) ?? { init: NaN }).init;
      const h = 1e-6 * Math.max(1, Math.abs(init));
      const at = (v: number) => renderDsp(instantiate(m, "js")(), { samples: N, sampleRate: 44100, double: true, input, controls: { [m.widgets.find((w) => w.address.endsWith(`/${c.label}`))!.address]: v } })[0]!;
      const up = at(init + h);
      const down = at(init - h);
      const range = c.max - c.min;
      const peak = Math.max(...s.values[k]!);
      s.values[k]!.forEach((v, i) => {
        const fd = (Math.abs(up[i]! - down[i]!) / (2 * h)) * range;
        expect(Math.abs(v - fd)).toBeLessThan(1e-4 * Math.max(1, peak));
      });
    });
  });
  it("the preset measures every slider of its four programs", () => {
    const spec = JSON.parse(fs.readFileSync(projectPath("experiments", "sensitivity.json"), "utf8"));
    expect(spec.metrics).toEqual(["sensitivity"]);
    for (const name of fs.readdirSync(projectPath("experiments", "sensitivity"))) {
      const src = { text: fs.readFileSync(file(name), "utf8"), path: file(name) };
      const s = measureSensitivity(compileSignals(src, { precision: "double" }), { length: 2048, sampleRate: 44100, input, controls: {} })!; // > the echo's 882-sample delay
      const sliders = (src.text.match(/hslider\(/g) ?? []).length;
      expect(s.controls.length).toBe(sliders);
      s.values.forEach((v) => expect(v.some((x) => x > 0 && Number.isFinite(x))).toBe(true));
    }
  });
});
