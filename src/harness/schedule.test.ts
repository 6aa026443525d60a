// Every scheduling strategy (-ss 0…3) gives the samples of the default order,
// bit for bit: on every 15th accepted library test and on the corpus with the
// JS backend, and on a few of them with the FIR interpreter and the wasm
// backend (the C and C++ backends print the same FIR, conformance covers them).
import { describe, expect, it } from "vitest";
import { compileFir, instantiate } from "../driver/compile.ts";
import { firstMismatch, suiteSample, type SampleProgram } from "./suite-sample.ts";
import { renderDsp } from "../chain/backends/render.ts";
import { wasmReference } from "../chain/backends/wasm.ts";
import { renderReference } from "./oracle.ts";
import { testSignal } from "./difftest.ts";
import { DiagnosticError } from "../core/diagnostics.ts";
import { STRATEGIES, type Strategy } from "../core/schedule.ts";
import type { FirModule } from "../core/fir/fir.ts";

const N = 1024;

function compile(p: SampleProgram, schedule: Strategy | undefined): FirModule | undefined {
  try {
    return compileFir({ text: p.text, path: p.path }, { double: true, schedule });
  } catch (e) {
    if (e instanceof DiagnosticError) return undefined; // rejected whatever the schedule (checked below)
    throw e;
  }
}

const noise = testSignal();
function render(m: FirModule, backend: "js" | "interp" | "wasm"): Float64Array[] {
  const opts = { samples: N, sampleRate: 44100, blockSize: 256, input: noise };
  return backend === "wasm" ? renderReference(wasmReference(m), opts).data : renderDsp(instantiate(m, backend)(), { ...opts, double: true });
}

describe("every scheduling strategy gives the samples of the default order", () => {
  const progs = suiteSample();
  it(`on ${progs.length} programs (every 15th library test, the corpus), js backend`, () => {
    const bad: string[] = [];
    let compared = 0;
    for (const p of progs) {
      const m0 = compile(p, undefined);
      if (!m0) {
        for (const s of STRATEGIES) if (compile(p, s)) bad.push(`${p.id}: rejected by default, compiled with -ss ${s}`);
        continue;
      }
      const base = render(m0, "js");
      for (const s of STRATEGIES) {
        const m = compile(p, s);
        if (!m) {
          bad.push(`${p.id}: -ss ${s} rejected it`);
          continue;
        }
        const d = firstMismatch(base, render(m, "js"));
        if (d) bad.push(`${p.id} -ss ${s}: ${d}`);
        compared++;
      }
    }
    expect(bad).toEqual([]);
    expect(compared).toBeGreaterThan(4 * 100);
  }, 600_000);

  it("on a few programs, with the FIR interpreter and the wasm backend", () => {
    const few = progs.filter((_, i) => i % 12 === 0);
    let compared = 0;
    for (const p of few) {
      const m0 = compile(p, undefined);
      if (!m0) continue;
      const base = render(m0, "js");
      for (const s of STRATEGIES) {
        const m = compile(p, s)!;
        for (const b of ["interp", "wasm"] as const) {
          expect(firstMismatch(base, render(m, b)), `${p.id} -ss ${s} ${b}`).toBeUndefined();
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(40);
  }, 600_000);
});
