// The experiment report: DIR/results.jsonl → DIR/report/, one self-contained
// folder that opens offline from disk (no request leaves it).
//
//   writeReport(dir) → { index, pages }
//
//   index.html           summary: programs × pipelines (SNR in float32, its change against O0 and
//                        against the real Faust, throughput ratio, compile time; sortable), an SNR plot
//   programs/P.html      per program: magnitude and phase of each LTI region from H(z), overlaid with
//                        the response measured from each pipeline's rendered impulse response; pole-zero
//                        plot with the unit circle; float32 error spectrum and error over time; the
//                        sections and structures biquad-factor and realize chose; remarks; every run
//   pipelines/N.html     per pipeline: pass statistics and pass times summed over the programs
//   backends.html        backend agreement matrix (impulse responses compared run by run)
//   failures.html        every failed run with its diagnostics (the summary links here)
//
// Plots are Vega-Lite specs compiled and rendered to SVG in Node (vega,
// vega-lite), inlined in the page; when vega's browser build is in
// node_modules it is copied to assets/ and each plot is re-rendered live from
// its embedded spec (tooltips, zoom and pan on the line charts). No plot is
// drawn by hand.

import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import * as vega from "vega";
import { compile as compileVegaLite, type TopLevelSpec } from "vega-lite";
import { writeFileAtomic } from "../src/core/fsutil.ts";
import { freqResponse } from "../analyses/zdomain/poly.ts";
import { rootsZ } from "../analyses/zdomain/roots.ts";
import { cabs, carg } from "../analyses/zdomain/complex.ts";
import { readResults, PLAN } from "../src/harness/experiment/store.ts";
import { writeProgramDiagrams } from "./diagram/index.ts";
import type { RunRecord } from "../src/harness/experiment/record.ts";

export interface ReportResult {
  readonly index: string;
  readonly pages: readonly string[];
  readonly plots: number;
}

const esc = (s: unknown) => String(s ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const slug = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^_+|_+$/g, "") || "x";
const fmtDb = (v: number | undefined) => (v === undefined ? "–" : v === Infinity ? "exact" : Number.isNaN(v) ? "unstable" : v === -Infinity ? "silent" : v.toFixed(1));
const fmtNum = (v: number | undefined, d = 2) => (v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(d));
const sortKey = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? "" : v === Infinity ? "1e9" : v === -Infinity ? "-1e9" : String(v));

const CSS = `
figure.diagram{margin:12px 0;overflow:auto;max-width:100%}figure.diagram img{max-width:100%;height:auto;border:1px solid #ccd3dd;border-radius:4px;background:#fff}figure.diagram figcaption{font-weight:600;margin-bottom:4px}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2433;background:#f6f7fb}
header{background:#1d2a44;color:#fff;padding:14px 24px}header a{color:#cfe0ff}
header h1{font-size:20px;margin:0 0 4px}nav a{margin-right:14px}
main{padding:16px 24px;max-width:1400px}
table{border-collapse:collapse;background:#fff;margin:8px 0 20px;font-size:13px}
th,td{border:1px solid #d8dce6;padding:4px 8px;text-align:right;white-space:nowrap}
th{background:#eef1f7;cursor:pointer;user-select:none}th.sorted-asc::after{content:" ▲"}th.sorted-desc::after{content:" ▼"}
td:first-child,th:first-child,td.l{text-align:left}
.good{color:#0a7a2f}.bad{color:#b3261e}.failed{background:#fdecea}
.plots{display:flex;flex-wrap:wrap;gap:16px}.plot{background:#fff;border:1px solid #d8dce6;padding:8px;border-radius:4px}
.plot h3{font-size:13px;margin:0 0 4px}
pre{background:#fff;border:1px solid #d8dce6;padding:8px;overflow:auto;font-size:12px}
.muted{color:#667}`;

/** Sortable tables, and live Vega views over the static SVG when vega's browser build is present. */
const JS = `
document.querySelectorAll("table.sortable").forEach(function (t) {
  t.querySelectorAll("th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var asc = !th.classList.contains("sorted-asc");
      t.querySelectorAll("th").forEach(function (h) { h.classList.remove("sorted-asc", "sorted-desc"); });
      th.classList.add(asc ? "sorted-asc" : "sorted-desc");
      var body = t.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute("data-v"), y = b.cells[col].getAttribute("data-v");
        if (x === null) x = a.cells[col].textContent; if (y === null) y = b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y));
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
if (window.vega) {
  document.querySelectorAll(".plot[data-spec]").forEach(function (el) {
    var spec = JSON.parse(document.getElementById(el.getAttribute("data-spec")).textContent);
    var target = el.querySelector(".view");
    var view = new vega.View(vega.parse(spec), { renderer: "svg", container: target, hover: true });
    view.runAsync().catch(function (e) { console.warn("vega", e); });
  });
}`;

