// faustlab's C++ (-lang cpp) against the C++ of the `faust` found on PATH
// (Debian's faust 2.54.9: `apt-get install faust`), on the same programs
// (benchmarks/programs.ts), float and double, blocks of 128 and 512.
//
// faust is given `-I <faustwasm's libraries>` (src/driver/stdlib.ts), which it
// searches before its own older ones, so both compilers see the same library
// code. Per program and precision, both classes go into ONE translation unit
// with one driver (`bench<D>`: init(44100), noise on every input, blocks,
// std::chrono::steady_clock, best of ROUNDS, the two classes alternated), built
// with `g++ -O3` (no other flag), so the compiler, flags and loop are the
// same for both. The minimal `dsp`/`UI`/`Meta` bases come from the driver.
// Without `faust` (or g++) the bench prints one skip line.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { compileFir } from "../src/driver/compile.ts";
import { cppSource } from "../src/chain/backends/cpp.ts";
import { stdlibDir } from "../src/driver/stdlib.ts";
import { BACKEND_PROGRAMS, BENCH_PASSES, benchPassesNote } from "./programs.ts";
import type { BenchResult } from "./types.ts";

const SAMPLES = 1 << 16; // per timed run and channel (short runs, many rounds: the best round dodges a busy machine)
const ROUNDS = 41;
const CXX = process.env["CXX"] || "g++";

const BASES = `#define FAUST_UI_H
#define FAUST_META_H
#define FAUST_DSP_H
struct Soundfile;
class UI {
  public:
    virtual ~UI() {}
    virtual void openTabBox(const char*) {}
    virtual void openHorizontalBox(const char*) {}
    virtual void openVerticalBox(const char*) {}
    virtual void closeBox() {}
    virtual void addButton(const char*, FAUSTFLOAT*) {}
    virtual void addCheckButton(const char*, FAUSTFLOAT*) {}
    virtual void addVerticalSlider(const char*, FAUSTFLOAT*, FAUSTFLOAT, FAUSTFLOAT, FAUSTFLOAT, FAUSTFLOAT) {}
    virtual void addHorizontalSlider(const char*, FAUSTFLOAT*, FAUSTFLOAT, FAUSTFLOAT, FAUSTFLOAT, FAUSTFLOAT) {}
    virtual void addNumEntry(const char*, FAUSTFLOAT*, FAUSTFLOAT, FAUSTFLOAT, FAUSTFLOAT, FAUSTFLOAT) {}
    virtual void addHorizontalBargraph(const char*, FAUSTFLOAT*, FAUSTFLOAT, FAUSTFLOAT) {}
    virtual void addVerticalBargraph(const char*, FAUSTFLOAT*, FAUSTFLOAT, FAUSTFLOAT) {}
    virtual void addSoundfile(const char*, const char*, Soundfile**) {}
    virtual void declare(FAUSTFLOAT*, const char*, const char*) {}
};
class Meta {
  public:
    virtual ~Meta() {}
    virtual void declare(const char*, const char*) {}
};
class dsp {
  public:
    virtual ~dsp() {}
    virtual int getNumInputs() = 0;
    virtual int getNumOutputs() = 0;
    virtual void buildUserInterface(UI* ui_interface) = 0;
    virtual int getSampleRate() = 0;
    virtual void init(int sample_rate) = 0;
    virtual void instanceInit(int sample_rate) = 0;
    virtual void instanceConstants(int sample_rate) = 0;
    virtual void instanceResetUserInterface() = 0;
    virtual void instanceClear() = 0;
    virtual dsp* clone() = 0;
    virtual void metadata(Meta* m) = 0;
    virtual void compute(int count, FAUSTFLOAT** inputs, FAUSTFLOAT** outputs) = 0;
};
`;

