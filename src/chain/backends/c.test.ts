// The C and C++ backends: compiled with the system compiler (-Wall: no
// warnings), they agree with the JS backend in double precision (within 1e-12
// of the peak, ints exactly) on corpus programs, library tests and int edge
// cases. Every language's programs are batched into one compiler invocation.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DiagnosticError } from "../../core/diagnostics.ts";
import { extractLibraryTests } from "../../driver/libtests.ts";
import type { FirModule } from "../../core/fir/fir.ts";
import { cSource } from "./c.ts";
import { cFloat, cInt, cString } from "./cfamily.ts";
import { cppSource } from "./cpp.ts";
import { loadJs } from "./js.ts";
import { compilerFor, runNative, type NativeJob } from "./native.ts";
import { compileFir } from "../../driver/compile.ts";
import { renderDsp } from "./render.ts";
import { runCli, tempTree } from "../../cli/testutil.ts";
import { projectRoot } from "../../core/paths.ts";

const N = 512;
const root = projectRoot;

/** Int edge cases: wrap-around, division by 0 and INT_MIN / -1, shifts, float → int of huge values and NaN; float min/max with NaN. */
const INT_PROGRAMS = [
  "process = (+(2147483647) ~ _), (*(65537) ~ +(1)), (1 : +~_ : -(2147483647) : -(5));",
  "process = 7 / (ba.time - 3 : int), (-7) % (ba.time - 2 : int), (-2147483647 - 1) / (ba.time * 0 - 1), (-2147483647 - 1) % (ba.time * 0 - 1);",
  "process = ba.time << 30, ba.time >> 1, (0 - ba.time) >> 2, (ba.time - 3) << 31, 1 << (ba.time : int);",
  "process = int(ba.time * 1e9), int(sqrt(0 - ba.time - 1)), int(ba.time * -3e10 - 0.5), int(1e20), abs(int(ba.time) - 4), min(int(ba.time), 3), max(ba.time : int, 2);",
  "process = 1e300 * ba.time * 1e300, sqrt(0 - ba.time), round(ba.time * 0.5), rint(ba.time * 0.5), remainder(ba.time, 4), pow(10, ba.time * 0.1), atan2(ba.time, -1);",
  // float min/max are JavaScript's: a NaN argument gives NaN (C's fmin would give the other argument)
  "process = min(sqrt(0 - ba.time - 1), 2.0), max(3.0, sqrt(0 - ba.time - 1)), min(ba.time * 0.5, 1.5), max(0 - ba.time * 0.25, -1.0);",
];

function programs(): { id: string; text: string; file: string; name?: string }[] {
  const out: { id: string; text: string; file: string; name?: string }[] = [];
  INT_PROGRAMS.forEach((p, i) => out.push({ id: `int${i}`, text: `import("stdfaust.lib");\n${p}\n`, file: `/t/int${i}.dsp` }));
  const corpus = path.join(root, "corpus");
  const manifest = JSON.parse(fs.readFileSync(path.join(corpus, "manifest.json"), "utf8")) as { path: string; accepted: boolean }[];
  // a spread: every 4th accepted corpus program
  for (const e of manifest.filter((e) => e.accepted).filter((_, i) => i % 4 === 0)) {
    const file = path.join(corpus, e.path);
    out.push({ id: e.path, text: fs.readFileSync(file, "utf8"), file });
  }
  const lib = extractLibraryTests();
  const step = Math.floor(lib.length / 15);
  for (let i = 0; i < lib.length; i += step) out.push({ id: lib[i]!.id, text: lib[i]!.source, file: `/library-tests/${lib[i]!.id}.dsp`, name: lib[i]!.name });
  return out;
}

interface Case {
  readonly id: string;
  readonly module: FirModule;
  readonly js: Float64Array[];
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const p of programs()) {
    let module: FirModule;
    try {
      module = compileFir({ text: p.text, path: p.file }, { double: true, ...(p.name ? { name: p.name } : {}) });
    } catch (e) {
      if (e instanceof DiagnosticError) continue; // rejected by faustlab: not this test's business
      throw e;
    }
    out.push({ id: p.id, module, js: renderDsp(loadJs(module)(), { samples: N, blockSize: 100, double: true }) });
  }
  return out;
}

