// Accuracy figures for README.md: node bin/run-ts.mjs analyses/zdomain/measure.ts
// (reads the committed fixtures; takes a few seconds).

import { loadFixtures, rootSetError, fixture } from "./fixtures.ts";
import { rootsZ } from "./roots.ts";
import { zpkToSos, tfToSos, filterCascadeDF1, scaleSections, type Sos } from "./sos.ts";
import { STRUCTURES, designFromSection, isRefusal, float32, type Realization } from "./structures.ts";
import { chooseStructures, runCascade, faustNoise, compareSignals } from "./errors.ts";

function rootTable(): void {
  const groups = new Map<string, { ours: number; numpy: number; design: number; backward: number; n: number }>();
  for (const c of loadFixtures()) {
    const key = `${c.family} ${c.btype} ${c.cutoff.join("-")} Hz`;
    const g = groups.get(key) ?? { ours: 0, numpy: 0, design: 0, backward: 0, n: 0 };
    const r = rootsZ(c.a);
    g.ours = Math.max(g.ours, rootSetError(r.roots, c.exactRoots.a));
    g.numpy = Math.max(g.numpy, rootSetError(c.numpyRoots.a, c.exactRoots.a));
    g.design = Math.max(g.design, rootSetError(c.exactRoots.a, c.zpk.p));
    g.backward = Math.max(g.backward, r.backwardError);
    g.n = Math.max(g.n, c.order);
    groups.set(key, g);
  }
  console.log("| designs (orders up to) | ours vs exact roots | numpy.roots vs exact | exact roots vs design poles | our backward error |");
  console.log("|---|---|---|---|---|");
  for (const [k, g] of groups)
    console.log(`| ${k} (${g.n}) | ${g.ours.toExponential(1)} | ${g.numpy.toExponential(1)} | ${g.design.toExponential(1)} | ${g.backward.toExponential(1)} |`);
}

function snrTable(): void {
  const x = faustNoise(48000);
  const ids = ["butter-lowpass-8-50", "butter-lowpass-4-1000", "butter-lowpass-8-1000", "butter-lowpass-16-1000", "cheby1-lowpass-8-50", "ellip-lowpass-8-1000", "ellip-lowpass-8-50"];
  console.log(`| design (zpk → sos, 'nearest', 'up') | ${STRUCTURES.join(" | ")} | chosen (estimate) |`);
  console.log(`|---|${STRUCTURES.map(() => "---").join("|")}|---|`);
  const row = (label: string, sos: Sos) => {
    const ref = filterCascadeDF1(sos.sections, x);
    const cells = STRUCTURES.map((k) => {
      const rs = sos.sections.map((s) => designFromSection(k, s));
      if (rs.some(isRefusal)) return "n/a";
      const c = compareSignals(ref, runCascade(rs as Realization[], x, float32));
      return c.finite ? c.snrDb.toFixed(1) : "diverges";
    });
    const choice = chooseStructures(sos.sections);
    const got = compareSignals(ref, runCascade(choice.sections.map((s) => s.realization), x, float32)).snrDb;
    console.log(`| ${label} | ${cells.join(" | ")} | ${got.toFixed(1)} (${choice.snrDb.toFixed(1)}) |`);
  };
  for (const id of ids) row(id, zpkToSos(fixture(id).zpk));
  row("butter-lowpass-8-50, L2-scaled", scaleSections(zpkToSos(fixture("butter-lowpass-8-50").zpk), "l2"));
  row("butter-lowpass-8-50, Linf-scaled", scaleSections(zpkToSos(fixture("butter-lowpass-8-50").zpk), "linf"));
  const f = fixture("butter-lowpass-8-1000");
  row("butter-lowpass-8-1000 from (b, a)", tfToSos({ b: f.b, a: f.a }));
}

rootTable();
console.log("");
snrTable();
