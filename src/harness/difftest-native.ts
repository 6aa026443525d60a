// The C and C++ backends inside the differential runner (src/harness/difftest.ts):
// many programs built into one executable per language, with given input
// signals, compiled and run asynchronously so that the in-process backends
// keep working meanwhile.
//
//   await renderNativeBatch(lang, jobs) → per job, per input set, the samples of each output
//
// Unlike src/chain/backends/native.ts (the `impulse -backend c|cpp` driver: a unit
// impulse, samples printed as text), this driver reads every input sample from
// a binary file of doubles and writes every output sample to another, so the
// differential runner can drive the native code with the same noise signal as
// the other backends, and results come back bit for bit. Each module is
// compiled once (class dspK) and run once per input set. The compiler flags
// are native.ts's (-O2 -ffp-contract=off, $CC / $CXX).
//
// A batch that fails to build or to run is retried program by program, so one
// bad program costs only its own result: each job gets its samples or the
// diagnostic (FL610-FL612) that stopped it.

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DiagnosticError, diag, type Diagnostic } from "../core/diagnostics.ts";
import type { FirModule } from "../core/fir/fir.ts";
import { cSource } from "../chain/backends/c.ts";
import { cppSource } from "../chain/backends/cpp.ts";
import type { CLang } from "../chain/backends/cfamily.ts";
import { compilerFor } from "../chain/backends/native.ts";

export interface NativeRenderJob {
  readonly module: FirModule;
  readonly samples: number;
  readonly sampleRate: number;
  readonly blockSize: number;
  /** One entry per run of the DSP (a fresh instance each): the samples of each input channel, `samples` long. */
  readonly inputSets: readonly (readonly ArrayLike<number>[])[];
}

/** Per input set, the samples of each output; or the diagnostic that stopped the build or the run. */
export type NativeRenderResult = { readonly ok: true; readonly outputs: Float64Array[][] } | { readonly ok: false; readonly diagnostic: Diagnostic };

const LANG_NAME: Record<CLang, string> = { c: "C", cpp: "C++" };

/** The driver: job k's input sets read from the input file at their offsets, outputs written in job order. */
function driver(lang: CLang, jobs: readonly NativeRenderJob[]): string {
  const out: string[] = ["#include <stdio.h>", "#include <stdlib.h>", "", "static double* fl_in;", "static FILE* fl_out;", ""];
  let offset = 0; // in doubles, into the input file
  jobs.forEach((j, k) => {
    const cn = `dsp${k}`;
    const bs = Math.max(1, j.blockSize);
    const { inputs: nin, outputs: nout } = j.module;
    out.push(`static void run${k}(int set, long offset)`, "{");
    out.push(lang === "c" ? `    ${cn}* d = new${cn}();` : `    ${cn}* d = new ${cn}();`);
    out.push(lang === "c" ? `    init${cn}(d, ${j.sampleRate});` : `    d->init(${j.sampleRate});`);
    out.push(`    FAUSTFLOAT* ins[${Math.max(1, nin)}];`, `    FAUSTFLOAT* outs[${Math.max(1, nout)}];`);
    out.push(`    for (int c = 0; c < ${nin}; c++) ins[c] = (FAUSTFLOAT*)calloc(${bs}, sizeof(FAUSTFLOAT));`);
    out.push(`    for (int c = 0; c < ${nout}; c++) outs[c] = (FAUSTFLOAT*)calloc(${bs}, sizeof(FAUSTFLOAT));`);
    out.push(`    double* data = (double*)calloc(${Math.max(1, nout * j.samples)}, sizeof(double));`);
    out.push(`    (void)set;`);
    out.push(`    for (int pos = 0; pos < ${j.samples}; pos += ${bs}) {`);
    out.push(`        int n = ${j.samples} - pos < ${bs} ? ${j.samples} - pos : ${bs};`);
    out.push(`        for (int c = 0; c < ${nin}; c++) for (int i = 0; i < n; i++) ins[c][i] = (FAUSTFLOAT)fl_in[offset + (long)c * ${j.samples} + pos + i];`);
    out.push(lang === "c" ? `        compute${cn}(d, n, ins, outs);` : `        d->compute(n, ins, outs);`);
    out.push(`        for (int c = 0; c < ${nout}; c++) for (int i = 0; i < n; i++) data[(long)c * ${j.samples} + pos + i] = (double)outs[c][i];`);
    out.push("    }");
    out.push(`    if (fwrite(data, sizeof(double), ${nout * j.samples}, fl_out) != ${nout * j.samples}) exit(3);`);
    out.push(`    for (int c = 0; c < ${nin}; c++) free(ins[c]);`, `    for (int c = 0; c < ${nout}; c++) free(outs[c]);`, "    free(data);");
    out.push(lang === "c" ? `    delete${cn}(d);` : "    delete d;", "}");
  });
  out.push("int main(int argc, char** argv)", "{");
  out.push("    if (argc != 4) return 2;");
  out.push("    long n = atol(argv[2]);");
  out.push("    fl_in = (double*)calloc(n > 0 ? n : 1, sizeof(double));");
  out.push('    FILE* f = fopen(argv[1], "rb");');
  out.push("    if (!f || (n > 0 && fread(fl_in, sizeof(double), n, f) != (size_t)n)) return 2;");
  out.push("    fclose(f);");
  out.push('    fl_out = fopen(argv[3], "wb");');
  out.push("    if (!fl_out) return 2;");
  jobs.forEach((j, k) => {
    j.inputSets.forEach((_, s) => {
      out.push(`    run${k}(${s}, ${offset}L);`);
      offset += j.module.inputs * j.samples;
    });
  });
  out.push("    fclose(fl_out);", "    free(fl_in);", "    return 0;", "}", "");
  return out.join("\n");
}