/** The first sample where b differs from a by more than 1e-12 of a's peak (ints: any difference shows, as they are exact). */
function firstMismatch(a: readonly Float64Array[], b: readonly Float64Array[]): string | undefined {
  if (a.length !== b.length) return `${b.length} outputs instead of ${a.length}`;
  for (let k = 0; k < a.length; k++) {
    let peak = 1;
    for (const v of a[k]!) if (Number.isFinite(v)) peak = Math.max(peak, Math.abs(v));
    for (let i = 0; i < a[k]!.length; i++) {
      const x = a[k]![i]!;
      const y = b[k]![i]!;
      if (Object.is(x, y) || x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
      if (Number.isFinite(x) && Math.abs(x - y) <= 1e-12 * peak) continue;
      return `out${k}[${i}]: js ${x}, native ${y}`;
    }
  }
  return undefined;
}

describe("C and C++ backends", () => {
  const all = cases();

  for (const lang of ["c", "cpp"] as const) {
    it(`${lang}: compiles without warnings under -Wall and agrees with the JS backend (double)`, () => {
      expect(all.length).toBeGreaterThanOrEqual(30);
      const jobs: NativeJob[] = all.map((c) => ({ module: c.module, samples: N, blockSize: 100 }));
      let messages = "";
      const res = runNative(lang, jobs, { flags: ["-Wall"], onCompilerOutput: (t) => void (messages += t) });
      expect(messages).toBe("");
      const bad = all.map((c, k) => [c.id, firstMismatch(c.js, res[k]!)] as const).filter(([, m]) => m !== undefined);
      expect(bad).toEqual([]);
    });
  }

  it("single precision: float arithmetic is float32 (exact agreement on + - * / and delays)", () => {
    const m = compileFir({ text: "process = _ <: (+ ~ *(0.3)), (_ / 3 : @(5)), (-(0.1) ~ *(1.1));", path: "/t/s.dsp" }, { double: false });
    const js = renderDsp(loadJs(m)(), { samples: 64, blockSize: 10, double: false });
    for (const lang of ["c", "cpp"] as const) {
      const [res] = runNative(lang, [{ module: m, samples: 64, blockSize: 10 }], { flags: ["-Wall"] });
      expect(res!.map((a) => Array.from(a))).toEqual(js.map((a) => Array.from(a)));
    }
  });

  it("prints literals and strings as valid C", () => {
    expect(cInt(-2147483648)).toBe("(-2147483647 - 1)");
    expect(cInt(-3)).toBe("(-3)");
    expect(cFloat(1, false)).toBe("1.0");
    expect(cFloat(1, true)).toBe("1.0f");
    expect(cFloat(0.1, true)).toBe("((float)0.1)");
    expect(cFloat(-0, false)).toBe("(-0.0)");
    expect(cFloat(1e21, false)).toBe("1e+21");
    expect(cFloat(NaN, true)).toBe("NAN");
    expect(cString('a"b\\c\n?é')).toBe('"a\\"b\\\\c\\012\\?\\303\\251"');
  });

  it("has Faust's API shape, with -cn naming the class", () => {
    const m = compileFir({ text: 'process = hslider("g", 0.5, 0, 1, 0.1) * _ : hbargraph("m", 0, 1);', path: "/t/api.dsp" }, {});
    const c = cSource(m, { className: "gain" });
    for (const f of ["newgain", "deletegain", "metadatagain", "getNumInputsgain", "getNumOutputsgain", "classInitgain", "instanceConstantsgain", "instanceResetUserInterfacegain", "instanceCleargain", "instanceInitgain", "initgain", "buildUserInterfacegain", "computegain"])
      expect(c).toMatch(new RegExp(`\\b${f}\\(`));
    expect(c).toContain("} gain;");
    expect(c).toContain("addHorizontalSlider(ui_interface->uiInterface, \"g\", &dsp->");
    const cpp = cppSource(m);
    expect(cpp).toContain("class mydsp : public dsp {");
    for (const f of ["metadata(Meta* m)", "getNumInputs()", "getNumOutputs()", "buildUserInterface(UI* ui_interface)", "static void classInit(int sample_rate)", "instanceConstants(int sample_rate)", "instanceResetUserInterface()", "instanceClear()", "instanceInit(int sample_rate)", "init(int sample_rate)", "getSampleRate()", "clone()", "compute(int count, FAUSTFLOAT** inputs, FAUSTFLOAT** outputs)"])
      expect(cpp).toContain(f);
    expect(cpp).toContain("addHorizontalBargraph(\"m\", &");
  });

  it("reports compilation failures and a missing compiler as diagnostics", () => {
    const m = compileFir({ text: "process = _;", path: "/t/id.dsp" }, {});
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof DiagnosticError ? e.diagnostics[0]!.code : "not a diagnostic";
      }
      return "no error";
    };
    expect(codeOf(() => runNative("c", [{ module: m, samples: 4 }], { flags: ["-DFAUSTFLOAT=no_such_type"] }))).toBe("FL611");
    const saved = process.env["CXX"];
    process.env["CXX"] = "/nonexistent/faustlab-no-compiler";
    try {
      expect(codeOf(() => runNative("cpp", [{ module: m, samples: 4 }]))).toBe("FL610");
    } finally {
      if (saved === undefined) delete process.env["CXX"];
      else process.env["CXX"] = saved;
    }
  });
});

