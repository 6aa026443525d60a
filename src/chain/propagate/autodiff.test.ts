// fad and rad: the finite-difference property over random differentiable
// graphs, rad = summed fad tangents, nesting, the rule table's individual
// rules, and the front end (parsing, printing, arity errors).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expandAutodiff } from "./autodiff.ts";
import { arbDiffGraph } from "../../harness/arbitrary/autodiff.ts";
import { evaluate } from "../../core/signals/evaluate.ts";
import { rewrite } from "../../core/signals/rewrite.ts";
import { sig, type Sig } from "../../core/signals/signal.ts";
import { compileSignals } from "../../driver/signals.ts";
import { DiagnosticError } from "../../core/diagnostics.ts";
import { parseExpression } from "../frontend/parser.ts";
import { printBox } from "../../core/boxes/print.ts";

const N = 48;
const input = [Float64Array.from({ length: N }, (_, i) => Math.sin(0.37 * i) * 0.8 + 0.1 * Math.cos(1.9 * i))];
const run = (roots: readonly Sig[]) => evaluate(roots, { samples: N, inputs: input });

/** The roots with every occurrence of `seed` replaced by seed + h. */
function perturbed(roots: readonly Sig[], seed: Sig, h: number): Sig[] {
  return rewrite(roots, (s) => (s === seed ? sig.add(s, sig.float(h)) : s));
}

/** |a − b| ≤ rel · max(1, |b|) for every sample (NaN only where both are). */
function close(a: ArrayLike<number>, b: ArrayLike<number>, rel: number): string | undefined {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (!(Math.abs(x - y) <= rel * Math.max(1, Math.abs(y)))) return `sample ${i}: ${x} vs ${y}`;
  }
  return undefined;
}

const SEED = 20261203;

describe("fad: tangents equal central finite differences", () => {
  it("over random differentiable graphs (arithmetic, math, delays, recursions, select2, tables, filters)", () => {
    fc.assert(
      fc.property(arbDiffGraph(), ({ roots, seeds }) => {
        const out = run(expandAutodiff("fad", roots, seeds));
        const primal = run(roots);
        const h = 1e-5;
        seeds.forEach((s, j) => {
          const up = run(perturbed(roots, s, h));
          const down = run(perturbed(roots, s, -h));
          roots.forEach((_, k) => {
            const fd = up[k]!.map((v, i) => (v - down[k]![i]!) / (2 * h));
            const got = out[k * (1 + seeds.length) + 1 + j]!;
            const bad = close(got, fd, 1e-6);
            if (bad) throw new Error(`output ${k}, seed ${j}: ${bad}`);
          });
        });
        roots.forEach((_, k) => expect(close(out[k * (1 + seeds.length)]!, primal[k]!, 0)).toBeUndefined());
      }),
      { numRuns: 150, seed: SEED },
    );
  });
});

describe("rad: gradients equal the summed fad tangents", () => {
  const check = ({ roots, seeds }: { roots: readonly Sig[]; seeds: readonly Sig[] }) => {
    const f = run(expandAutodiff("fad", roots, seeds));
    const r = run(expandAutodiff("rad", roots, seeds));
    const M = roots.length;
    seeds.forEach((_, j) => {
      const sum = new Float64Array(N);
      for (let k = 0; k < M; k++) f[k * (1 + seeds.length) + 1 + j]!.forEach((v, i) => (sum[i]! += v));
      const bad = close(r[M + j]!, sum, 1e-12);
      if (bad) throw new Error(`seed ${j}: ${bad}`);
    });
    for (let k = 0; k < M; k++) expect(close(r[k]!, f[k * (1 + seeds.length)]!, 0)).toBeUndefined();
  };
  it("on instantaneous bodies (the reverse sweep)", () => {
    fc.assert(fc.property(arbDiffGraph({ stateless: true }), check), { numRuns: 150, seed: SEED });
  });
  // With state, a gradient lane is the per-sample contribution of the seed over the block (here
  // the whole run, N < 512 samples): its sum is d(Σ_n Σ_k p_k[n])/ds, the summed fad tangents.
  const checkBlock = ({ roots, seeds }: { roots: readonly Sig[]; seeds: readonly Sig[] }) => {
    const f = run(expandAutodiff("fad", roots, seeds));
    const r = run(expandAutodiff("rad", roots, seeds));
    const M = roots.length;
    seeds.forEach((_, j) => {
      let want = 0;
      for (let k = 0; k < M; k++) f[k * (1 + seeds.length) + 1 + j]!.forEach((v) => (want += v));
      const got = r[M + j]!.reduce((a, v) => a + v, 0);
      if (!(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)))) throw new Error(`seed ${j}: block sum ${got} vs summed tangents ${want}`);
    });
    for (let k = 0; k < M; k++) expect(close(r[k]!, f[k * (1 + seeds.length)]!, 0)).toBeUndefined();
  };
  it("on bodies with state (back-propagation through time: block sums)", () => {
    fc.assert(fc.property(arbDiffGraph(), checkBlock), { numRuns: 100, seed: SEED + 1 });
  });
  it("a one-pole's lane is λ[n]·y[n−1], λ[n] = 1 + p·λ[n+1] from the block end", () => {
    const p = sig.hslider("p", sig.float(0.5), sig.float(0), sig.float(0.9), sig.float(0.01));
    const [y] = sig.recursion("t_onepole", 1, ([y]) => [sig.add(sig.input(0), sig.mul(p, sig.delay1(y!)))]);
    const [, g] = run(expandAutodiff("rad", [y!], [p]));
    const yv = run([y!])[0]!;
    const lam = new Float64Array(N);
    for (let n = N - 1; n >= 0; n--) lam[n] = 1 + (n + 1 < N ? 0.5 * lam[n + 1]! : 0);
    expect(close(g!, Array.from({ length: N }, (_, n) => lam[n]! * (n > 0 ? yv[n - 1]! : 0)), 1e-12)).toBeUndefined();
  });
});

