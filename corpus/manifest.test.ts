// The corpus manifest agrees with the programs on disk and with the reference.

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileReference, renderReference } from "../src/harness/oracle.ts";
import { corpusDir, describeProgram, expectedErrors, groupOf, listPrograms, readManifest } from "./manifest.ts";

const groups = [
  "composition",
  "recursion",
  "delays",
  "prefix",
  "tables",
  "select",
  "integers",
  "casts",
  "math",
  "ui",
  "patterns",
  "iterations",
  "environments",
  "route",
  "lti",
  "enable",
  "errors",
];

const programs = listPrograms();
const manifest = readManifest();

describe("corpus manifest", () => {
  it("lists exactly the programs on disk, sorted, once each", () => {
    const paths = manifest.map((e) => e.path);
    expect(paths).toEqual(programs);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it("has at least 60 programs and every group is non-empty", () => {
    expect(programs.length).toBeGreaterThanOrEqual(60);
    for (const g of groups) expect(programs.filter((p) => groupOf(p) === g).length, g).toBeGreaterThan(0);
    for (const p of programs) expect(groups, p).toContain(groupOf(p));
  });

  it("rejects exactly the errors/ programs, at least 8, each with a distinct expected message", () => {
    const rejected = manifest.filter((e) => !e.accepted);
    expect(rejected.map((e) => e.path)).toEqual(programs.filter((p) => groupOf(p) === "errors"));
    expect(rejected.length).toBeGreaterThanOrEqual(8);
    const errors = rejected.map((e) => (e.accepted ? "" : e.error));
    expect(new Set(errors).size).toBe(errors.length);
    for (const e of rejected) expect(e.accepted ? undefined : e.error).toBe(expectedErrors[e.path]);
  });

  it("agrees with the reference on every program", async () => {
    const mismatches: string[] = [];
    for (const entry of manifest) {
      const got = await describeProgram(entry.path);
      if (entry.accepted) {
        if (!got.accepted) mismatches.push(`${entry.path}: expected accepted, rejected: ${got.error}`);
        else if (got.inputs !== entry.inputs || got.outputs !== entry.outputs)
          mismatches.push(`${entry.path}: expected ${entry.inputs}->${entry.outputs}, got ${got.inputs}->${got.outputs}`);
      } else if (got.accepted) mismatches.push(`${entry.path}: expected rejection (${entry.error}), accepted`);
      else if (!got.error.includes(entry.error)) mismatches.push(`${entry.path}: message lacks '${entry.error}': ${got.error}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("renders every accepted program for 2100 samples in both precisions without trapping", async () => {
    const failures: string[] = [];
    for (const entry of manifest) {
      if (!entry.accepted) continue;
      const file = path.join(corpusDir, entry.path);
      for (const double of [false, true]) {
        try {
          const c = await compileReference(fs.readFileSync(file, "utf8"), entry.path, { double, sourceDir: path.dirname(file) });
          const r = renderReference(c, { samples: 2100 });
          if (r.data.length !== entry.outputs) failures.push(`${entry.path}: ${r.data.length} outputs rendered`);
        } catch (e) {
          failures.push(`${entry.path} (double=${double}): ${(e as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("varies the number of inputs and outputs", () => {
    const accepted = manifest.flatMap((e) => (e.accepted ? [e] : []));
    const ins = new Set(accepted.map((e) => e.inputs));
    const outs = new Set(accepted.map((e) => e.outputs));
    for (const n of [0, 1, 2]) expect(ins.has(n), `${n} inputs`).toBe(true);
    for (const n of [1, 2]) expect(outs.has(n), `${n} outputs`).toBe(true);
    expect(Math.max(...ins)).toBeGreaterThan(2);
    expect(Math.max(...outs)).toBeGreaterThan(2);
  });

  it("starts every program with a one-line comment and defines process", () => {
    for (const p of programs) {
      const text = fs.readFileSync(path.join(corpusDir, p), "utf8");
      expect(text.startsWith("// "), p).toBe(true);
      if (p !== "programs/errors/no_process.dsp") expect(/\bprocess\s*=/.test(text), p).toBe(true);
    }
  });
});
