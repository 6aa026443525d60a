// Widgets of evaluated programs against the reference compiler's UI: the
// same widgets (kind, label after %-substitution, init/min/max/step), as
// multisets (the reference orders them by its own traversal). Labels are
// compared without metadata and group path prefixes, which later stages
// interpret.

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Box } from "../../core/boxes/box.ts";
import { children } from "../../core/boxes/box.ts";
import { compileReference, type ReferenceUIItem } from "../../harness/oracle.ts";
import { extractLibraryTests } from "../../driver/libtests.ts";
import { corpusDir, readManifest } from "../../../corpus/manifest.ts";
import { evaluateProgram } from "../../driver/signals.ts";

const widgetKinds = new Set(["button", "checkbox", "hslider", "vslider", "nentry", "hbargraph", "vbargraph"]);

function leaf(label: string): string {
  const noMeta = label.replace(/\[[^\]]*\]/g, "").trim();
  const parts = noMeta.split("/");
  return parts[parts.length - 1]!.trim();
}

function num(v: number | undefined): string {
  return v === undefined ? "-" : String(Math.fround(v));
}

/** Widgets of an evaluated box, each once (a shared widget is one widget). */
function ours(root: Box): string[] {
  const out: string[] = [];
  const seen = new Set<Box>();
  const stack = [root];
  while (stack.length) {
    const b = stack.pop()!;
    if (seen.has(b)) continue;
    seen.add(b);
    if (widgetKinds.has(b.kind)) {
      const w = b as Box & { label: string; init?: Box; min?: Box; max?: Box; step?: Box };
      const v = (x: Box | undefined) => (x && (x.kind === "real" || x.kind === "int") ? x.value : undefined);
      out.push(`${b.kind} ${leaf(w.label)} ${num(v(w.init))} ${num(v(w.min))} ${num(v(w.max))} ${num(v(w.step))}`);
    }
    stack.push(...children(b));
  }
  return out.sort();
}

function theirs(items: readonly ReferenceUIItem[]): string[] {
  const out: string[] = [];
  const walk = (it: ReferenceUIItem) => {
    if (it.items) it.items.forEach(walk);
    else if (widgetKinds.has(it.type)) {
      const dflt = it.type === "button" || it.type === "checkbox";
      const bar = it.type === "hbargraph" || it.type === "vbargraph";
      out.push(`${it.type} ${leaf(it.label)} ${dflt || bar ? "-" : num(it.init)} ${dflt ? "-" : num(it.min)} ${dflt ? "-" : num(it.max)} ${dflt || bar ? "-" : num(it.step)}`);
    }
  };
  items.forEach(walk);
  return out.sort();
}

interface Case {
  readonly name: string;
  readonly text: string;
  readonly file: string;
}

const cases: Case[] = [];
let compared = 0;
for (const e of readManifest()) {
  if (!e.accepted || !e.path.startsWith("programs/ui/")) continue;
  const file = path.join(corpusDir, e.path);
  cases.push({ name: e.path, text: fs.readFileSync(file, "utf8"), file });
}
// a deterministic sample of library tests with widgets and %-labels
const libManifest = JSON.parse(fs.readFileSync(path.join(corpusDir, "library-manifest.json"), "utf8")) as { tests: { id: string; accepted: boolean }[] };
const accepted = new Set(libManifest.tests.filter((t) => t.accepted).map((t) => t.id));
const withWidgets = extractLibraryTests().filter((t) => accepted.has(t.id) && /slider|nentry|button|checkbox|bargraph/.test(t.source));
for (const t of withWidgets.filter((_, i) => i % 4 === 0)) cases.push({ name: t.id, text: t.source, file: `${t.id}.dsp` });

describe("widgets agree with the reference's UI", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const r = evaluateProgram({ text: c.text, path: c.file });
      expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const ref = await compileReference(c.text, c.name.replace(/\W/g, "_"), { sourceDir: path.dirname(path.resolve(c.file)) });
      // the reference drops widgets whose value is never used; ours keeps every widget evaluated
      const mine = ours(r.process!);
      const expected = theirs(ref.meta.ui);
      for (const w of expected) expect(mine).toContain(w);
      compared += expected.length;
    }, 30_000);
  }

  it("compared a meaningful number of widgets", () => {
    expect(compared).toBeGreaterThanOrEqual(60);
  });
});