describe("faustlab compile -lang c|cpp and impulse -backend c|cpp", () => {
  const { write } = tempTree("ctest");
  const file = write("a.dsp", 'import("stdfaust.lib");\nprocess = _ <: fi.lowpass(2, 1000), (+ ~ *(0.5)), @(20), int(_ * 1000);\n');
  const run = runCli;

  it("prints C and C++ source", async () => {
    const c = await run("compile", file, "-lang", "c", "-cn", "lp");
    expect(c.code).toBe(0);
    expect(c.out).toContain("void computelp(lp* dsp, int count, FAUSTFLOAT** inputs, FAUSTFLOAT** outputs)");
    const cpp = await run("compile", file, "-lang", "cpp", "-double");
    expect(cpp.out).toContain("#define FAUSTFLOAT double");
    expect((await run("compile", file, "-lang", "c", "-cn", "not valid")).code).toBe(1);
  });

  it("-cn refuses the names that cannot name the class (FL018) and every name it takes compiles in C and C++", async () => {
    for (const bad of ["int", "class", "new", "sin", "dsp", "UIGlue", "FAUSTFLOAT", "__x", "_Big", "fl_idiv", "9lives"]) {
      const r = await run("compile", file, "-lang", "cpp", "-cn", bad);
      expect([bad, r.code, r.err]).toEqual([bad, 1, expect.stringMatching(/FL018: -cn '.*' cannot name the generated class/)]);
    }
    for (const good of ["mydsp", "Reverb_1", "lp", "_small", "Zita"])
      for (const [lang, cc] of [["c", "cc"], ["cpp", "g++"]] as const) {
        const r = await run("compile", file, "-lang", lang, "-cn", good);
        expect(r.code).toBe(0);
        const syntax = spawnSync(cc, ["-x", lang === "c" ? "c" : "c++", "-fsyntax-only", "-Wall", "-"], { input: r.out, encoding: "utf8" });
        expect([good, lang, syntax.status, syntax.stderr]).toEqual([good, lang, 0, ""]);
      }
  });

  it("takes $CC/$CXX with flags and $CFLAGS/$CXXFLAGS as make does (words, shell quoting, no shell)", () => {
    expect(compilerFor("c", {})).toEqual({ command: "cc", args: [], display: "cc" });
    expect(compilerFor("cpp", { CXX: "clang++ -stdlib=libc++", CXXFLAGS: "-O3 -DNAME='a b'" })).toEqual({
      command: "clang++",
      args: ["-stdlib=libc++", "-O3", "-DNAME=a b"],
      display: "clang++ -stdlib=libc++",
    });
    expect(compilerFor("c", { CC: "  ", CFLAGS: "-g" })).toEqual({ command: "cc", args: ["-g"], display: "cc" });
  });

  it("builds with a sanitizing $CC and gives the same samples", async () => {
    const plain = await run("impulse", file, "-n", "64", "-backend", "c");
    const saved = process.env["CC"];
    process.env["CC"] = "cc -fsanitize=address,undefined -fno-sanitize-recover=all";
    try {
      const sanitized = await run("impulse", file, "-n", "64", "-backend", "c");
      expect([sanitized.code, sanitized.err]).toEqual([0, ""]);
      expect(sanitized.out).toBe(plain.out);
    } finally {
      if (saved === undefined) delete process.env["CC"];
      else process.env["CC"] = saved;
    }
  });

  it("impulse -backend c|cpp prints the same text as the JS backend (but the engine name)", async () => {
    for (const extra of [["-double"], ["-bs", "7"]]) {
      const js = await run("impulse", file, "-n", "40", ...extra);
      for (const lang of ["c", "cpp"]) {
        const nat = await run("impulse", file, "-n", "40", "-backend", lang, ...extra);
        expect(nat.code).toBe(0);
        expect(nat.out.split("\n")[0]).toMatch(new RegExp(`^# faustlab \\S+ ${lang} inputs=1 outputs=4 sr=44100 n=40$`));
        expect(nat.out.split("\n").slice(1)).toEqual(js.out.split("\n").slice(1));
      }
    }
  });
});
