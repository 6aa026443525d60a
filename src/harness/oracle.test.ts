// The reference (libfaust 2.88.0 driven by our own renderer) renders known
// programs exactly; its C-semantics math imports match C; the `reference`
// command prints the impulse contract and reports errors.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  cCopysign,
  cIsinf,
  cRemainder,
  cRound,
  compileReference,
  OracleError,
  renderReference,
  type RenderOptions,
} from "./oracle.ts";
import { runCli, tempTree } from "../cli/testutil.ts";

async function render(source: string, samples: number, opts: { double?: boolean } & Partial<RenderOptions> = {}) {
  const c = await compileReference(source, "test", { double: opts.double ?? false });
  return renderReference(c, { samples, ...opts });
}

/** The samples of one output as a plain array (Object.is distinguishes -0 from 0 in toEqual). */
const out = (r: { data: Float64Array[] }, k: number): number[] => Array.from(r.data[k]!);

const impulseAt = (n: number, at: number) => Array.from({ length: n }, (_, i) => (i === at ? 1 : 0));

describe("renderReference", () => {
  it("delays an impulse: _ <: _, @(3)", async () => {
    const r = await render("process = _ <: _, @(3);", 10);
    expect(r.inputs).toBe(1);
    expect(r.outputs).toBe(2);
    expect(out(r, 0)).toEqual(impulseAt(10, 0));
    expect(out(r, 1)).toEqual(impulseAt(10, 3));
  });

  it("recursion 1 : + ~ _ is the ramp 1, 2, 3, …", async () => {
    const r = await render("process = 1 : + ~ _;", 20);
    expect(r.inputs).toBe(0);
    expect(out(r, 0)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("+(1) ~ *(0.5) converges to 2 as 2 - 2^-n", async () => {
    // y[n] = 1 + 0.5 y[n-1], y[-1] = 0: 1, 1.5, 1.75, 1.875, … (exact in binary)
    const r = await render("process = +(1) ~ *(0.5);", 16);
    expect(out(r, 0)).toEqual(Array.from({ length: 16 }, (_, i) => 2 - 2 ** -i));
  });

  it("+ ~ *(0.5) on the impulse halves each sample", async () => {
    const r = await render("process = + ~ *(0.5);", 12);
    expect(out(r, 0)).toEqual(Array.from({ length: 12 }, (_, i) => 2 ** -i));
  });

  it("+(0.1) ~ *(0.9) matches the recurrence computed by hand, in double and in single", async () => {
    const n = 40;
    const d = await render("process = +(0.1) ~ *(0.9);", n, { double: true });
    const s = await render("process = +(0.1) ~ *(0.9);", n);
    const wantD: number[] = [];
    const wantS: number[] = [];
    let yd = 0;
    let ys = 0;
    const f = Math.fround;
    for (let i = 0; i < n; i++) {
      yd = 0.1 + 0.9 * yd;
      ys = f(f(0.1) + f(f(0.9) * ys));
      wantD.push(yd);
      wantS.push(ys);
    }
    expect(out(d, 0)).toEqual(wantD);
    expect(out(s, 0)).toEqual(wantS);
  });

  it("integer arithmetic wraps around modulo 2^32", async () => {
    const r = await render("process = +(1073741824) ~ _;", 8);
    expect(out(r, 0)).toEqual([1073741824, -2147483648, -1073741824, 0, 1073741824, -2147483648, -1073741824, 0]);
    // a linear congruential generator: s = s * 1103515245 + 12345 in 32-bit ints (exact in double output)
    const lcg = await render("process = (*(1103515245) : +(12345)) ~ _;", 50, { double: true });
    const want: number[] = [];
    let s = 0;
    for (let i = 0; i < 50; i++) {
      s = (Math.imul(s, 1103515245) + 12345) | 0;
      want.push(s);
    }
    expect(out(lcg, 0)).toEqual(want);
    expect(want.some((v) => v < 0)).toBe(true);
  });

  it("-double keeps 0.1 accumulated in double; single precision shows float32 rounding", async () => {
    const n = 100;
    const d = await render("process = 0.1 : + ~ _;", n, { double: true });
    const s = await render("process = 0.1 : + ~ _;", n);
    let yd = 0;
    let ys = 0;
    const wantD: number[] = [];
    const wantS: number[] = [];
    for (let i = 0; i < n; i++) {
      yd += 0.1;
      ys = Math.fround(ys + Math.fround(0.1));
      wantD.push(yd);
      wantS.push(ys);
    }
    expect(out(d, 0)).toEqual(wantD);
    expect(out(s, 0)).toEqual(wantS);
    expect(out(s, 0)[0]).toBe(Math.fround(0.1));
    expect(out(s, 0)[0]).not.toBe(0.1);
    expect(out(d, 0)[n - 1]).not.toBe(out(s, 0)[n - 1]);
  });

  it("renders a program with 2 inputs from a custom input function", async () => {
    const c = await compileReference("process = _, _ : -, 0.5;", "two");
    expect(c.meta.inputs).toBe(2);
    expect(c.meta.outputs).toBe(2);
    const r = renderReference(c, { samples: 6, input: (ch, i) => (ch === 0 ? i : 10 * i) });
    expect(out(r, 0)).toEqual([0, -9, -18, -27, -36, -45]);
    expect(out(r, 1)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    // the default input is a unit impulse on every channel
    const imp = renderReference(c, { samples: 3 });
    expect(out(imp, 0)).toEqual([0, 0, 0]);
  });

  it("holds a slider at its default value", async () => {
    const c = await compileReference('process = hslider("gain", 0.25, 0, 1, 0.01) * 4;', "slider");
    const items = JSON.stringify(c.meta.ui);
    expect(items).toContain('"label":"gain"');
    expect(items).toContain('"init":0.25');
    expect(out(renderReference(c, { samples: 5 }), 0)).toEqual([1, 1, 1, 1, 1]);
  });

  it("gives the same samples for block sizes 1, 7 and 512", async () => {
    const src = [
      "ramp = 1 : + ~ _;",
      "n = (+(3) : %(8)) ~ _;",
      "tab = rdtable(16, ramp * 0.5, int(ramp % 16));",
      "process = _ <: (+ ~ *(0.9)), @(5), (ramp : @(int(n))), tab, (_ : + ~ (_ <: *(-0.5), @(2) * 0.2 :> _));",
    ].join("\n");
    for (const double of [false, true]) {
      const c = await compileReference(src, "blocks", { double });
      const ref = renderReference(c, { samples: 200, blockSize: 512 });
      for (let k = 0; k < ref.outputs; k++) expect(out(ref, k).filter((v) => v !== 0).length, `out${k}`).toBeGreaterThan(0);
      for (const bs of [1, 7]) {
        const r = renderReference(c, { samples: 200, blockSize: bs });
        for (let k = 0; k < ref.outputs; k++) expect(out(r, k), `bs=${bs} out${k} double=${double}`).toEqual(out(ref, k));
      }
    }
  });

  it("throws a OracleError with the compiler's message on a rejected program", async () => {
    const err = await compileReference("process = foo;", "bad").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OracleError);
    expect((err as OracleError).stage).toBe("compile");
    expect((err as OracleError).message).toContain("undefined symbol : foo");
  });
});

describe("C semantics of the math imports", () => {
  it("cRound rounds halfway cases away from zero and keeps the sign of zero", () => {
    expect(cRound(-2.5)).toBe(-3);
    expect(cRound(2.5)).toBe(3);
    expect(cRound(0.5)).toBe(1);
    expect(cRound(-0.5)).toBe(-1);
    expect(cRound(1.4999999999999998)).toBe(1);
    expect(cRound(-1.2)).toBe(-1);
    expect(Object.is(cRound(-0.2), -0)).toBe(true);
    expect(Object.is(cRound(-0), -0)).toBe(true);
    expect(cRound(Infinity)).toBe(Infinity);
    expect(cRound(NaN)).toBeNaN();
    expect(cRound(4503599627370497)).toBe(4503599627370497);
  });

  it("cRemainder takes the nearest quotient, ties to even", () => {
    expect(cRemainder(5, 2)).toBe(1);
    expect(cRemainder(7, 2)).toBe(-1);
    expect(cRemainder(3, 2)).toBe(-1);
    expect(cRemainder(-5, 2)).toBe(-1);
    expect(cRemainder(5.5, 2)).toBe(-0.5);
    expect(cRemainder(1, 3)).toBe(1);
    expect(cRemainder(2, 3)).toBe(-1);
    expect(cRemainder(-2.5, -2)).toBe(-0.5);
    expect(Object.is(cRemainder(-0, 1), -0)).toBe(true);
    expect(Object.is(cRemainder(4, 2), 0)).toBe(true);
    expect(Object.is(cRemainder(-4, 2), -0)).toBe(true);
    expect(cRemainder(1, 0)).toBeNaN();
    expect(cRemainder(Infinity, 1)).toBeNaN();
    expect(cRemainder(3, Infinity)).toBe(3);
    // exact even when x / y is far beyond 2^53: 2^100 = 4^50 = 1 (mod 3)
    expect(cRemainder(2 ** 100, 3)).toBe(1);
  });

  it("cCopysign copies the sign bit, including that of -0", () => {
    expect(cCopysign(1, -0)).toBe(-1);
    expect(cCopysign(1, 0)).toBe(1);
    expect(cCopysign(-3, 2)).toBe(3);
    expect(cCopysign(3, -2)).toBe(-3);
    expect(Object.is(cCopysign(0, -1), -0)).toBe(true);
    expect(cCopysign(Infinity, -1)).toBe(-Infinity);
  });

  it("cIsinf is 1 only for the infinities", () => {
    expect(cIsinf(NaN)).toBe(0);
    expect(cIsinf(Infinity)).toBe(1);
    expect(cIsinf(-Infinity)).toBe(1);
    expect(cIsinf(1.7976931348623157e308)).toBe(0);
    expect(cIsinf(0)).toBe(0);
  });

  it("a double-precision program using round, remainder and rint renders C results", async () => {
    const src = "x = (0.5 : + ~ _) - 3.0; process = round(x), remainder(x, 2), rint(x), x;";
    const r = await render(src, 12, { double: true });
    expect(out(r, 3)).toEqual([-2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3]);
    // C round: ties away from zero (JS Math.round would give -2, -1, … for the negative ties)
    expect(out(r, 0)).toEqual([-3, -2, -2, -1, -1, 0, 1, 1, 2, 2, 3, 3]);
    // C remainder(x, 2): x - 2n, n = x/2 rounded to nearest, ties to even; the zero keeps x's sign
    expect(out(r, 1)).toEqual([-0.5, -0, 0.5, -1, -0.5, 0, 0.5, 1, -0.5, 0, 0.5, -1]);
    // rint: ties to even
    expect(out(r, 2)).toEqual([-2, -2, -2, -1, -0, 0, 0, 1, 2, 2, 2, 3]);
  });
});

describe("faustlab reference (CLI)", () => {
  const { dir, write } = tempTree("reference");

  it("prints the impulse contract for _ <: _, @(3)", async () => {
    const f = write("delay.dsp", "process = _ <: _, @(3);\n");
    const r = await runCli("reference", f, "-n", "8");
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toBe(
      "# faust 2.88.0 inputs=1 outputs=2 sr=44100 n=8\n" + "out0: 1 0 0 0 0 0 0 0\n" + "out1: 0 0 0 1 0 0 0 0\n",
    );
  });

  it("formats samples with %.17g in -double and %.9g in single precision", async () => {
    const f = write("tenth.dsp", "process = 0.1, 1.0/3;\n");
    const d = await runCli("reference", f, "-n", "2", "-double");
    expect(d.code).toBe(0);
    expect(d.out).toBe(
      "# faust 2.88.0 inputs=0 outputs=2 sr=44100 n=2\n" +
        "out0: 0.10000000000000001 0.10000000000000001\n" +
        "out1: 0.33333333333333331 0.33333333333333331\n",
    );
    const s = await runCli("reference", f, "-n", "2");
    expect(s.code).toBe(0);
    expect(s.out).toBe(
      "# faust 2.88.0 inputs=0 outputs=2 sr=44100 n=2\n" + "out0: 0.100000001 0.100000001\n" + "out1: 0.333333343 0.333333343\n",
    );
  });

  it("honours -sr and -bs", async () => {
    const f = write("sr.dsp", "import(\"stdfaust.lib\");\nprocess = ma.SR, (1 : + ~ _);\n");
    const a = await runCli("reference", f, "-n", "5", "-sr", "48000", "-bs", "2");
    expect(a.code).toBe(0);
    expect(a.out).toBe("# faust 2.88.0 inputs=0 outputs=2 sr=48000 n=5\nout0: 48000 48000 48000 48000 48000\nout1: 1 2 3 4 5\n");
  });

  it("exits 1 with the reference's message on a compile error", async () => {
    const f = write("bad.dsp", "process = foo;\n");
    const r = await runCli("reference", f);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain("undefined symbol : foo");
  });

  it("exits 1 with FL001 on a missing file", async () => {
    const f = path.join(dir, "missing.dsp");
    const r = await runCli("reference", f);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain("error FL001: cannot read file");
    expect(r.err).toContain("no such file");
  });
});

describe("imports from the program's folder", () => {
  it("sees libraries changed or added since the previous compilation in the same process", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-mirror-"));
    try {
      fs.writeFileSync(path.join(dir, "k.lib"), "k = 1;\n");
      const prog = 'k = library("k.lib").k; process = k;';
      const first = await compileReference(prog, "m", { sourceDir: dir });
      expect(out(renderReference(first, { samples: 1 }), 0)).toEqual([1]);
      fs.writeFileSync(path.join(dir, "k.lib"), "k = 2;\n// longer, so the size changes too\n");
      const second = await compileReference(prog, "m", { sourceDir: dir });
      expect(out(renderReference(second, { samples: 1 }), 0)).toEqual([2]);
      fs.writeFileSync(path.join(dir, "j.lib"), "j = 3;\n");
      const third = await compileReference('process = library("j.lib").j;', "m", { sourceDir: dir });
      expect(out(renderReference(third, { samples: 1 }), 0)).toEqual([3]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
