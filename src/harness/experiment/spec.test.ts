import { describe, expect, it } from "vitest";
import { parseSpec, planRuns, type ProgramRef } from "./spec.ts";

const prog: ProgramRef = { id: "a.dsp", path: "/t/a.dsp", hash: "h" };

describe("experiment spec: schedules", () => {
  it("plans one run per schedule, a strategy named in the pipeline's label; the default order keeps its key", () => {
    const plain = parseSpec(JSON.stringify({ programs: ["a.dsp"], pipelines: { O1: "O1" } }), "/t/s.json");
    const both = parseSpec(JSON.stringify({ programs: ["a.dsp"], pipelines: { O1: "O1" }, schedules: ["default", 0, 2] }), "/t/s.json");
    expect(plain.schedules).toEqual(["default"]);
    const r0 = planRuns(plain, [prog]);
    const r = planRuns(both, [prog]);
    expect(r.map((x) => [x.pipelineName, x.schedule])).toEqual([["O1", undefined], ["O1 -ss 0", 0], ["O1 -ss 2", 2]]);
    expect(r[0]!.key).toBe(r0[0]!.key);
    expect(new Set(r.map((x) => x.key)).size).toBe(3);
  });
  it("rejects a strategy that is not 0 to 3", () => {
    expect(() => parseSpec(JSON.stringify({ programs: ["a.dsp"], schedules: [4] }), "/t/s.json")).toThrow(/schedules/);
  });
  it("lockstep: false (-no-lockstep) is a variant of the pipeline with its own key; the default keeps the key", () => {
    const on = parseSpec(JSON.stringify({ programs: ["a.dsp"], pipelines: { O1: "O1" } }), "/t/s.json");
    const off = parseSpec(JSON.stringify({ programs: ["a.dsp"], pipelines: { O1: "O1" }, lockstep: false }), "/t/s.json");
    expect(on.lockstep).toBe(true);
    const [a] = planRuns(on, [prog]);
    const [b] = planRuns(off, [prog]);
    expect([a!.pipelineName, a!.lockstep]).toEqual(["O1", undefined]);
    expect([b!.pipelineName, b!.lockstep]).toEqual(["O1 -no-lockstep", false]);
    expect(a!.key).not.toBe(b!.key);
  });
});
