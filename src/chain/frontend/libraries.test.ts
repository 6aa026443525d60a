// Every standard library file, every library test program and every corpus
// program parses with no diagnostics, and its boxes print back to themselves.

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { render, SourceFile } from "../../core/diagnostics.ts";
import { printProgram } from "../../core/boxes/print.ts";
import { extractLibraryTests } from "../../driver/libtests.ts";
import { stdlibFiles } from "../../driver/stdlib.ts";
import { parseSource } from "./parser.ts";
import { projectRoot } from "../../core/paths.ts";

const root = projectRoot;

function problems(name: string, text: string): string[] {
  const r = parseSource(new SourceFile(name, text));
  const out = r.diagnostics.map((d) => render(d));
  const back = parseSource(new SourceFile(`${name}#printed`, printProgram(r.stmts)));
  if (back.diagnostics.length || back.stmts.length !== r.stmts.length || back.stmts.some((s, i) => s !== r.stmts[i])) out.push(`${name}: printed boxes do not parse back to the same boxes`);
  return out;
}

function dspFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...dspFiles(p));
    else if (e.name.endsWith(".dsp")) out.push(p);
  }
  return out.sort();
}

describe("the Faust libraries and corpus parse", () => {
  it("all 53 standard library files, with no diagnostics", () => {
    const files = stdlibFiles();
    expect(files.length).toBe(53);
    const bad = files.flatMap((f) => problems(path.basename(f), fs.readFileSync(f, "utf8")));
    expect(bad).toEqual([]);
  });

  it("all library test programs, with no diagnostics", () => {
    const tests = extractLibraryTests();
    expect(tests.length).toBeGreaterThanOrEqual(1154);
    const bad = tests.flatMap((t) => problems(t.id, t.source));
    expect(bad).toEqual([]);
  });

  it("every corpus program outside errors/ has no diagnostics; those in errors/ only give diagnostics", () => {
    const files = dspFiles(path.join(root, "corpus"));
    const bad: string[] = [];
    for (const f of files) {
      const rel = path.relative(root, f);
      const text = fs.readFileSync(f, "utf8");
      if (rel.split(path.sep).includes("errors")) parseSource(new SourceFile(rel, text));
      else bad.push(...problems(rel, text));
    }
    expect(bad).toEqual([]);
  });
});