interface Plot {
  readonly id: string;
  readonly title: string;
  readonly svg: string;
  readonly vegaSpec: unknown;
}

async function renderPlot(id: string, title: string, spec: TopLevelSpec): Promise<Plot> {
  const vg = compileVegaLite(spec).spec;
  const view = new vega.View(vega.parse(vg), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return { id, title, svg, vegaSpec: vg };
}

function plotHtml(p: Plot): string {
  return `<div class="plot" data-spec="spec-${p.id}" id="plot-${p.id}"><h3>${esc(p.title)}</h3><div class="view">${p.svg}</div><script type="application/json" id="spec-${p.id}">${JSON.stringify(p.vegaSpec).replace(/</g, "\\u003c")}</script></div>`;
}

function page(title: string, depth: number, body: string, live: boolean): string {
  const up = depth ? "../".repeat(depth) : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="stylesheet" href="${up}assets/report.css"></head>
<body><header><h1>${esc(title)}</h1><nav><a href="${up}index.html">summary</a><a href="${up}backends.html">backends</a><a href="${up}failures.html">failures</a></nav></header>
<main>${body}</main>
${live ? `<script src="${up}assets/vega.min.js"></script>` : ""}<script src="${up}assets/report.js"></script></body></html>
`;
}

const LINE_W = 520;
const LINE_H = 260;

function lineSpec(title: string, rows: readonly Record<string, unknown>[], x: { field: string; title: string; log?: boolean }, y: { field: string; title: string }, color = "series"): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: LINE_W,
    height: LINE_H,
    background: "white",
    data: { values: rows as Record<string, unknown>[] },
    params: [{ name: "zoom", select: "interval", bind: "scales" }],
    mark: { type: "line", clip: true, strokeWidth: 1.5, tooltip: true },
    encoding: {
      x: { field: x.field, type: "quantitative", title: x.title, scale: x.log ? { type: "log", nice: false } : { zero: false, nice: false } },
      y: { field: y.field, type: "quantitative", title: y.title, scale: { zero: false } },
      color: { field: color, type: "nominal", title: null, legend: { orient: "bottom", columns: 2, labelLimit: 320 } },
      strokeDash: { field: "dash", type: "nominal", legend: null },
    },
    title: { text: title, fontSize: 12 },
  } as TopLevelSpec;
}

/** The response measured from an impulse response: |H| (dB) and phase at log-spaced frequencies (DFT of the samples). */
function measuredResponse(h: readonly number[], sr: number, freqs: readonly number[]): { mag: number[]; phase: number[] } {
  const mag: number[] = [];
  const phase: number[] = [];
  for (const f of freqs) {
    const w = (2 * Math.PI * f) / sr;
    let re = 0;
    let im = 0;
    for (let n = 0; n < h.length; n++) {
      re += h[n]! * Math.cos(w * n);
      im -= h[n]! * Math.sin(w * n);
    }
    mag.push(20 * Math.log10(Math.hypot(re, im) + 1e-300));
    phase.push(Math.atan2(im, re));
  }
  return { mag, phase };
}

const logFreqs = (sr: number, n = 160) => Array.from({ length: n }, (_, i) => 10 * Math.pow(sr / 2 / 10, i / (n - 1)));

const clampDb = (v: number) => Math.max(-240, Math.min(240, v));

/** A representative record of a group: the JS backend's when there is one, else the first ok one. */
function pick(rs: readonly RunRecord[]): RunRecord | undefined {
  const ok = rs.filter((r) => r.status === "ok");
  return ok.find((r) => r.backend === "js") ?? ok.find((r) => r.backend === "wasm") ?? ok[0];
}

const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : undefined;
};

function compileMs(r: RunRecord): number {
  const s = r.timing.stages;
  return (s.read ?? 0) + (s.passes ?? 0) + (s.codegen ?? 0) + (s.backend ?? 0);
}

function copyVega(assets: string): boolean {
  try {
    const require = createRequire(import.meta.url);
    const file = path.join(path.dirname(require.resolve("vega/package.json")), "build", "vega.min.js");
    if (!fs.existsSync(file)) return false;
    writeFileAtomic(path.join(assets, "vega.min.js"), fs.readFileSync(file));
    return true;
  } catch {
    return false;
  }
}

export async function writeReport(dir: string): Promise<ReportResult> {
  const records = readResults(dir);
  const planFile = path.join(dir, PLAN);
  const plan = fs.existsSync(planFile) ? (JSON.parse(fs.readFileSync(planFile, "utf8")) as { name?: string; pipelines?: Record<string, string>; programs?: { id: string; path?: string; text?: string }[] }) : {};
  const out = path.join(dir, "report");
  const assets = path.join(out, "assets");
  fs.mkdirSync(path.join(out, "programs"), { recursive: true });
  fs.mkdirSync(path.join(out, "pipelines"), { recursive: true });
  writeFileAtomic(path.join(assets, "report.css"), CSS);
  writeFileAtomic(path.join(assets, "report.js"), JS);
  const live = copyVega(assets);
  const pages: string[] = [];
  let plots = 0;
  const write = (rel: string, html: string) => {
    writeFileAtomic(path.join(out, rel), html);
    pages.push(rel);
  };

  const name = plan.name ?? path.basename(path.resolve(dir));
  const programOrder = [...new Set([...(plan.programs ?? []).map((p) => p.id), ...records.map((r) => r.program)])].filter((p) => records.some((r) => r.program === p));
  const pipelineOrder = [...new Set([...Object.keys(plan.pipelines ?? {}), ...records.map((r) => r.pipelineName)])].filter((p) => records.some((r) => r.pipelineName === p));
  const baseline = pipelineOrder.find((p) => records.some((r) => r.pipelineName === p && r.pipeline === "")) ?? pipelineOrder[0];
  const programPage = new Map(programOrder.map((p, i) => [p, `programs/${String(i).padStart(3, "0")}-${slug(p.replace(/^(lib|corpus):/, ""))}.html`]));
  const failures = records.filter((r) => r.status === "failed");

  const of = (program: string, pipeline: string, precision: string) => records.filter((r) => r.program === program && r.pipelineName === pipeline && r.precision === precision);
  const snr32 = (program: string, pipeline: string) => pick(of(program, pipeline, "single"))?.exact?.snr;

  // ---- summary ----
  const rows: string[] = [];
  const snrRows: Record<string, unknown>[] = [];
  for (const prog of programOrder) {
    for (const pl of pipelineOrder) {
      const rs = records.filter((r) => r.program === prog && r.pipelineName === pl);
      if (!rs.length) continue;
      const bad = rs.filter((r) => r.status === "failed");
      const rep = pick(rs.filter((r) => r.precision === "single"));
      const snr = rep?.exact?.snr;
      const base = baseline !== undefined ? snr32(prog, baseline) : undefined;
      const faust = rep?.faust?.faustVsExact?.snr;
      const dO0 = snr !== undefined && base !== undefined && Number.isFinite(snr) && Number.isFinite(base) ? snr - base : undefined;
      const dF = snr !== undefined && faust !== undefined && Number.isFinite(snr) && Number.isFinite(faust) ? snr - faust : undefined;
      const wasm = rs.filter((r) => r.backend === "wasm" && r.timing.throughput && r.timing.faustThroughput);
      const ratio = median(wasm.map((r) => r.timing.throughput! / r.timing.faustThroughput!));
      const cms = median(rs.filter((r) => r.status === "ok").map(compileMs));
      const cls = (v: number | undefined) => (v === undefined ? "" : v > 0.05 ? "good" : v < -0.05 ? "bad" : "");
      const status = bad.length ? `<a class="bad" href="failures.html#${esc(bad[0]!.key)}">${bad.length} failed</a> / ${rs.length}` : `${rs.length} ok`;
      rows.push(
        `<tr class="${bad.length === rs.length ? "failed" : ""}"><td><a href="${esc(programPage.get(prog))}">${esc(prog)}</a></td><td class="l"><a href="pipelines/${slug(pl)}.html">${esc(pl)}</a></td>` +
          `<td data-v="${sortKey(snr)}">${fmtDb(snr)}</td><td data-v="${sortKey(dO0)}" class="${cls(dO0)}">${dO0 === undefined ? "–" : (dO0 >= 0 ? "+" : "") + dO0.toFixed(1)}</td>` +
          `<td data-v="${sortKey(dF)}" class="${cls(dF)}">${dF === undefined ? "–" : (dF >= 0 ? "+" : "") + dF.toFixed(1)}</td><td data-v="${sortKey(ratio)}">${fmtNum(ratio)}</td>` +
          `<td data-v="${sortKey(cms)}">${fmtNum(cms, 1)}</td><td class="l" data-v="${bad.length}">${status}</td></tr>`,
      );
      if (snr !== undefined && Number.isFinite(snr)) snrRows.push({ program: prog.replace(/^(lib|corpus):/, ""), pipeline: pl, snr: Math.min(snr, 400) });
    }
  }
  const summaryPlots: Plot[] = [];
  if (snrRows.length) {
    summaryPlots.push(
      await renderPlot("snr", "float32 SNR against the exact reference, by program and pipeline (dB)", {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        background: "white",
        width: { step: 14 },
        height: 260,
        data: { values: snrRows },
        mark: { type: "bar", tooltip: true },
        encoding: {
          x: { field: "program", type: "nominal", title: null, axis: { labelAngle: -40, labelLimit: 180 } },
          xOffset: { field: "pipeline" },
          y: { field: "snr", type: "quantitative", title: "SNR (dB)" },
          color: { field: "pipeline", type: "nominal", legend: { orient: "top" } },
        },
      } as TopLevelSpec),
    );
  }
  plots += summaryPlots.length;
  const okCount = records.length - failures.length;
  write(
    "index.html",
    page(
      `faustlab experiment: ${name}`,
      0,
      `<p>${records.length} runs: ${okCount} measured, <a href="failures.html">${failures.length} failed</a>; ${programOrder.length} programs × ${pipelineOrder.length} pipelines (${pipelineOrder.map((p) => `<a href="pipelines/${slug(p)}.html">${esc(p)}</a>`).join(", ")}). ` +
        `SNR: float32 rendering against faustlab's float64 rendering of the unoptimized program (JS backend when measured); Δ O0: against pipeline <b>${esc(baseline ?? "–")}</b>; Δ Faust: against the real compiler's float32 (libfaust 2.88.0); throughput: faustlab wasm / real compiler's wasm (median); compile: source to runnable code, ms (median). Click a header to sort.</p>` +
        `<table class="sortable" id="summary"><thead><tr><th>program</th><th>pipeline</th><th>SNR f32 (dB)</th><th>Δ O0 (dB)</th><th>Δ Faust (dB)</th><th>throughput ratio</th><th>compile (ms)</th><th>runs</th></tr></thead><tbody>${rows.join("")}</tbody></table>` +
        `<div class="plots">${summaryPlots.map(plotHtml).join("")}</div>`,
      live,
    ),
  );

  // ---- failures ----
  write(
    "failures.html",
    page(
      "failed runs",
      0,
      failures.length
        ? failures
            .map(
              (r) =>
                `<h3 id="${esc(r.key)}">${esc(r.program)} · ${esc(r.pipelineName)} · ${r.precision} · ${r.backend} · ${esc(r.stimulus)} <span class="muted">(${esc(r.failedAt ?? "")}, key ${r.key})</span></h3><pre>${esc(r.diagnostics.map((d) => d.text).join("\n"))}</pre>`,
            )
            .join("")
        : "<p>No run failed.</p>",
      live,
    ),
  );

  // ---- program pages ----
  for (const prog of programOrder) {
    const rs = records.filter((r) => r.program === prog);
    const ok = rs.filter((r) => r.status === "ok");
    const sr = rs[0]?.sampleRate ?? 44100;
    const freqs = logFreqs(sr);
    const ps: Plot[] = [];
    const id = slug(prog);
    const mag: Record<string, unknown>[] = [];
    const phase: Record<string, unknown>[] = [];
    const pz: Record<string, unknown>[] = [];
    const withTransfer = pick(ok.filter((r) => r.pipeline === "")) ?? pick(ok);
    const lti = (withTransfer?.transfer ?? []).filter((t) => t.kind === "lti" && t.pairs.length);
    for (const t of lti.slice(0, 3)) {
      for (const pair of t.pairs.slice(0, 2)) {
        const series = `H(z) region ${t.region} in${pair.input}→out${pair.output}`;
        // the cascade of stages as the source factors H: well conditioned where the expanded (b, a) is not
        const stages = pair.stages?.length ? pair.stages : [{ b: pair.b, a: pair.a }];
        for (const f of freqs) {
          let m = 1;
          let ph = 0;
          for (const st of stages) {
            const h = freqResponse({ b: st.b, a: st.a }, (2 * Math.PI * f) / sr);
            m *= cabs(h);
            ph += carg(h);
          }
          mag.push({ f, v: clampDb(20 * Math.log10(m + 1e-300)), series, dash: "H(z)" });
          phase.push({ f, v: Math.atan2(Math.sin(ph), Math.cos(ph)), series, dash: "H(z)" });
        }
        for (const st of stages) {
          try {
            for (const z of rootsZ(st.b).roots) pz.push({ re: z.re, im: z.im, kind: "zero", series: `zeros, region ${t.region}` });
            for (const z of rootsZ(st.a).roots) pz.push({ re: z.re, im: z.im, kind: "pole", series: `poles, region ${t.region}` });
          } catch {
            /* no roots for a degenerate polynomial */
          }
        }
      }
    }
    // measured from the rendered impulse responses, one series per pipeline and precision
    for (const pl of pipelineOrder)
      for (const prec of ["single", "double"]) {
        const r = pick(ok.filter((x) => x.pipelineName === pl && x.precision === prec && x.impulse?.length));
        if (!r?.impulse) continue;
        const m = measuredResponse(r.impulse, sr, freqs);
        const series = `measured ${pl} ${prec === "single" ? "f32" : "f64"} (${r.backend})`;
        freqs.forEach((f, i) => {
          mag.push({ f, v: clampDb(m.mag[i]!), series, dash: "measured" });
          phase.push({ f, v: m.phase[i]!, series, dash: "measured" });
        });
      }
    if (mag.length) {
      ps.push(await renderPlot(`${id}-mag`, "magnitude response (dB)", lineSpec("", mag, { field: "f", title: "frequency (Hz)", log: true }, { field: "v", title: "|H| (dB)" })));
      ps.push(await renderPlot(`${id}-phase`, "phase response (rad)", lineSpec("", phase, { field: "f", title: "frequency (Hz)", log: true }, { field: "v", title: "phase (rad)" })));
    }
    if (pz.length) {
      const circle = Array.from({ length: 129 }, (_, i) => ({ re: Math.cos((2 * Math.PI * i) / 128), im: Math.sin((2 * Math.PI * i) / 128), i }));
      const lim = Math.max(1.2, ...pz.map((p) => Math.max(Math.abs(p.re as number), Math.abs(p.im as number)) * 1.1).filter(Number.isFinite));
      ps.push(
        await renderPlot(`${id}-pz`, "pole-zero plot (z-plane, unit circle)", {
          $schema: "https://vega.github.io/schema/vega-lite/v6.json",
          background: "white",
          width: 300,
          height: 300,
          layer: [
            { data: { values: circle }, mark: { type: "line", color: "#888", strokeDash: [4, 3] }, encoding: { x: { field: "re", type: "quantitative", scale: { domain: [-lim, lim] }, title: "Re z" }, y: { field: "im", type: "quantitative", scale: { domain: [-lim, lim] }, title: "Im z" }, order: { field: "i" } } },
            {
              data: { values: pz },
              mark: { type: "point", size: 70, strokeWidth: 2, tooltip: true },
              encoding: {
                x: { field: "re", type: "quantitative" },
                y: { field: "im", type: "quantitative" },
                shape: { field: "kind", type: "nominal", scale: { domain: ["pole", "zero"], range: ["cross", "circle"] }, legend: { orient: "bottom" } },
                color: { field: "series", type: "nominal", legend: { orient: "bottom", columns: 2 } },
              },
            },
          ],
        } as TopLevelSpec),
      );
    }
    const spec: Record<string, unknown>[] = [];
    const overTime: Record<string, unknown>[] = [];
    for (const pl of pipelineOrder) {
      const r = pick(ok.filter((x) => x.pipelineName === pl && x.precision === "single" && x.errorSpectrum?.freqs.length));
      if (!r) continue;
      r.errorSpectrum!.freqs.forEach((f, i) => spec.push({ f, v: r.errorSpectrum!.db[i], series: `${pl} f32 (${r.backend})`, dash: "a" }));
      const block = Math.max(1, Math.ceil(r.length / Math.max(1, r.errorTime!.length)));
      r.errorTime!.forEach((v, i) => overTime.push({ t: (i * block) / r.sampleRate, v: v > 0 ? 20 * Math.log10(v) : -400, series: `${pl} f32 (${r.backend})`, dash: "a" }));
    }
    if (spec.length && spec.some((s) => (s.v as number) > -399)) ps.push(await renderPlot(`${id}-espec`, "float32 error spectrum against the exact reference (dB)", lineSpec("", spec, { field: "f", title: "frequency (Hz)", log: true }, { field: "v", title: "error power (dB)" })));
    if (overTime.length && overTime.some((s) => (s.v as number) > -399))
      ps.push(await renderPlot(`${id}-etime`, "float32 error over time: max |error| per block (dB)", lineSpec("", overTime.map((o) => ({ ...o, v: Math.max(o.v as number, -400) })), { field: "t", title: "time (s)" }, { field: "v", title: "max |error| (dB)" })));
    // metric sensitivity: output 0's sensitivity to each control over time (fad)
    for (const pl of pipelineOrder) {
      const r = pick(ok.filter((x) => x.pipelineName === pl && x.sensitivity?.values.length));
      if (!r) continue;
      const sv = r.sensitivity!;
      const rows = sv.values.flatMap((vs, k) => vs.map((v, i) => ({ t: sv.time[i], v, series: `${sv.controls[k]!.label} (${sv.controls[k]!.min} … ${sv.controls[k]!.max})`, dash: "a" })));
      ps.push(
        await renderPlot(
          `${id}-sens-${pipelineOrder.indexOf(pl)}`,
          `sensitivity of output 0 to each control after ${pl}: RMS of d(out)/d(control) × the control's range, per window`,
          lineSpec("", rows, { field: "t", title: "time (s)" }, { field: "v", title: "|d out / d control| × range (RMS)" }),
        ),
      );
      break; // the first pipeline measured: the derivative does not depend on the pipeline
    }
    plots += ps.length;
    const chosen: string[] = [];
    const allRemarks: string[] = [];
    for (const pl of pipelineOrder) {
      const r = pick(ok.filter((x) => x.pipelineName === pl && x.precision === "single")) ?? pick(ok.filter((x) => x.pipelineName === pl));
      if (!r?.remarks?.length) continue;
      for (const m of r.remarks) {
        allRemarks.push(`[${pl}] ${m}`);
        if (/FL82[0-3]/.test(m)) chosen.push(`[${pl}] ${m}`);
      }
    }
    const runRows = rs
      .map(
        (r) =>
          `<tr class="${r.status === "failed" ? "failed" : ""}"><td>${esc(r.pipelineName)}</td><td class="l">${r.precision}</td><td class="l">${r.backend}</td><td class="l">${esc(r.stimulus)}</td>` +
          `<td class="l">${r.status === "failed" ? `<a href="../failures.html#${r.key}">${esc(r.diagnostics[0]?.code ?? "failed")}</a>` : "ok"}</td><td data-v="${sortKey(r.exact?.snr)}">${fmtDb(r.exact?.snr)}</td>` +
          `<td data-v="${sortKey(r.exact?.maxAbsError)}">${r.exact ? r.exact.maxAbsError.toExponential(2) : "–"}</td><td>${r.exact ? (r.exact.stable ? "yes" : '<span class="bad">no</span>') : "–"}</td>` +
          `<td data-v="${sortKey(r.faust?.vsFaust?.snr)}">${fmtDb(r.faust?.vsFaust?.snr)}</td><td data-v="${sortKey(r.faust?.faustVsExact?.snr)}">${fmtDb(r.faust?.faustVsExact?.snr)}</td>` +
          `<td data-v="${sortKey(r.timing.throughput)}">${fmtNum(r.timing.throughput)}</td><td data-v="${sortKey(r.timing.faustThroughput)}">${fmtNum(r.timing.faustThroughput)}</td>` +
          `<td>${r.nodes ? `${r.nodes.before}→${r.nodes.after}` : "–"}</td><td>${r.recursions ? `${r.recursions.before}→${r.recursions.after}` : "–"}</td><td>${r.codeSize ?? "–"}</td><td data-v="${compileMs(r)}">${fmtNum(compileMs(r), 1)}</td></tr>`,
      )
      .join("");
    // the block diagram and the signal graph after each pipeline (reports/diagram)
    let diagrams = "";
    const ref = (plan.programs ?? []).find((p) => p.id === prog);
    if (ref?.path) {
      const pageRel = programPage.get(prog)!;
      const ddir = path.join(out, "programs", "diagrams", path.basename(pageRel, ".html"));
      const src = ref.text !== undefined ? { text: ref.text, path: ref.path } : ref.path;
      const pls = Object.fromEntries(pipelineOrder.map((p) => [p, (plan.pipelines ?? {})[p] ?? rs.find((r) => r.pipelineName === p)?.pipeline ?? ""]));
      const d = await writeProgramDiagrams(src, pls, ddir);
      const rel = (f: string) => `diagrams/${path.basename(ddir)}/${f}`;
      diagrams =
        `<h2>Diagrams</h2>` +
        (d.box ? `<figure class="diagram"><figcaption>Block diagram (<a href="${esc(rel(d.box))}">open</a>; folded definitions link to their own files)</figcaption><img src="${esc(rel(d.box))}" alt="block diagram of ${esc(prog)}"></figure>` : "") +
        d.signals.map((s) => `<figure class="diagram"><figcaption>Signal graph after ${esc(s.pipeline)} (<a href="${esc(rel(s.file))}">open</a>)</figcaption><img src="${esc(rel(s.file))}" alt="signal graph of ${esc(prog)} after ${esc(s.pipeline)}"></figure>`).join("") +
        (d.problems.length ? `<p class="muted">${esc(d.problems.join("; "))}</p>` : "");
    }
    const ltvNote = (withTransfer?.transfer ?? []).filter((t) => t.kind !== "lti").map((t) => `region ${t.region}: ${t.kind}${t.reason ? ` (${t.reason})` : ""}`);
    write(
      programPage.get(prog)!,
      page(
        prog,
        1,
        `<div class="plots">${ps.map(plotHtml).join("") || '<p class="muted">No plot: no run of this program was measured.</p>'}</div>` +
          `<p class="muted">Measured responses: the DFT of the first ${pick(ok.filter((r) => r.impulse?.length))?.impulse?.length ?? 0} samples of output 0's rendered impulse response (a response longer than that leaks: the curve's floor is the truncation, not the filter). H(z): the transfer analysis of the unoptimized program, evaluated as the cascade of stages the source factors it into.</p>` +
          (lti.length ? "" : `<p class="muted">No LTI region with a transfer function${ltvNote.length ? `: ${esc(ltvNote.join("; "))}` : ""}; the response shown is the one measured from the impulse response.</p>`) +
          diagrams +
          `<h2>Sections and structures chosen</h2>${chosen.length ? `<pre>${esc(chosen.join("\n"))}</pre>` : '<p class="muted">No pipeline factored or re-realized a filter of this program.</p>'}` +
          `<h2>Runs</h2><table class="sortable"><thead><tr><th>pipeline</th><th>precision</th><th>backend</th><th>stimulus</th><th>status</th><th>SNR (dB)</th><th>max |err|</th><th>stable</th><th>vs Faust (dB)</th><th>Faust SNR (dB)</th><th>Msamples/s</th><th>Faust wasm Msamples/s</th><th>nodes</th><th>recursions</th><th>code bytes</th><th>compile ms</th></tr></thead><tbody>${runRows}</tbody></table>` +
          `<h2>Remarks</h2>${allRemarks.length ? `<pre>${esc(allRemarks.join("\n"))}</pre>` : '<p class="muted">No remark.</p>'}`,
        live,
      ),
    );
  }

  // ---- pipeline pages ----
  for (const pl of pipelineOrder) {
    const rs = records.filter((r) => r.pipelineName === pl && r.status === "ok");
    const stats = new Map<string, Map<string, number>>();
    const changed = new Map<string, number>();
    const times = new Map<string, number>();
    for (const r of rs) {
      for (const p of r.passes ?? []) {
        const m = stats.get(p.pass) ?? new Map<string, number>();
        stats.set(p.pass, m);
        for (const [k, v] of Object.entries(p.stats)) m.set(k, (m.get(k) ?? 0) + v);
        if (p.changed) changed.set(p.pass, (changed.get(p.pass) ?? 0) + 1);
      }
      for (const [k, v] of Object.entries(r.timing.passes ?? {})) times.set(k, (times.get(k) ?? 0) + v);
    }
    const statRows = [...stats].flatMap(([pass, m]) => (m.size ? [...m].map(([k, v]) => `<tr><td>${esc(pass)}</td><td class="l">${esc(k)}</td><td>${v}</td></tr>`) : [`<tr><td>${esc(pass)}</td><td class="l muted">(no counter)</td><td>–</td></tr>`]));
    const ps: Plot[] = [];
    if (times.size)
      ps.push(
        await renderPlot(`pl-${slug(pl)}-time`, "time per pass, summed over the runs (ms)", {
          $schema: "https://vega.github.io/schema/vega-lite/v6.json",
          background: "white",
          width: 420,
          height: { step: 18 },
          data: { values: [...times].map(([pass, ms]) => ({ pass, ms })) },
          mark: { type: "bar", tooltip: true },
          encoding: { y: { field: "pass", type: "nominal", sort: null, title: null }, x: { field: "ms", type: "quantitative", title: "ms" } },
        } as TopLevelSpec),
      );
    plots += ps.length;
    const text = rs[0]?.pipeline ?? records.find((r) => r.pipelineName === pl)?.pipeline ?? "";
    write(
      `pipelines/${slug(pl)}.html`,
      page(
        `pipeline ${pl}`,
        1,
        `<p>Text: <code>${esc(text || "(no pass)")}</code>; ${rs.length} measured runs.</p>` +
          `<h2>Pass statistics, summed over the runs</h2><table class="sortable"><thead><tr><th>pass</th><th>counter</th><th>sum</th></tr></thead><tbody>${statRows.join("") || '<tr><td colspan="3">no pass</td></tr>'}</tbody></table>` +
          `<h2>Runs each pass changed</h2><table><tbody>${[...stats.keys()].map((p) => `<tr><td>${esc(p)}</td><td>${changed.get(p) ?? 0} / ${rs.length}</td></tr>`).join("") || "<tr><td>–</td></tr>"}</tbody></table>` +
          `<div class="plots">${ps.map(plotHtml).join("")}</div>`,
        live,
      ),
    );
  }

  // ---- backend agreement ----
  const backends = [...new Set(records.map((r) => r.backend))];
  const cells: Record<string, unknown>[] = [];
  const tables: string[] = [];
  for (const prec of ["single", "double"]) {
    const groups = new Map<string, RunRecord[]>();
    for (const r of records) {
      if (r.precision !== prec || r.status !== "ok" || !r.impulse) continue;
      const k = `${r.program}\u0000${r.pipelineName}\u0000${r.stimulus}`;
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    if (!groups.size) continue;
    const head = `<tr><th>${prec}</th>${backends.map((b) => `<th>${b}</th>`).join("")}</tr>`;
    const body: string[] = [];
    for (const a of backends) {
      const tds: string[] = [];
      for (const b of backends) {
        let same = 0;
        let total = 0;
        let worst = 0;
        for (const g of groups.values()) {
          const ra = g.find((r) => r.backend === a);
          const rb = g.find((r) => r.backend === b);
          if (!ra?.impulse || !rb?.impulse) continue;
          total++;
          let d = 0;
          for (let i = 0; i < Math.min(ra.impulse.length, rb.impulse.length); i++) d = Math.max(d, Math.abs(ra.impulse[i]! - rb.impulse[i]!));
          if (d === 0) same++;
          worst = Math.max(worst, d);
        }
        tds.push(`<td>${total ? `${same}/${total} identical; max Δ ${worst.toExponential(1)}` : "–"}</td>`);
        if (total) cells.push({ a, b, precision: prec, agree: same / total, label: `${same}/${total}` });
      }
      body.push(`<tr><th>${a}</th>${tds.join("")}</tr>`);
    }
    tables.push(`<table>${head}${body.join("")}</table>`);
  }
  const bp: Plot[] = [];
  if (cells.length)
    bp.push(
      await renderPlot("backends", "share of runs whose impulse responses agree bit for bit", {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        background: "white",
        data: { values: cells },
        facet: { column: { field: "precision", type: "nominal", title: null } },
        spec: {
          width: 60 * backends.length,
          height: 60 * backends.length,
          layer: [
            { mark: { type: "rect", tooltip: true }, encoding: { x: { field: "b", type: "nominal", title: null }, y: { field: "a", type: "nominal", title: null }, color: { field: "agree", type: "quantitative", scale: { domain: [0, 1], scheme: "blues" }, title: "identical" } } },
            { mark: { type: "text", fontSize: 11 }, encoding: { x: { field: "b", type: "nominal" }, y: { field: "a", type: "nominal" }, text: { field: "label" }, color: { condition: { test: "datum.agree > 0.6", value: "white" }, value: "black" } } },
          ],
        },
      } as TopLevelSpec),
    );
  plots += bp.length;
  write(
    "backends.html",
    page(
      "backend agreement",
      0,
      `<p>For each precision, each pair of backends: of the (program, pipeline, stimulus) groups both rendered, how many gave bit-identical impulse responses (the first ${records.find((r) => r.impulse)?.impulse?.length ?? 0} samples of output 0), and the largest difference.</p>${tables.join("") || "<p>No two backends were run.</p>"}<div class="plots">${bp.map(plotHtml).join("")}</div>`,
      live,
    ),
  );
  return { index: path.join(out, "index.html"), pages, plots };
}
