// `faustlab mcp` driven by the SDK's own client over stdio, as an agent's
// host would: tools and their schemas, every tool with valid and invalid
// arguments, hostile programs (each contained, the next request served), and
// a scripted agent loop whose transcript is checked.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { projectRoot } from "../../core/paths.ts";

const TIMEOUT_MS = 6000;
const project = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-mcp-test-project-"));
const outside = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-mcp-test-outside-"));
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-mcp-test-out-"));
fs.writeFileSync(path.join(project, "mine.lib"), "gain = *(0.5);\n");
fs.writeFileSync(path.join(outside, "secret.lib"), "secret = 42;\n");
fs.symlinkSync(path.join(outside, "secret.lib"), path.join(project, "link.lib"));

let client: Client;
let stderr = "";

interface Call {
  readonly isError: boolean;
  readonly data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly text: string;
}

async function call(name: string, args: Record<string, unknown>): Promise<Call> {
  const r = await client.callTool({ name, arguments: args });
  const text = (r.content as { type: string; text: string }[]).map((c) => c.text).join("");
  const isError = r.isError === true;
  let data: unknown = r.structuredContent;
  if (isError) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { error: { kind: "invalid", message: text } };
    }
  }
  return { isError, data, text };
}

const GOOD = 'import("stdfaust.lib");\nprocess = fi.lowpass(2, 1000);\n';
async function servesNext(): Promise<void> {
  const r = await call("check", { source: GOOD });
  expect(r.isError).toBe(false);
  expect(r.data.ok).toBe(true);
}

beforeAll(async () => {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ["bin/faustlab.mjs", "mcp", "-allow", project, "-out", outDir, "-timeout", String(TIMEOUT_MS), "-memory", "768", "-max-samples", "2000000"],
    cwd: projectRoot,
    stderr: "pipe",
  });
  transport.stderr?.on("data", (d) => (stderr += String(d)));
  client = new Client({ name: "faustlab-test", version: "1.0.0" });
  await client.connect(transport);
});

afterAll(async () => {
  await client?.close();
  for (const d of [project, outside, outDir]) fs.rmSync(d, { recursive: true, force: true });
});

