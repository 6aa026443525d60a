// Running the C and C++ backends: the generated source plus a driver `main`
// (unit impulse on every input, blocks of `blockSize`, every sample printed
// with %.17g) compiled with the system compiler (`$CC` or cc, `$CXX` or g++,
// -O2 -ffp-contract=off so that no FMA changes the arithmetic) in a temporary
// folder removed afterwards, then run. Several modules can be batched into one
// translation unit and one compiler invocation (distinct class names).
//
// Problems are diagnostics: FL610 no compiler, FL611 the generated code did not
// compile, FL612 the compiled program failed.

import { spawnSync } from "node:child_process";
import { parse as shellParse } from "shell-quote";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DiagnosticError, diag } from "../../core/diagnostics.ts";
import type { FirModule } from "../../core/fir/fir.ts";
import { cSource } from "./c.ts";
import { cppSource } from "./cpp.ts";
import type { CLang } from "./cfamily.ts";

export interface NativeJob {
  readonly module: FirModule;
  readonly samples: number;
  readonly sampleRate?: number;
  readonly blockSize?: number;
  /** The samples of each input (default: a unit impulse on every input), embedded in the driver as %.17g literals. */
  readonly input?: readonly ArrayLike<number>[];
}

export interface NativeOptions {
  /** Extra compiler flags (after -O2). */
  readonly flags?: readonly string[];
  /** Receives the compiler's messages when it succeeded but printed something (warnings). */
  readonly onCompilerOutput?: (text: string) => void;
}

const LANG_NAME: Record<CLang, string> = { c: "C", cpp: "C++" };

/** A C or C++ compiler as the environment names it. */
export interface Compiler {
  /** The program to run. */
  readonly command: string;
  /** Its own arguments: the words after the program in $CC/$CXX, then $CFLAGS/$CXXFLAGS. */
  readonly args: readonly string[];
  /** How diagnostics name it: $CC/$CXX as given. */
  readonly display: string;
}

/**
 * The compiler for a language, as make takes it: $CC / $CXX (else cc / g++) split into words with the shell's
 * quoting (so `CC="cc -fsanitize=address"` works), followed by $CFLAGS / $CXXFLAGS. No shell runs.
 */
export function compilerFor(lang: CLang, env: NodeJS.ProcessEnv = process.env): Compiler {
  const display = (lang === "c" ? env["CC"] : env["CXX"])?.trim() || (lang === "c" ? "cc" : "g++");
  const words = (text: string | undefined) => (text ? shellParse(text).filter((w): w is string => typeof w === "string") : []);
  const [command = lang === "c" ? "cc" : "g++", ...own] = words(display);
  return { command, args: [...own, ...words(lang === "c" ? env["CFLAGS"] : env["CXXFLAGS"])], display };
}

/** The driver: runs job k's DSP (class `dspK`) and prints `#K`, then one line of %.17g samples per output. */
function driver(lang: CLang, jobs: readonly NativeJob[]): string {
  const out: string[] = ["#include <stdio.h>", "#include <stdlib.h>", ""];
  jobs.forEach((j, k) => {
    const cn = `dsp${k}`;
    const sr = j.sampleRate ?? 44100;
    const bs = Math.max(1, j.blockSize ?? 512);
    const { inputs: nin, outputs: nout } = j.module;
    if (j.input) {
      for (let c = 0; c < nin; c++) {
        const d = j.input[c]!;
        const vals: string[] = [];
        for (let i = 0; i < j.samples; i++) vals.push(fmt17(d[i] ?? 0));
        out.push(`static const double in${k}_${c}[${Math.max(1, j.samples)}] = {${vals.join(",") || "0"}};`);
      }
    }
    out.push(`static void run${k}(void)`, "{");
    out.push(lang === "c" ? `    ${cn}* d = new${cn}();` : `    ${cn}* d = new ${cn}();`);
    out.push(lang === "c" ? `    init${cn}(d, ${sr});` : `    d->init(${sr});`);
    out.push(`    FAUSTFLOAT* ins[${Math.max(1, nin)}];`, `    FAUSTFLOAT* outs[${Math.max(1, nout)}];`);
    out.push(`    for (int c = 0; c < ${nin}; c++) ins[c] = (FAUSTFLOAT*)calloc(${bs}, sizeof(FAUSTFLOAT));`);
    out.push(`    for (int c = 0; c < ${nout}; c++) outs[c] = (FAUSTFLOAT*)calloc(${bs}, sizeof(FAUSTFLOAT));`);
    out.push(`    double* data = (double*)calloc(${Math.max(1, nout * j.samples)}, sizeof(double));`);
    out.push(`    for (int pos = 0; pos < ${j.samples}; pos += ${bs}) {`);
    out.push(`        int n = ${j.samples} - pos < ${bs} ? ${j.samples} - pos : ${bs};`);
    out.push(`        for (int c = 0; c < ${nin}; c++) for (int i = 0; i < n; i++) ins[c][i] = (FAUSTFLOAT)(pos + i == 0 ? 1 : 0);`);
    if (j.input) for (let c = 0; c < nin; c++) out.push(`        for (int i = 0; i < n; i++) ins[${c}][i] = (FAUSTFLOAT)in${k}_${c}[pos + i];`);
    out.push(lang === "c" ? `        compute${cn}(d, n, ins, outs);` : `        d->compute(n, ins, outs);`);
    out.push(`        for (int c = 0; c < ${nout}; c++) for (int i = 0; i < n; i++) data[c * ${j.samples} + pos + i] = (double)outs[c][i];`);
    out.push("    }");
    out.push(`    printf("#${k}\\n");`);
    out.push(`    for (int c = 0; c < ${nout}; c++) {`);
    out.push(`        for (int i = 0; i < ${j.samples}; i++) printf(i ? " %.17g" : "%.17g", data[c * ${j.samples} + i]);`);
    out.push(`        printf("\\n");`, "    }");
    out.push(`    for (int c = 0; c < ${nin}; c++) free(ins[c]);`, `    for (int c = 0; c < ${nout}; c++) free(outs[c]);`, "    free(data);");
    out.push(lang === "c" ? `    delete${cn}(d);` : "    delete d;", "}");
  });
  out.push("int main(void)", "{");
  jobs.forEach((_, k) => out.push(`    run${k}();`));
  out.push("    return 0;", "}", "");
  return out.join("\n");
}

