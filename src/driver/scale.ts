// The size families of issue 14: programs that grow with N, for the scale
// tests (src/driver/scale.test.ts) and the growth-rate benchmark
// (benchmarks/scale.bench.ts). Each family's compile time must grow at most
// linearly in N: none may expand a shared graph as a tree or recurse on N.

export interface SizeFamily {
  readonly name: string;
  /** What grows. */
  readonly summary: string;
  /** The program of size n. */
  source(n: number): string;
  /** Sizes the benchmark times, increasing. */
  readonly sizes: readonly number[];
}

export const sizeFamilies: readonly SizeFamily[] = [
  {
    name: "sum",
    summary: "a sum of N infix terms 1 + 1 + … + 1",
    source: (n) => `process = ${Array(n).fill("1").join(" + ")};`,
    sizes: [250, 500, 1000, 2000, 4000, 8000],
  },
  {
    name: "par",
    summary: "par(i, N, _)",
    source: (n) => `process = par(i, ${n}, _);`,
    sizes: [250, 500, 1000, 2000, 4000, 8000],
  },
  {
    name: "seq",
    summary: "seq(i, N, _ : +(1))",
    source: (n) => `process = seq(i, ${n}, _ : +(1));`,
    sizes: [250, 500, 1000, 2000, 4000, 8000],
  },
  {
    name: "dag",
    summary: "seq(i, N, _ <: _, _ :> _): a DAG whose tree has 2^N leaves",
    source: (n) => `process = seq(i, ${n}, _ <: _, _ :> _);`,
    sizes: [16, 24, 32, 40, 60, 120, 240],
  },
  {
    name: "with",
    summary: "a chain of N definitions in one with: a0 = a1 + 1; …; aN = 0",
    source: (n) => `process = a0 with { ${Array.from({ length: n }, (_, i) => `a${i} = a${i + 1} + 1;`).join(" ")} a${n} = 0; };`,
    sizes: [125, 250, 500, 1000],
  },
  {
    name: "interleave",
    summary: "ro.interleave(N, 4)",
    source: (n) => `import("stdfaust.lib"); process = ro.interleave(${n}, 4);`,
    sizes: [8, 16, 32, 64, 128],
  },
  {
    name: "chebychev",
    summary: "ma.chebychev(N) (a recursive definition used twice per level)",
    source: (n) => `import("stdfaust.lib"); process = ma.chebychev(${n});`,
    sizes: [4, 8, 16, 32, 64],
  },
];