describe("faustlab mcp over stdio", () => {
  it("lists its tools with input and output schemas, its resources and prompts", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name).sort();
    expect(names).toEqual(["analyze", "check", "compile", "diagram", "experiment", "library", "optimize", "render"]);
    for (const t of tools) {
      expect(t.inputSchema.type).toBe("object");
      if (t.name !== "library") expect(Object.keys(t.inputSchema.properties ?? {})).toContain("source");
      expect(t.outputSchema?.type).toBe("object");
    }
    const render = tools.find((t) => t.name === "render")!;
    expect(Object.keys(render.inputSchema.properties!)).toEqual(expect.arrayContaining(["duration", "sampleRate", "stimulus", "controls", "script", "wav"]));
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((r) => r.uriTemplate)).toContain("faust-lib://{file}");
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.name)).toContain("filters.lib");
    const lib = await client.readResource({ uri: "faust-lib://maths.lib" });
    expect((lib.contents[0] as { text: string }).text).toContain("PI");
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(["fix-error", "write-filter"]);
    const p = await client.getPrompt({ name: "fix-error", arguments: { source: "process = foo;" } });
    expect(JSON.stringify(p.messages)).toContain("process = foo;");
  });

  it("check: located diagnostics with the source line; a good program is ok", async () => {
    const bad = await call("check", { source: 'import("stdfaust.lib");\nprocess = fi.lowpas(2, 1000);\n' });
    expect(bad.isError).toBe(false);
    expect(bad.data.ok).toBe(false);
    const d = bad.data.diagnostics[0];
    expect(d).toMatchObject({ code: "FL401", severity: "error", line: 2, sourceLine: "process = fi.lowpas(2, 1000);" });
    expect(d.column).toBeGreaterThan(10);
    const good = await call("check", { source: GOOD });
    expect(good.data).toMatchObject({ ok: true, errors: 0, inputs: 1, outputs: 1 });
    // invalid arguments: the SDK's schema check answers, the server goes on
    const missing = await call("check", {});
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/source/);
  });

  it("compile: every target, a pipeline, the UI; bad target and bad pipeline are typed errors", async () => {
    const src = 'import("stdfaust.lib");\nprocess = fi.lowpass(2, hslider("cutoff", 1000, 20, 20000, 1));\n';
    for (const target of ["js", "c", "cpp", "fir"]) {
      const r = await call("compile", { source: src, target, pipeline: "O1" });
      expect(r.isError, r.text).toBe(false);
      expect(r.data.code.length).toBeGreaterThan(100);
      expect(JSON.stringify(r.data.ui)).toContain("cutoff");
    }
    const w = await call("compile", { source: src, target: "wasm" });
    expect(w.isError, w.text).toBe(false);
    expect(fs.readFileSync(w.data.path).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    expect(w.data.path.startsWith(outDir)).toBe(true);
    const badTarget = await call("compile", { source: src, target: "rust" });
    expect(badTarget.isError).toBe(true);
    const badPipe = await call("compile", { source: src, pipeline: "no-such-pass" });
    expect(badPipe.data.error).toMatchObject({ kind: "diagnostics" });
    expect(badPipe.data.error.diagnostics[0].code).toBe("FL701");
  });

  it("render: a lowpass's spectrum has its energy below the cutoff; controls, script, probes, WAV", async () => {
    const r = await call("render", { source: 'import("stdfaust.lib");\nprocess = fi.lowpass(4, 1000);\n', stimulus: { kind: "noise" }, duration: 0.5, wav: true });
    expect(r.isError, r.text).toBe(false);
    const out = r.data.outputs[0];
    expect(out.spectrum.bands).toHaveLength(32);
    const mean = (bs: { db: number }[]) => bs.reduce((s, b) => s + b.db, 0) / bs.length;
    const below = out.spectrum.bands.filter((b: { hi: number }) => b.hi <= 800);
    const above = out.spectrum.bands.filter((b: { lo: number }) => b.lo >= 4000);
    expect(mean(below) - mean(above)).toBeGreaterThan(40);
    expect(out.spectrum.centroid).toBeLessThan(2000);
    expect(out).toMatchObject({ silent: false, clipping: false, nonFinite: 0 });
    expect(out.waveform.split("\n").length).toBeGreaterThan(5);
    expect(fs.statSync(r.data.wav).size).toBeGreaterThan(0.5 * 44100 * 4);
    // a sine through a gain slider: control value, a script of changes, a debug.lib probe
    const src = 'import("stdfaust.lib");\nprocess = os.osc(1000) * hslider("gain", 0.5, 0, 1, 0.01) : db.probe_peak_lin(7, 0);\n';
    const p = await call("render", { source: src, duration: 0.4, controls: { gain: 0.25 }, script: [{ time: 0.2, control: "gain", value: 1 }] });
    expect(p.isError, p.text).toBe(false);
    expect(p.data.outputs[0].spectrum.peaks[0].frequency).toBeGreaterThan(950);
    expect(p.data.outputs[0].spectrum.peaks[0].frequency).toBeLessThan(1050);
    expect(p.data.outputs[0].peak).toBeGreaterThan(0.95);
    const probe = p.data.passive.find((w: { probe?: string }) => w.probe === "7");
    expect(probe, JSON.stringify(p.data.passive)).toBeDefined();
    expect(probe.values[0]).toBeLessThan(0.3);
    expect(probe.last).toBeGreaterThan(0.9);
    const badControl = await call("render", { source: src, controls: { volume: 1 } });
    expect(badControl.data.error).toMatchObject({ kind: "invalid" });
    expect(badControl.data.error.message).toContain("gain");
  });

  it("analyze: a stable lowpass; an unstable direct-form filter with its poles outside the unit circle", async () => {
    const lp = await call("analyze", { source: 'import("stdfaust.lib");\nprocess = fi.lowpass(2, 1000);\n' });
    expect(lp.isError, lp.text).toBe(false);
    expect(lp.data.linearity[0].class).toBe("lti");
    expect(lp.data.stable).toBe(true);
    expect(lp.data.accuracy.float32.stable).toBe(true);
    expect(typeof lp.data.accuracy.float32.snrDb).toBe("number");
    const un = await call("analyze", { source: 'import("stdfaust.lib");\nprocess = fi.tf2(1, 0, 0, -2.1, 1.2);\n', accuracy: false });
    expect(un.isError, un.text).toBe(false);
    expect(un.data.stable).toBe(false);
    const pair = un.data.transfers[0].pairs[0];
    expect(pair.a).toEqual([1, -2.1, 1.2]);
    expect(pair.stable).toBe(false);
    for (const z of pair.poles) expect(z.magnitude).toBeCloseTo(Math.sqrt(1.2), 9);
    const nl = await call("analyze", { source: "process = _ <: *, sin;", accuracy: false });
    expect(nl.data.linearity.map((l: { class: string }) => l.class)).toEqual(["nonlinear", "nonlinear"]);
    expect(nl.data.linearity[0].reason).toBeTruthy();
  });

  it("optimize: what changed, accuracy and speed before and after", async () => {
    const r = await call("optimize", { source: 'import("stdfaust.lib");\nprocess = fi.lowpass(6, 1000);\n', samples: 8192 });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.pipeline).toBe("O1");
    expect(r.data.passes.length).toBeGreaterThan(3);
    expect(r.data.nodes.before).toBeGreaterThan(0);
    expect(r.data.accuracy.after.stable).toBe(true);
    expect(r.data.speed.beforeMs).toBeGreaterThan(0);
  });

  it("library: list_module, get_symbol (with usage and test program), search; unknown names are typed errors", async () => {
    const list = await call("library", { action: "list_module", module: "fi" });
    expect(list.data.module).toBe("filters.lib");
    expect(list.data.symbols.map((s: { name: string }) => s.name)).toContain("fi.lowpass");
    const sym = await call("library", { action: "get_symbol", name: "fi.lowpass" });
    expect(sym.data.symbol).toMatchObject({ name: "fi.lowpass", signature: "lowpass(N,fc)", usage: ["_ : lowpass(N,fc) : _"] });
    expect(sym.data.symbol.parameters.map((p: { name: string }) => p.name)).toEqual(["N", "fc"]);
    expect(sym.data.symbol.test).toContain("process = lowpass_test;");
    const probe = await call("library", { action: "get_symbol", name: "db.probe_rms_db" });
    expect(probe.data.symbol.signature).toBe("probe_rms_db(id,hide,x)");
    const found = await call("library", { action: "search", query: "butterworth lowpass" });
    expect(found.data.results[0].name).toBe("fi.lowpass");
    const none = await call("library", { action: "get_symbol", name: "fi.lowpas" });
    expect(none.data.error.kind).toBe("invalid");
    expect(none.data.error.message).toContain("fi.lowpass");
    const bad = await call("library", { action: "delete" });
    expect(bad.isError).toBe(true);
  });

  it("experiment: variants compared, a report written", async () => {
    const r = await call("experiment", { source: 'import("stdfaust.lib");\nprocess = fi.lowpass(4, 1000);\n', variants: [{ name: "plain" }, { name: "O1", pipeline: "O1" }], samples: 4096 });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.variants.map((v: { name: string }) => v.name).sort()).toEqual(["O1", "plain"]);
    for (const v of r.data.variants) expect(v, JSON.stringify(v)).toMatchObject({ status: "ok", stable: true });
    expect(r.data.summary).toMatch(/^2 of 2 runs ok/);
    expect(fs.existsSync(r.data.results)).toBe(true);
    expect(fs.readFileSync(r.data.report, "utf8")).toContain("<html");
    const none = await call("experiment", { source: GOOD, variants: [] });
    expect(none.isError).toBe(true);
  });

  it("diagram: block and signal diagrams as SVG; bad programs are typed errors", async () => {
    const SMALL = "process = + ~ *(0.5);\n";
    const box = await call("diagram", { source: SMALL });
    expect(box.isError, box.text).toBe(false);
    expect(box.data.svg).toMatch(/^<svg|<\?xml/);
    expect(fs.existsSync(box.data.files[0])).toBe(true);
    const sig = await call("diagram", { source: SMALL, kind: "signal", pipeline: "O1" });
    expect(sig.isError, sig.text).toBe(false);
    expect(sig.data.svg).toContain("</svg>");
    const bad = await call("diagram", { source: "process = foo;" });
    expect(bad.data.error.kind).toBe("diagnostics");
  });

  it("imports: the project folder is allowed; absolute paths, '..' and symlinks out are refused", async () => {
    const ok = await call("check", { source: 'import("mine.lib");\nprocess = gain;\n' });
    expect(ok.data.ok, ok.text).toBe(true);
    for (const [src, why] of [
      ['import("/etc/passwd");\nprocess = _;\n', "absolute"],
      [`import("../${path.basename(outside)}/secret.lib");\nprocess = secret;\n`, "'..'"],
      ['import("link.lib");\nprocess = secret;\n', "outside the allowed folders"],
      ['s = library("/etc/hostname");\nprocess = s.x;\n', "absolute"],
    ] as const) {
      const r = await call("check", { source: src });
      expect(r.data.ok).toBe(false);
      const d = r.data.diagnostics.find((x: { code: string }) => x.code === "FL304");
      expect(d, JSON.stringify(r.data)).toBeDefined();
      expect(d.message).toContain(why);
      const c = await call("compile", { source: src });
      expect(c.data.error.kind).toBe("diagnostics");
    }
    // foreign code that could reach the host
    const ff = await call("compile", { source: 'f = ffunction(int system(int), <stdlib.h>, "");\nprocess = f(0);\n' });
    expect(ff.data.error).toMatchObject({ kind: "refused" });
    expect(ff.data.error.message).toContain("system");
  });

  it("hostile inputs are contained within their limits and the next request is served", async () => {
    const t0 = Date.now();
    const elapsed = () => Date.now() - t0;
    // endless recursion: the evaluator's depth limit
    const rec = await call("check", { source: "f(n) = f(n + 1);\nprocess = f(0);\n" });
    expect(rec.data.ok).toBe(false);
    expect(["FL403", "FL404"]).toContain(rec.data.diagnostics[0].code);
    await servesNext();
    // a huge par: the step limit, or the time limit
    const par = await call("compile", { source: "process = par(i, 10000000, _);\n" });
    expect(par.isError).toBe(true);
    expect(["diagnostics", "timeout", "memory", "limit"]).toContain(par.data.error.kind);
    await servesNext();
    // a recursion that never ends at run time is fine (a filter), but an evaluation that never ends is not
    const loop = await call("render", { source: "f(0, k) = k;\nf(n, k) = f(n - 1, k + 1) + f(n - 1, 2 * k + 1);\nprocess = f(40, 0);\n" });
    expect(loop.isError).toBe(true);
    expect(["diagnostics", "timeout"]).toContain(loop.data.error.kind);
    await servesNext();
    // a 10 MB source
    const big = await call("check", { source: "process = _;\n" + "// padding\n".repeat(1_000_000) });
    expect(big.data.error).toMatchObject({ kind: "limit" });
    await servesNext();
    // a render of 10^9 samples
    const long = await call("render", { source: GOOD, samples: 1e9 });
    expect(long.data.error).toMatchObject({ kind: "limit" });
    const long2 = await call("render", { source: GOOD, duration: 1e6 });
    expect(long2.data.error).toMatchObject({ kind: "limit" });
    await servesNext();
    // memory: a table the worker cannot hold (typed arrays live outside the heap limit: bounded before instantiation)
    const mem = await call("render", { source: "process = rdtable(100000000, _, 0);\n", samples: 10 });
    expect(mem.data.error).toMatchObject({ kind: "limit" });
    await servesNext();
    // every hostile request was bounded: each by at most its timeout (plus a worker restart)
    expect(elapsed()).toBeLessThan(8 * (TIMEOUT_MS + 15_000));
  });

  it("a scripted agent loop: broken program, diagnostics, fix, render, analyze, optimize", async () => {
    const transcript: string[] = [];
    const step = async (tool: string, args: Record<string, unknown>, summarize: (c: Call) => string) => {
      const c = await call(tool, args);
      transcript.push(`${tool}: ${summarize(c)}`);
      return c;
    };
    let source = 'import("stdfaust.lib");\ncutoff = hslider("cutoff", 800, 50, 5000, 1);\nprocess = fi.lowpass(3 cutoff);\n';
    const broken = await step("check", { source }, (c) => (c.data.ok ? "ok" : c.data.diagnostics.map((d: { code: string; line: number; column: number }) => `${d.code}@${d.line}:${d.column}`).join(",")));
    // the "agent" reads the location and inserts the missing comma there
    const d = broken.data.diagnostics[0];
    expect(d.line).toBe(3);
    const lines = source.split("\n");
    lines[2] = lines[2]!.replace("3 cutoff", "3, cutoff");
    source = lines.join("\n");
    await step("check", { source }, (c) => (c.data.ok ? `ok ${c.data.inputs}->${c.data.outputs}` : "errors"));
    const r = await step("render", { source, stimulus: { kind: "noise" }, duration: 0.25, controls: { cutoff: 500 } }, (c) => {
      const o = c.data.outputs[0];
      return `peak ${o.peakDb} dB, centroid ${o.spectrum.centroid < 1500 ? "low" : "high"}`;
    });
    expect(r.data.outputs[0].silent).toBe(false);
    await step("analyze", { source, accuracy: false }, (c) => `${c.data.linearity[0].class}${c.data.linearity[0].rate ? `/${c.data.linearity[0].rate}` : ""}, stable ${c.data.stable}`);
    await step("optimize", { source, samples: 4096 }, (c) => `${c.data.pipeline}: ${c.data.passes.length} passes, stable ${c.data.accuracy.after?.stable}`);
    expect(transcript[0]).toMatch(/^check: FL2\d\d@3:\d+$/);
    expect(transcript.slice(1)).toEqual([
      "check: ok 1->1",
      expect.stringMatching(/^render: peak -?\d+(\.\d+)? dB, centroid low$/),
      expect.stringMatching(/^analyze: ltv\/block, stable (null|true)$/),
      expect.stringMatching(/^optimize: O1: \d+ passes, stable true$/),
    ]);
  });

  it("serves concurrent requests (two workers)", async () => {
    const [slow, quick] = await Promise.all([
      call("render", { source: 'import("stdfaust.lib");\nprocess = no.noise : fi.lowpass(8, 500);\n', duration: 2 }),
      call("library", { action: "search", query: "reverb" }),
    ]);
    expect(slow.isError, slow.text).toBe(false);
    expect(quick.isError, quick.text).toBe(false);
    expect(quick.data.results.length).toBeGreaterThan(0);
  });

  it("never wrote protocol-breaking output: the server is still answering", async () => {
    await servesNext();
    expect(stderr).toContain("serving on stdio");
  });
});
