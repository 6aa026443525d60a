// `info` against the reference: for every program the reference accepts (our
// corpus, compiled live; the library tests, against the widgets recorded in
// corpus/library-manifest.json), faustlab's inputs, outputs and UI widgets
// (type, label, address, init, min, max, step) must be the reference's. The
// library figure may not drop below the floor reached when it was last raised;
// the remaining differences are printed by cause.

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DiagnosticError } from "../core/diagnostics.ts";
import { compileSignals } from "../driver/signals.ts";
import { compareInfo, expectedInfo, type WidgetKey } from "./infocompare.ts";
import { extractLibraryTests } from "../driver/libtests.ts";
import { compileReference } from "./oracle.ts";
import { listPrograms, readManifest } from "../../corpus/manifest.ts";
import { projectRoot } from "../core/paths.ts";

/** Library tests whose info agrees (of 1093 accepted); raise it as the chain improves. */
const LIBRARY_FLOOR = 1093;

interface ManifestTest {
  readonly id: string;
  readonly accepted: boolean;
  readonly inputs?: number;
  readonly outputs?: number;
  readonly widgets?: readonly WidgetKey[];
}

const root = projectRoot;
const manifest = JSON.parse(fs.readFileSync(path.join(root, "corpus/library-manifest.json"), "utf8")) as { tests: ManifestTest[] };

function describeFailure(e: unknown): string {
  if (e instanceof DiagnosticError) return `${e.diagnostics[0]?.code ?? "?"}: ${e.diagnostics[0]?.message.slice(0, 160) ?? ""}`;
  return `crash: ${(e as Error).message}`;
}

describe("info agrees with the reference", () => {
  it("on every accepted program of our corpus", async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const rel of listPrograms()) {
      const file = path.join(root, "corpus", rel);
      let ref;
      try {
        ref = await compileReference(fs.readFileSync(file, "utf8"), rel, { sourceDir: path.dirname(file) });
      } catch {
        continue; // rejected by the reference: see the rejection tests
      }
      checked++;
      try {
        const d = compareInfo(compileSignals(file), expectedInfo(ref.meta));
        if (d.length) failures.push(`${rel}: ${d.map((x) => `${x.what} ${x.detail}`).join(" | ")}`);
      } catch (e) {
        failures.push(`${rel}: ${describeFailure(e)}`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });

  it("rejects, with a located diagnostic, every corpus program the reference rejects", () => {
    const rejected = readManifest().filter((e) => !e.accepted);
    expect(rejected.length).toBeGreaterThan(10);
    for (const e of rejected) {
      let thrown: unknown;
      try {
        compileSignals(path.join(root, "corpus", e.path));
      } catch (x) {
        thrown = x;
      }
      expect(thrown, e.path).toBeInstanceOf(DiagnosticError);
      const d = (thrown as DiagnosticError).diagnostics[0]!;
      expect(d.severity, e.path).toBe("error");
      // Every rejection names a place in a file, except a program without `process`.
      if (!e.path.endsWith("no_process.dsp")) expect(d.span, `${e.path}: ${d.code} ${d.message}`).toBeDefined();
    }
  });

  it(`on at least ${LIBRARY_FLOOR} of the library tests the reference accepts`, () => {
    const byId = new Map(manifest.tests.map((t) => [t.id, t]));
    const causes = new Map<string, string[]>();
    let agree = 0;
    let total = 0;
    const t0 = performance.now();
    for (const t of extractLibraryTests()) {
      const m = byId.get(t.id);
      if (!m?.accepted || !m.widgets) continue;
      total++;
      let cause: string;
      let detail: string;
      try {
        const p = compileSignals({ text: t.source, path: `/library-tests/${t.id}.dsp` }, { name: t.name });
        const d = compareInfo(p, { inputs: m.inputs!, outputs: m.outputs!, widgets: m.widgets });
        if (d.length === 0) {
          agree++;
          continue;
        }
        cause = `different ${[...new Set(d.map((x) => x.what))].join("+")}`;
        detail = d.map((x) => x.detail).join(" | ").slice(0, 200);
      } catch (e) {
        cause = e instanceof DiagnosticError ? `rejected (${e.diagnostics[0]?.code})` : "crashed";
        detail = describeFailure(e);
      }
      causes.set(cause, [...(causes.get(cause) ?? []), `${t.id}: ${detail}`]);
    }
    const lines = [`info: ${agree}/${total} library tests agree with the reference (${((performance.now() - t0) / 1000).toFixed(1)} s)`];
    for (const [cause, list] of causes) lines.push(`  ${cause} (${list.length}):`, ...list.map((l) => `    ${l}`));
    console.log(lines.join("\n"));
    expect(total).toBe(manifest.tests.filter((t) => t.accepted).length);
    expect(agree).toBeGreaterThanOrEqual(LIBRARY_FLOOR);
  }, 300_000);
});
