// Growth rate of compile time with program size (issue 14): the size families
// of src/driver/scale.ts, source to wasm bytes, faustlab against the real
// compiler (libfaust in this process) at each size. The figure per size is the
// best of 2 runs (3 at the smallest), both compilers warm; a compiler that fails, or
// takes more than CUTOFF_MS at a size, is not timed at the larger sizes of
// that family. `growth` is the exponent k of t ∝ N^k between the last two
// sizes each compiler reached (1 = linear).

import { compileFir } from "../src/driver/compile.ts";
import { wasmModule } from "../src/chain/backends/wasm.ts";
import { compileReference } from "../src/harness/oracle.ts";
import { sizeFamilies } from "../src/driver/scale.ts";
import type { BenchResult } from "./types.ts";

const CUTOFF_MS = 5000;
let unique = 0;

async function time(fn: () => unknown | Promise<unknown>, repeat: number): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
    if (best > CUTOFF_MS) break;
  }
  return best;
}

export const faustlab = (src: string) => wasmModule(compileFir({ text: src, path: `/bench/scale${unique++}.dsp` })).bytes;
export const reference = (src: string) => compileReference(src, `scale${unique++}`);

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  // the standard library parsed once, both compilers warm
  faustlab('import("stdfaust.lib"); process = os.osc(440);');
  await reference('import("stdfaust.lib"); process = os.osc(440);');
  for (const fam of sizeFamilies) {
    const curves: Record<"faustlab" | "reference", [number, number][]> = { faustlab: [], reference: [] };
    const alive = { faustlab: true, reference: true };
    for (const n of fam.sizes) {
      const src = fam.source(n);
      for (const who of ["faustlab", "reference"] as const) {
        if (!alive[who]) continue;
        const fn = who === "faustlab" ? () => faustlab(src) : () => reference(src);
        let ms: number;
        try {
          ms = await time(fn, n === fam.sizes[0] ? 3 : 2);
        } catch (e) {
          alive[who] = false;
          const why = String((e as Error)?.message ?? e).split("\n")[0]!.slice(0, 60);
          results.push({ name: `scale ${fam.name} N=${n} ${who}`, value: NaN, unit: "ms", note: `failed: ${why}` });
          continue;
        }
        curves[who].push([n, ms]);
        results.push({ name: `scale ${fam.name} N=${n} ${who}`, value: ms, unit: "ms", note: fam.summary });
        if (ms > CUTOFF_MS) alive[who] = false;
      }
    }
    for (const who of ["faustlab", "reference"] as const) {
      const c = curves[who];
      if (c.length < 2) continue;
      const [[n1, t1], [n2, t2]] = [c[c.length - 2]!, c[c.length - 1]!];
      results.push({ name: `scale ${fam.name} growth ${who}`, value: Math.log(t2 / t1) / Math.log(n2 / n1), unit: "exponent", note: `t ∝ N^k between N=${n1} and N=${n2}` });
    }
  }
  return results;
}
