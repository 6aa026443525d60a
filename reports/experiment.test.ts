// Experiments end to end, kept small (one program, two pipelines, two backends, 512 samples): a batch
// killed halfway completes on rerun with the same records and no duplicate
// keys; three shards merged equal the unsharded run; a bad program, a hanging
// one and a missing one give three failed records while the rest is
// measured; spec errors are located; and the report opens in headless
// Chromium with no console error, no request outside its folder, and every
// plot drawn (marks and axes), with screenshots under out/.

import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, beforeAll } from "vitest";
import { chromium } from "playwright-core";
import { DiagnosticError, render } from "../src/core/diagnostics.ts";
import { projectPath } from "../src/core/paths.ts";
import { tempTree } from "../src/cli/testutil.ts";
import { runCli } from "../src/cli/testutil.ts";
import { parseSpec } from "../src/harness/experiment/spec.ts";
import { comparable, type RunRecord } from "../src/harness/experiment/record.ts";
import { readResults, RESULTS } from "../src/harness/experiment/store.ts";
import { runExperiment } from "./experiment.ts";

const tree = tempTree("experiment");
const SPEC = {
  name: "test",
  programs: ["corpus:lti/tf2.dsp"],
  pipelines: { O0: "", O1: "O1" },
  precisions: ["single"],
  backends: ["js", "wasm"],
  stimuli: ["noise"],
  length: 512,
  timeLimit: 60,
};
const specFile = tree.write("spec.json", JSON.stringify(SPEC, null, 2));
const runsOf = (dir: string) => fs.readFileSync(path.join(dir, RESULTS), "utf8").split("\n").filter(Boolean);
const norm = (rs: readonly RunRecord[]) => [...rs].map(comparable).sort((a, b) => (a.key < b.key ? -1 : 1));

let baseline: RunRecord[] = [];
let baseDir = "";

beforeAll(async () => {
  baseDir = path.join(tree.dir, "base");
  const r = await runExperiment(specFile, { out: baseDir, jobs: 2 });
  baseline = [...r.records];
}, 240_000);

describe("experiment", () => {
  it("measures every run of the plan", () => {
    expect(baseline.length).toBe(4);
    expect(baseline.every((r) => r.status === "ok")).toBe(true);
    const tf2 = baseline.find((r) => r.program === "corpus:lti/tf2.dsp" && r.pipelineName === "O0" && r.backend === "js")!;
    expect(tf2.exact!.snr).toBeGreaterThan(60);
    expect(tf2.faust!.vsFaust!.snr).toBeGreaterThan(60);
    expect(tf2.transfer!.some((t) => t.kind === "lti")).toBe(true);
    expect(tf2.impulse!.length).toBe(512);
    const w = baseline.find((r) => r.backend === "wasm")!;
    expect(w.timing.throughput).toBeGreaterThan(0);
    expect(w.timing.faustThroughput).toBeGreaterThan(0);
    const o1 = baseline.find((r) => r.pipelineName === "O1")!;
    expect(o1.passes!.map((p) => p.pass)).toContain("realize");
  });

  it("resumes a run killed halfway: same records, no duplicate keys", async () => {
    const dir = path.join(tree.dir, "killed");
    const child = spawn(process.execPath, [projectPath("bin", "faustlab.mjs"), "experiment", specFile, "-o", dir, "-j", "1", "-no-report"], { stdio: "ignore" });
    // kill it as soon as some records are written (a line may be cut short)
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        try {
          if (fs.existsSync(path.join(dir, RESULTS)) && runsOf(dir).length >= 1) {
            clearInterval(t);
            child.kill("SIGKILL");
            resolve();
          }
        } catch (e) {
          reject(e);
        }
      }, 20);
      child.on("exit", () => {
        clearInterval(t);
        resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 100));
    const before = runsOf(dir).length;
    expect(before).toBeGreaterThanOrEqual(1);
    expect(before).toBeLessThan(4);
    const r = await runExperiment(specFile, { out: dir, jobs: 1, report: false });
    expect(r.summary.skipped).toBe(before);
    const lines = runsOf(dir).map((l) => JSON.parse(l) as RunRecord);
    expect(new Set(lines.map((l) => l.key)).size).toBe(lines.length);
    expect(norm(readResults(dir))).toEqual(norm(baseline));
    // a third run has nothing left to do
    expect((await runExperiment(specFile, { out: dir, report: false })).summary.written).toBe(0);
  }, 240_000);

  it("splits into shards that merge into the unsharded records", async () => {
    const dirs: string[] = [];
    let total = 0;
    for (const k of [1, 2, 3]) {
      const d = path.join(tree.dir, `shard${k}`);
      const r = await runExperiment(specFile, { out: d, jobs: 1, shard: { index: k, count: 3 }, report: false });
      total += r.summary.selected;
      dirs.push(d);
    }
    expect(total).toBe(4);
    const merged = path.join(tree.dir, "merged");
    const m = await runCli("results", "merge", merged, ...dirs);
    expect(m.code).toBe(0);
    expect(norm(readResults(merged))).toEqual(norm(baseline));
    const csv = await runCli("results", merged, "--csv");
    expect(csv.out.split("\n")[0]).toMatch(/^key,program,pipeline,/);
    expect(csv.out.trim().split("\n").length).toBe(5);
  }, 240_000);

  it("records a bad, a hanging and a missing program as failed runs and measures the rest", async () => {
    tree.write("f/bad.dsp", "process = _ +;\n");
    // exponential evaluation (2^40 distinct calls: no memo shares them) takes far longer than the limit
    tree.write("f/hang.dsp", "f(0, k) = k;\nf(n, k) = f(n-1, k+1) + f(n-1, 2*k+1);\nprocess = f(40, 0);\n");
    tree.write("f/good.dsp", "process = _ : + ~ *(0.5);\n");
    const spec = tree.write("f/spec.json", JSON.stringify({ programs: ["bad.dsp", "hang.dsp", "missing.dsp", "good.dsp"], length: 256, timeLimit: 4, metrics: ["accuracy"] }));
    const r = await runExperiment(spec, { out: path.join(tree.dir, "f", "out"), jobs: 2, report: false });
    const by = new Map(r.records.map((x) => [x.program, x]));
    expect(r.records.length).toBe(4);
    expect(by.get("bad.dsp")!.status).toBe("failed");
    expect(by.get("bad.dsp")!.diagnostics[0]!.location).toMatch(/bad\.dsp:1:\d+$/);
    expect(by.get("hang.dsp")!.diagnostics[0]!.code).toBe("FL032");
    expect(by.get("missing.dsp")!.diagnostics[0]!.code).toBe("FL001");
    expect(by.get("good.dsp")!.status).toBe("ok");
    expect(r.summary.failed).toBe(3);
  }, 120_000);

  it("locates spec errors at the offending value", () => {
    const text = `{\n  "programs": ["a.dsp"],\n  "backends": ["js", "fortran"],\n  "lenght": 4\n}\n`;
    let err: unknown;
    try {
      parseSpec(text, "bad-spec.json", tree.dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DiagnosticError);
    const out = (err as DiagnosticError).diagnostics.map((d) => render(d));
    expect(out.some((t) => /^bad-spec\.json:3:22: error FL030: experiment spec: \/backends\/1 must be one of/.test(t))).toBe(true);
    expect(out.some((t) => /^bad-spec\.json:4:3: error FL030: .*unknown property 'lenght'/.test(t))).toBe(true);
    expect(() => parseSpec(`{"programs": [}`, "s.json")).toThrow(/expected a value|unexpected/);
  });
});