/** The driver: times both classes alternately, prints "<ours M/s> <ref M/s>" for each block size argument. */
const DRIVER = `
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

struct Runner {
    dsp* d;
    int bs;
    std::vector<std::vector<FAUSTFLOAT>> bufs;
    std::vector<FAUSTFLOAT*> ins, outs;
    Runner(dsp* d_, int bs_) : d(d_), bs(bs_)
    {
        d->init(44100);
        int ni = d->getNumInputs(), no = d->getNumOutputs();
        unsigned s = 1;
        for (int c = 0; c < ni + no; c++) {
            bufs.emplace_back(bs);
            for (int i = 0; i < bs; i++) {
                s = s * 1664525u + 1013904223u;
                bufs.back()[i] = c < ni ? (FAUSTFLOAT)(s / 4294967296.0 - 0.5) : 0;
            }
        }
        for (int c = 0; c < ni; c++) ins.push_back(bufs[c].data());
        for (int c = 0; c < no; c++) outs.push_back(bufs[ni + c].data());
    }
    __attribute__((noinline)) double run(long samples)
    {
        auto t0 = std::chrono::steady_clock::now();
        for (long pos = 0; pos < samples; pos += bs) d->compute(bs, ins.data(), outs.data());
        auto t1 = std::chrono::steady_clock::now();
        return std::chrono::duration<double>(t1 - t0).count();
    }
};

int main(int argc, char** argv)
{
    long samples = atol(argv[1]);
    int rounds = atoi(argv[2]);
    for (int a = 3; a < argc; a++) {
        int bs = atoi(argv[a]);
        Runner ours(new fldsp(), bs), ref(new refdsp(), bs);
        ours.run(samples);
        ref.run(samples);
        double to = 1e30, tr = 1e30;
        for (int r = 0; r < rounds; r++) {
            double x = ours.run(samples);
            if (x < to) to = x;
            x = ref.run(samples);
            if (x < tr) tr = x;
        }
        int no = ours.d->getNumOutputs() > 0 ? ours.d->getNumOutputs() : 1;
        printf("%d %.6f %.6f\\n", bs, samples * no / to / 1e6, samples * no / tr / 1e6);
    }
    return 0;
}
`;

function skip(reason: string): BenchResult[] {
  return [{ name: "cpp: skipped", value: 0, unit: "", note: reason }];
}

export async function run(): Promise<BenchResult[]> {
  const version = spawnSync("faust", ["--version"], { encoding: "utf8" });
  if (version.error || version.status !== 0) return skip("no `faust` on PATH (apt-get install -y faust, see benchmarks/README.md)");
  const faustVersion = /Version\s+(\S+)/.exec(version.stdout)?.[1] ?? "?";
  if (spawnSync(CXX, ["--version"]).error) return skip(`no C++ compiler (${CXX})`);
  const lib = stdlibDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-cppbench-"));
  const results: BenchResult[] = [];
  try {
    for (const [label, src] of BACKEND_PROGRAMS) {
      for (const double of [false, true]) {
        const prec = double ? "double" : "float";
        const fail = (why: string) => results.push({ name: `cpp ${label} ${prec}: skipped`, value: 0, unit: "", note: why.split("\n")[0] });
        const dsp = path.join(dir, "p.dsp");
        fs.writeFileSync(dsp, src);
        const refCpp = path.join(dir, "ref.cpp");
        const f = spawnSync("faust", ["-I", lib, "-lang", "cpp", "-cn", "refdsp", ...(double ? ["-double"] : []), dsp, "-o", refCpp], { encoding: "utf8" });
        if (f.status !== 0) {
          fail(`faust ${faustVersion} rejects it: ${f.stderr.trim()}`);
          continue;
        }
        let ours: string;
        try {
          ours = cppSource(compileFir({ text: src, path: dsp }, { name: "p", double, passes: BENCH_PASSES }), { className: "fldsp" });
        } catch (e) {
          fail(`faustlab rejects it: ${(e as Error).message}`);
          continue;
        }
        const unit = [`#define FAUSTFLOAT ${double ? "double" : "float"}`, BASES, ours, fs.readFileSync(refCpp, "utf8"), DRIVER].join("\n");
        const cpp = path.join(dir, "bench.cpp");
        const exe = path.join(dir, "bench");
        fs.writeFileSync(cpp, unit);
        const cc = spawnSync(CXX, ["-O3", "-o", exe, cpp, "-lm"], { encoding: "utf8" });
        if (cc.status !== 0) {
          fail(`${CXX} failed: ${cc.stderr.split("\n").find((l) => /error/.test(l)) ?? cc.stderr.slice(0, 200)}`);
          continue;
        }
        const r = spawnSync(exe, [String(SAMPLES), String(ROUNDS), "128", "512"], { encoding: "utf8" });
        if (r.status !== 0) {
          fail(`the driver failed: ${r.stderr}`);
          continue;
        }
        for (const line of r.stdout.trim().split("\n")) {
          const [bs, o, f2] = line.split(" ").map(Number) as [number, number, number];
          const note = `${prec}, blocks of ${bs}, g++ -O3, best of ${ROUNDS}, ${benchPassesNote}`;
          results.push({ name: `faustlab cpp ${label}`, value: o, unit: "M samples/s", note });
          results.push({ name: `faust ${faustVersion} cpp ${label}`, value: f2, unit: "M samples/s", note });
          results.push({ name: `cpp ratio ${label}`, value: o / f2, unit: "× (faustlab/faust)", note });
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
