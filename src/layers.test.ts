// Every import in the tree runs downwards in src/layers.ts's table (tests may
// import anything).

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { layerOf, layers } from "./layers.ts";
import { projectRoot } from "./core/paths.ts";

function sourceFiles(): string[] {
  const out: string[] = [];
  const stack = layers.flatMap((l) => l.folders).map((f) => path.join(projectRoot, f));
  while (stack.length > 0) {
    const dir = stack.pop()!;
    if (!fs.existsSync(dir)) continue;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== "node_modules" && !e.name.startsWith(".")) stack.push(p);
      } else if (/\.(ts|mts|mjs|js)$/.test(e.name) && !/\.test\.ts$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(p);
    }
  }
  return out.sort();
}

const importRe = /(?:^|[^\w.])(?:import|export)\s[^;]*?from\s*["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)|^\s*import\s*["'](\.{1,2}\/[^"']+)["']/gm;

export function importsOf(file: string): string[] {
  const text = fs
    .readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const specs: string[] = [];
  for (const m of text.matchAll(importRe)) specs.push((m[1] ?? m[2] ?? m[3])!);
  return specs;
}

describe("layering", () => {
  const files = sourceFiles();
  it("finds the tree's modules", () => {
    expect(files.length).toBeGreaterThan(100);
  });
  it("every module of a layer imports only its own layer and the layers below", () => {
    const violations: string[] = [];
    for (const file of files) {
      const rel = path.relative(projectRoot, file);
      const from = layerOf(rel);
      if (from === undefined) {
        violations.push(`${rel}: in no layer`);
        continue;
      }
      for (const spec of importsOf(file)) {
        const target = path.relative(projectRoot, path.resolve(path.dirname(file), spec));
        const to = layerOf(target);
        if (to === undefined) {
          if (!target.startsWith("src/layers")) violations.push(`${rel} → ${target}: target in no layer`);
          continue;
        }
        if (to > from) violations.push(`${rel} (${layers[from]!.name}) → ${target} (${layers[to]!.name})`);
      }
    }
    expect(violations).toEqual([]);
  });
  it("every folder of src/ belongs to a layer", () => {
    const dirs = fs
      .readdirSync(path.join(projectRoot, "src"), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `src/${e.name}`);
    expect(dirs.filter((d) => layerOf(d) === undefined)).toEqual([]);
  });
});