/** A double as a C literal that reads back exactly (finite values only; others become 0). */
function fmt17(v: number): string {
  if (!Number.isFinite(v)) return "0";
  return Object.is(v, -0) ? "-0.0" : String(v);
}

/** The whole translation unit: every job's module (class dspK) and the driver. */
export function nativeProgram(lang: CLang, jobs: readonly NativeJob[]): string {
  const parts = jobs.map((j, k) => (lang === "c" ? cSource : cppSource)(j.module, { className: `dsp${k}` }));
  return parts.join("\n") + "\n" + driver(lang, jobs);
}

function parseNumber(v: string): number {
  if (v === "nan" || v === "-nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  return Number(v);
}

/** Compiles and runs the jobs; returns, per job, the samples of each output. */
export function runNative(lang: CLang, jobs: readonly NativeJob[], opts: NativeOptions = {}): Float64Array[][] {
  const compiler = compilerFor(lang);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-native-"));
  try {
    const src = path.join(dir, lang === "c" ? "dsp.c" : "dsp.cpp");
    const exe = path.join(dir, "dsp");
    fs.writeFileSync(src, nativeProgram(lang, jobs));
    const cc = spawnSync(compiler.command, [...compiler.args, "-O2", "-ffp-contract=off", ...(opts.flags ?? []), "-o", exe, src, "-lm"], { encoding: "utf8", maxBuffer: 1 << 26 });
    if (cc.error) {
      const env = lang === "c" ? "CC" : "CXX";
      throw new DiagnosticError([diag("FL610", { lang: LANG_NAME[lang], compiler: compiler.display, reason: cc.error.message, env })]);
    }
    if (cc.status !== 0) {
      const detail = (cc.stderr || cc.stdout || `exit status ${cc.status}`).split("\n").filter((l) => /error/.test(l)).slice(0, 5).join("; ") || cc.stderr.slice(0, 500);
      throw new DiagnosticError([diag("FL611", { lang: LANG_NAME[lang], compiler: compiler.display, detail })]);
    }
    if (cc.stderr) opts.onCompilerOutput?.(cc.stderr);
    const run = spawnSync(exe, [], { encoding: "utf8", maxBuffer: 1 << 30 });
    if (run.error || run.status !== 0) {
      const detail = run.error ? run.error.message : run.signal ? `killed by ${run.signal}` : `exit status ${run.status}: ${run.stderr.slice(0, 300)}`;
      throw new DiagnosticError([diag("FL612", { lang: LANG_NAME[lang], detail })]);
    }
    const results: Float64Array[][] = [];
    let cur: Float64Array[] | undefined;
    for (const line of run.stdout.split("\n")) {
      if (line.startsWith("#")) {
        cur = [];
        results.push(cur);
      } else if (cur && line.length > 0 && cur.length < jobs[results.length - 1]!.module.outputs) {
        cur.push(Float64Array.from(line.split(" ").map(parseNumber)));
      } else if (cur && cur.length < jobs[results.length - 1]!.module.outputs && jobs[results.length - 1]!.samples === 0) cur.push(new Float64Array(0));
    }
    if (results.length !== jobs.length) throw new DiagnosticError([diag("FL612", { lang: LANG_NAME[lang], detail: `printed ${results.length} results for ${jobs.length} programs` })]);
    return results;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