const compile = (text: string) => compileSignals({ text, path: "/virtual/t.dsp" }, { precision: "double" });
const render = (text: string, samples = 8) => {
  const p = compile(text);
  return evaluate(p.outputs, { samples, inputs: Array.from({ length: p.inputs }, () => Float64Array.from({ length: samples }, (_, i) => (i === 0 ? 1 : 0))) });
};
const sliders = 'x = hslider("x", 0.7, -2, 2, 0.01); y = hslider("y", 0.3, -2, 2, 0.01);';

describe("fad/rad in programs", () => {
  it("lays out fad per output [p, dp/ds0, …] and rad as [p…, grads…]", () => {
    const f = render(`${sliders} process = fad((x*y, x+y), (x, y));`);
    expect(f.map((o) => o[0])).toEqual([0.7 * 0.3, 0.3, 0.7, 0.7 + 0.3, 1, 1]);
    const r = render(`${sliders} process = rad((x*y, x+y), (x, y));`);
    expect(r.map((o) => o[0]!)).toEqual([0.7 * 0.3, 0.7 + 0.3, 0.3 + 1, 0.7 + 1]);
  });
  it("nests: fad(rad(sin(x*x), x), x) gives the second derivative", () => {
    const o = render(`${sliders} process = fad(rad(sin(x*x), x), x);`).map((v) => v[0]!);
    const x = 0.7;
    expect(o[3]).toBeCloseTo(2 * Math.cos(x * x) - 4 * x * x * Math.sin(x * x), 12);
  });
  it("nests over state: fad of a stateful rad's lane is the finite difference of that lane", () => {
    const lane = (pv: number) => render(`p = hslider("p", ${pv}, 0, 0.9, 0.001); process = rad(_ : + ~ *(p) : sin, p);`, 40)[1]!;
    const o = render(`p = hslider("p", 0.5, 0, 0.9, 0.001); process = fad(rad(_ : + ~ *(p) : sin, p), p);`, 40);
    const h = 1e-5;
    const up = lane(0.5 + h);
    const down = lane(0.5 - h);
    expect(close(o[3]!, up.map((v, i) => (v - down[i]!) / (2 * h)), 1e-6)).toBeUndefined();
  });
  it("matches seeds by identity: two identical sliders are one seed", () => {
    const o = render(`process = fad(hslider("g", 2, 0, 4, 0.1) * hslider("g", 2, 0, 4, 0.1), hslider("g", 2, 0, 4, 0.1));`);
    expect(o[1]![0]).toBe(4);
  });
  it("reads max(body inputs, seed inputs) inputs", () => {
    expect(compile("process = fad(_ * 3, _);").inputs).toBe(1);
    expect(compile("process = fad(_ * 3, (_, _));").inputs).toBe(2);
  });
  it("gives zero tangents to comparisons, int casts, buttons and non-seed controls", () => {
    const o = render(`${sliders} b = button("b"); process = fad((x > 0.5) + int(x * 10) + b + y + (x & 3), x);`);
    expect(o[1]![0]).toBe(0);
  });
  it("differentiates select2's branches, not its condition", () => {
    const o = render(`${sliders} process = fad(select2(x > 0.5, x * x, 3 * x), x);`);
    expect(o[1]![0]).toBeCloseTo(3, 12);
  });
  it("variable delay: du[n−d] − dd·slope(u)[n−d]", () => {
    // u = n (a ramp), d = int(x*4) + ... : a delay driven by the seed through a float amount
    const o = render(`x = hslider("x", 0.5, 0.25, 1, 0.01); u = 1 : + ~ _; process = fad(u @ (x * 4), x);`, 8);
    // dd/dx = 4, slope of a unit ramp = 1: the tangent is −4 once the delay line is full
    expect(o[1]![7]).toBeCloseTo(-4, 12);
  });
  it("table reads use the central-difference slope times the index tangent", () => {
    // table[i] = (i+1)² for i in 0..15; at i = 5 the slope is (49 − 25)/2 = 12; index = x*10 with x = 0.5
    const o = render(`x = hslider("x", 0.5, 0, 1, 0.01); t = rdtable(16, (_ ~ +(1)) <: * : float, int(x * 10)); process = fad(t, x);`);
    expect(o[1]![0]).toBe(12 * 10);
  });
  it("reports arity errors in Faust's style, located", () => {
    const err = (text: string) => {
      try {
        compile(text);
      } catch (e) {
        if (e instanceof DiagnosticError) return e.diagnostics[0]!;
      }
      throw new Error("no error");
    };
    const a = err(`${sliders} process = fad(x, ());`);
    expect(a.code).toBe("FL430");
    expect(a.span?.start).toBe(sliders.length + 11);
    expect(err(`${sliders} process = rad(x : !, x);`).code).toBe("FL431");
    expect(err(`${sliders} process = rad(rwtable(8, 0.0, 1, x, 2), x);`).code).toBe("FL550");
    expect(err(`${sliders} process = rad(ffunction(float foo(float), "foo.h", "") (x), x);`).code).toBe("FL550");
  });
  it("parses and prints fad/rad", () => {
    const p = parseExpression("fad(x * y, (x, y)), rad(_, _)");
    expect(p.diagnostics).toEqual([]);
    expect(printBox(p.box!)).toBe("fad(x * y, (x, y)), rad(_, _)");
  });
});