/** The translation unit: every job's module (class dspK) and the driver. */
export function nativeBatchSource(lang: CLang, jobs: readonly NativeRenderJob[]): string {
  const parts = jobs.map((j, k) => (lang === "c" ? cSource : cppSource)(j.module, { className: `dsp${k}` }));
  return parts.join("\n") + "\n" + driver(lang, jobs);
}

function run(cmd: string, args: readonly string[]): Promise<{ status: number | null; signal: string | null; stderr: string; error?: Error }> {
  return new Promise((resolve) => {
    let stderr = "";
    let child;
    try {
      child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    } catch (e) {
      resolve({ status: null, signal: null, stderr: "", error: e as Error });
      return;
    }
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => {
      if (stderr.length < 1 << 16) stderr += d;
    });
    child.on("error", (error) => resolve({ status: null, signal: null, stderr, error }));
    child.on("close", (status, signal) => resolve({ status, signal, stderr }));
  });
}

/** Builds and runs one batch; throws DiagnosticError (FL610-FL612) when it cannot. */
async function buildAndRun(lang: CLang, jobs: readonly NativeRenderJob[], flags: readonly string[]): Promise<Float64Array[][][]> {
  const compiler = compilerFor(lang);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-difftest-"));
  try {
    const src = path.join(dir, lang === "c" ? "dsp.c" : "dsp.cpp");
    const exe = path.join(dir, "dsp");
    fs.writeFileSync(src, nativeBatchSource(lang, jobs));
    const cc = await run(compiler.command, [...compiler.args, "-O2", "-ffp-contract=off", ...flags, "-o", exe, src, "-lm"]);
    if (cc.error) {
      const env = lang === "c" ? "CC" : "CXX";
      throw new DiagnosticError([diag("FL610", { lang: LANG_NAME[lang], compiler: compiler.display, reason: cc.error.message, env })]);
    }
    if (cc.status !== 0) {
      const detail = cc.stderr.split("\n").filter((l) => /error/.test(l)).slice(0, 5).join("; ") || cc.stderr.slice(0, 500) || `exit status ${cc.status}`;
      throw new DiagnosticError([diag("FL611", { lang: LANG_NAME[lang], compiler: compiler.display, detail })]);
    }
    // the inputs, job by job and set by set, channel after channel
    let total = 0;
    for (const j of jobs) total += j.inputSets.length * j.module.inputs * j.samples;
    const input = new Float64Array(total);
    let at = 0;
    for (const j of jobs)
      for (const set of j.inputSets)
        for (let c = 0; c < j.module.inputs; c++) {
          const a = set[c]!;
          for (let i = 0; i < j.samples; i++) input[at + i] = a[i]!;
          at += j.samples;
        }
    const inFile = path.join(dir, "in.bin");
    const outFile = path.join(dir, "out.bin");
    fs.writeFileSync(inFile, input);
    const r = await run(exe, [inFile, String(total), outFile]);
    if (r.error || r.status !== 0) {
      const detail = r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit status ${r.status}: ${r.stderr.slice(0, 300)}`;
      throw new DiagnosticError([diag("FL612", { lang: LANG_NAME[lang], detail })]);
    }
    const buf = fs.readFileSync(outFile);
    const data = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
    let expected = 0;
    for (const j of jobs) expected += j.inputSets.length * j.module.outputs * j.samples;
    if (data.length !== expected) throw new DiagnosticError([diag("FL612", { lang: LANG_NAME[lang], detail: `wrote ${data.length} samples, expected ${expected}` })]);
    const results: Float64Array[][][] = [];
    let o = 0;
    for (const j of jobs) {
      const sets: Float64Array[][] = [];
      for (let s = 0; s < j.inputSets.length; s++) {
        const outs: Float64Array[] = [];
        for (let c = 0; c < j.module.outputs; c++, o += j.samples) outs.push(data.slice(o, o + j.samples));
        sets.push(outs);
      }
      results.push(sets);
    }
    return results;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const firstDiagnostic = (e: unknown): Diagnostic =>
  e instanceof DiagnosticError ? e.diagnostics[0]! : diag("FL612", { lang: "native", detail: (e as Error)?.message ?? String(e) });

/** Renders every job with the native backend `lang`, one build for the batch (retried job by job when it fails). */
export async function renderNativeBatch(lang: CLang, jobs: readonly NativeRenderJob[], opts: { flags?: readonly string[] } = {}): Promise<NativeRenderResult[]> {
  if (jobs.length === 0) return [];
  const flags = opts.flags ?? [];
  try {
    return (await buildAndRun(lang, jobs, flags)).map((outputs) => ({ ok: true, outputs }));
  } catch (e) {
    if (jobs.length === 1 || (e instanceof DiagnosticError && e.diagnostics[0]?.code === "FL610")) return jobs.map(() => ({ ok: false, diagnostic: firstDiagnostic(e) }));
  }
  const results: NativeRenderResult[] = [];
  for (const j of jobs) results.push(...(await renderNativeBatch(lang, [j], opts)));
  return results;
}
