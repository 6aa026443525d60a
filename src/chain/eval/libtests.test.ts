// The library test suite through the evaluator: every test program the
// reference accepts (corpus/library-manifest.json) is evaluated and its
// arity compared with the reference's. The agreement must not drop below
// the figure reached when this test was written; failures are printed by
// cause.

import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { extractLibraryTests } from "../../driver/libtests.ts";
import { evaluateProgram } from "../../driver/signals.ts";
import { checkEvaluated } from "./arity.ts";
import { projectPath } from "../../core/paths.ts";

/** Agreement reached (out of 1093 accepted tests); raise it when the evaluator improves. */
const AGREEMENT_FLOOR = 1093;

interface ManifestTest {
  readonly id: string;
  readonly accepted: boolean;
  readonly inputs?: number;
  readonly outputs?: number;
}

const manifestPath = projectPath("corpus", "library-manifest.json");
const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as { tests: ManifestTest[] };

describe("library tests through the evaluator", () => {
  it(`agree with the reference's arity on at least ${AGREEMENT_FLOOR} accepted tests`, () => {
    const byId = new Map(manifest.tests.map((t) => [t.id, t]));
    const causes = new Map<string, string[]>();
    let agree = 0;
    let total = 0;
    const t0 = performance.now();
    for (const t of extractLibraryTests()) {
      const m = byId.get(t.id);
      if (!m?.accepted) continue;
      total++;
      const r = evaluateProgram({ text: t.source, path: `${t.id}.dsp` });
      let cause: string | undefined;
      if (!r.process || !r.arity) cause = r.diagnostics.find((d) => d.severity === "error")?.code ?? "no result";
      else if (r.arity.ins !== m.inputs || r.arity.outs !== m.outputs) cause = "arity mismatch";
      else if (checkEvaluated(r.process)) cause = `unevaluated ${checkEvaluated(r.process)}`;
      if (cause) {
        const detail = r.arity ? `${r.arity.ins}->${r.arity.outs}, expected ${m.inputs}->${m.outputs}` : (r.diagnostics[0]?.message ?? "");
        causes.set(cause, [...(causes.get(cause) ?? []), `${t.id}: ${detail}`]);
      } else agree++;
    }
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    const lines = [`library tests: ${agree}/${total} agree with the reference (${seconds} s)`];
    for (const [cause, list] of causes) lines.push(`  ${cause} (${list.length}):`, ...list.map((l) => `    ${l}`));
    console.log(lines.join("\n"));
    expect(total).toBe(manifest.tests.filter((t) => t.accepted).length);
    expect(agree).toBeGreaterThanOrEqual(AGREEMENT_FLOOR);
  }, 120_000);

  it("rejects the tests the reference rejects at evaluation (missing files, undefined symbols)", () => {
    const byId = new Map(manifest.tests.map((t) => [t.id, t]));
    let checked = 0;
    for (const t of extractLibraryTests()) {
      const m = byId.get(t.id) as (ManifestTest & { error?: string }) | undefined;
      if (!m || m.accepted || !/unable to open file|undefined symbol/.test(m.error ?? "")) continue;
      const r = evaluateProgram({ text: t.source, path: `${t.id}.dsp` });
      expect(r.process, t.id).toBeUndefined();
      expect(r.diagnostics.some((d) => d.code === "FL301" || d.code === "FL401"), t.id).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});
