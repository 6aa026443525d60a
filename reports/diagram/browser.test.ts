// Diagrams in a real browser (headless Chromium): a reverb, a synth with UI
// groups, a recursive filter and a program with fad render with no console
// error and no request outside their folder; the SVG parses as XML in the
// browser; screenshots go to out/screenshots/diagram-*.png.

import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { drawBoxDiagram, drawSignalGraph, programGraph, writeDiagramFiles } from "./index.ts";
import { launchBrowser } from "../../src/harness/browser.ts";
import { projectPath } from "../../src/core/paths.ts";

const programs: Record<string, string> = {
  reverb: 'import("stdfaust.lib");\nprocess = re.mono_freeverb(0.7, 0.5, 0.3, 23);',
  synth: 'import("stdfaust.lib");\nfreq = hslider("h:osc/freq[unit:Hz]", 440, 50, 2000, 1);\ngain = hslider("h:osc/gain", 0.3, 0, 1, 0.01);\ngate = button("h:env/gate");\nprocess = vgroup("synth", os.sawtooth(freq) * gain * en.adsr(0.01, 0.1, 0.8, 0.3, gate) : fi.lowpass(2, 2000));',
  filter: "process = + ~ (_ <: @(1) * 0.9, @(2) * -0.2 :> _);",
  autodiff: 'p = hslider("p", 0.5, 0, 0.9, 0.01);\nprocess = fad(2 : + ~ *(p), p);',
};

let browser: Browser;
const out = projectPath("out", "screenshots");

beforeAll(async () => {
  browser = await launchBrowser();
  fs.mkdirSync(out, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

async function check(file: string, shot: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  const outside: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  const folder = path.dirname(file);
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.protocol !== "file:" || !decodeURIComponent(u.pathname).startsWith(folder)) outside.push(r.url());
  });
  await page.goto(`file://${file}`);
  // the document is SVG (a parse error would make Chromium show its error page instead)
  const root = await page.evaluate(() => document.documentElement.namespaceURI + " " + document.documentElement.localName);
  expect(root).toBe("http://www.w3.org/2000/svg svg");
  const counts = await page.evaluate(() => ({ blocks: document.querySelectorAll("g.block").length, wires: document.querySelectorAll("polyline.wire").length, parseErrors: document.getElementsByTagName("parsererror").length }));
  expect(counts.parseErrors).toBe(0);
  expect(counts.blocks).toBeGreaterThan(1);
  expect(counts.wires).toBeGreaterThan(0);
  await page.screenshot({ path: shot, fullPage: false });
  await page.close();
  expect(errors).toEqual([]);
  expect(outside).toEqual([]);
}

describe("diagrams in headless Chromium", () => {
  for (const [name, text] of Object.entries(programs)) {
    it(`${name}: block diagram and signal graph`, async () => {
      const src = { text, path: `${name}.dsp` };
      const dir = projectPath("out", "diagram-browser", name);
      fs.rmSync(dir, { recursive: true, force: true });
      const files = await drawBoxDiagram(src);
      writeDiagramFiles(dir, files);
      const sigs = await drawSignalGraph(programGraph(src, ""), name);
      writeDiagramFiles(dir, [sigs]);
      await check(path.join(dir, "process.svg"), path.join(out, `diagram-${name}.png`));
      await check(path.join(dir, "signals.svg"), path.join(out, `diagram-${name}-signals.png`));
      // every folded link opens a file of the folder
      for (const f of files) for (const b of f.diagram.blocks) if (b.href) expect(fs.existsSync(path.join(dir, b.href))).toBe(true);
    });
  }
});