describe("the report in a real browser", () => {
  it("loads every page with no console error and no outside request, every plot drawn", async () => {
    const dir = path.join(baseDir, "report");
    const pages = [
      "index.html",
      "backends.html",
      "failures.html",
      ...fs.readdirSync(path.join(dir, "programs")).map((f) => `programs/${f}`),
      ...fs.readdirSync(path.join(dir, "pipelines")).map((f) => `pipelines/${f}`),
    ];
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
    const shots = projectPath("out", "report-test");
    fs.mkdirSync(shots, { recursive: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const problems: string[] = [];
      const root = pathToFileURL(dir).href;
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("request", (req) => {
        if (!req.url().startsWith(root) && !req.url().startsWith("data:")) problems.push(`outside request: ${req.url()}`);
      });
      page.on("requestfailed", (req) => problems.push(`failed request: ${req.url()}`));
      let plotCount = 0;
      for (const p of pages) {
        await page.goto(`${root}/${p}`);
        await page.waitForLoadState("load");
        // the live Vega views replace the static SVG: wait until each plot has its SVG again
        await page.waitForFunction(() => Array.from(document.querySelectorAll(".plot .view")).every((v) => v.querySelector("svg")), undefined, { timeout: 20_000 });
        const plots = await page.$$eval(".plot", (els) =>
          els.map((el) => {
            const svg = el.querySelector(".view svg")!;
            const marks = Array.from(svg.querySelectorAll(".mark-line path, .mark-symbol path, .mark-rect path, .mark-text text")).filter((m) => (m.getAttribute("d") ?? m.textContent ?? "").length > 0).length;
            const axes = svg.querySelectorAll(".role-axis").length;
            const box = svg.getBoundingClientRect();
            return { id: el.id, marks, axes, w: box.width, h: box.height };
          }),
        );
        for (const pl of plots) {
          plotCount++;
          if (pl.marks === 0 || pl.axes === 0 || pl.w < 50 || pl.h < 50) problems.push(`${p}: empty plot ${JSON.stringify(pl)}`);
        }
        if (p === "index.html") await page.screenshot({ path: path.join(shots, "summary.png"), fullPage: true });
        if (p.startsWith("programs/000-")) await page.screenshot({ path: path.join(shots, "program.png"), fullPage: true });
      }
      // the sortable summary: clicking SNR sorts the rows
      await page.goto(`${root}/index.html`);
      await page.click("#summary th:nth-child(3)");
      expect(await page.$eval("#summary th:nth-child(3)", (th) => th.className)).toMatch(/sorted-asc/);
      expect(problems).toEqual([]);
      expect(plotCount).toBeGreaterThanOrEqual(8);
      expect(fs.statSync(path.join(shots, "summary.png")).size).toBeGreaterThan(10_000);
      expect(fs.statSync(path.join(shots, "program.png")).size).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
