// How much a program amplifies a last-bit change in the C library's math
// functions: the evidence behind the differential runner's `libm` cause.
//
//   node bin/run-ts.mjs corpus/libm-sensitivity.ts LIB/NAME_test…
//
// For each library test: its largest difference between the C backend and
// the JS backend (double, 4,096 samples, unit impulse on every input, scaled
// by the output's peak above 1, as src/harness/difftest.ts does), then, for each
// function of src/harness/difftest.ts's LIBM that the program calls, the largest
// difference between the JS backend as it is and the JS backend with every
// result r of that function moved by |r|·2^-52 (one or two units in the last
// place; up, then down). glibc and V8 round some results of sin, exp, pow … differently in
// the last bit; when an ulp or two on one function moves the output as much as C
// does, the C/JS difference is that rounding, amplified by the program.

import { compileFir } from "../src/driver/compile.ts";
import { loadJs } from "../src/chain/backends/js.ts";
import { renderDsp } from "../src/chain/backends/render.ts";
import { firstDifference, largestError, libmCalls } from "../src/harness/difftest.ts";
import { renderNativeBatch } from "../src/harness/difftest-native.ts";
import { extractLibraryTests } from "../src/driver/libtests.ts";

const N = 4096;
const ids = process.argv.slice(2);
if (!ids.length) {
  console.error("usage: node bin/run-ts.mjs corpus/libm-sensitivity.ts LIB/NAME_test…");
  process.exit(2);
}
const tests = new Map(extractLibraryTests().map((t) => [t.id, t]));
const MathTable = Math as unknown as Record<string, (...a: number[]) => number>;

for (const id of ids) {
  const t = tests.get(id);
  if (!t) {
    console.log(`${id}: no such library test`);
    process.exitCode = 1;
    continue;
  }
  const m = compileFir({ text: t.source, path: `/library-tests/${t.id}.dsp` }, { double: true, name: t.name });
  const inputs = Array.from({ length: m.inputs }, () => Float64Array.from({ length: N }, (_, i) => (i === 0 ? 1 : 0)));
  const render = () => renderDsp(loadJs(m)(), { samples: N, double: true, input: (c, i) => inputs[c]![i]! });
  const js = render();
  const [c] = await renderNativeBatch("c", [{ module: m, samples: N, sampleRate: 44100, blockSize: 512, inputSets: [inputs] }]);
  if (!c!.ok) {
    console.log(`${id}: the C backend failed: ${c!.diagnostic.code} ${c!.diagnostic.message}`);
    process.exitCode = 1;
    continue;
  }
  const d = firstDifference(js, c!.outputs[0]!, 1e-12);
  console.log(`${id} (calls ${libmCalls(m).join(", ") || "no LIBM function"})`);
  console.log(`  C vs JS: largest scaled difference ${largestError(js, c!.outputs[0]!).toExponential(2)}${d ? `, first above 1e-12 at output ${d.output} sample ${d.index}` : ""}`);
  for (const f of libmCalls(m)) {
    // the JS backend calls Math.<f>, except exp10 (Math.pow(10, x))
    const key = f === "exp10" ? "pow" : f;
    const original = MathTable[key]!;
    const moved: string[] = [];
    for (const ulp of [2 ** -52, -(2 ** -52)]) {
      MathTable[key] = (...a: number[]) => {
        const r = original(...a);
        return r + Math.abs(r) * ulp;
      };
      try {
        moved.push(largestError(js, render()).toExponential(2));
      } finally {
        MathTable[key] = original;
      }
    }
    console.log(`  JS with every ${f} result moved by |r|·2^-52 up / down: ${moved.join(" / ")}`);
  }
}
