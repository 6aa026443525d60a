// The one-shot command line against native Faust: whole-process wall time of
// `faustlab compile F -lang cpp -o X` (bin/faustlab.mjs, so dist/ when it is
// built and fresh) and of the `faust` on PATH (Debian's 2.54.9, given -I to
// faustwasm's libraries) on the same programs, alternated run by run as
// hyperfine does, after one untimed warm-up each (which also fills
// faustlab's parsed-library cache). Prints the median of each and the ratio,
// plus `faustlab help` and a bare `node -e 0` for the floor. Also runnable
// alone: `npm run bench -- cli` (CLI_BENCH_RUNS=N to change the 15 runs).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectPath } from "../src/core/paths.ts";
import { stdlibDir } from "../src/driver/stdlib.ts";
import type { BenchResult } from "./types.ts";

const programs: Record<string, string> = {
  "os.osc": `import("stdfaust.lib");\nprocess = os.osc(440);\n`,
  "dm.zita_light": `import("stdfaust.lib");\nprocess = dm.zita_light;\n`,
};

function wall(cmd: string, args: readonly string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function run(): Promise<BenchResult[]> {
  const runs = Number(process.env.CLI_BENCH_RUNS ?? 15);
  const bin = projectPath("bin", "faustlab.mjs");
  const distInfo = projectPath("dist", "build.json");
  const { distIsFresh } = (await import(projectPath("src", "core", "dist-fresh.mjs"))) as { distIsFresh(): boolean };
  const mode = distIsFresh() ? "dist/ build" : fs.existsSync(distInfo) ? "sources via tsx (dist/ is stale: npm run build)" : "sources via tsx (no dist/: npm run build)";
  const haveFaust = !spawnSync("faust", ["--version"]).error;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-clibench-"));
  const out: BenchResult[] = [];
  try {
    const node = [wall(process.execPath, ["-e", "0"])];
    const help = [wall(process.execPath, [bin, "help"])];
    for (let i = 0; i < runs; i++) {
      node.push(wall(process.execPath, ["-e", "0"]));
      help.push(wall(process.execPath, [bin, "help"]));
    }
    out.push({ name: "node -e 0 (the floor)", value: median(node.slice(1)), unit: "ms", note: `median of ${runs}` });
    out.push({ name: "faustlab help", value: median(help.slice(1)), unit: "ms", note: mode });
    for (const [name, text] of Object.entries(programs)) {
      const dsp = path.join(dir, `${name.replace(/\W/g, "_")}.dsp`);
      fs.writeFileSync(dsp, text);
      const ours = () => wall(process.execPath, [bin, "compile", dsp, "-lang", "cpp", "-o", path.join(dir, "a.cpp")]);
      const theirs = () => wall("faust", ["-I", stdlibDir(), dsp, "-lang", "cpp", "-o", path.join(dir, "b.cpp")]);
      ours();
      if (haveFaust) theirs();
      const a: number[] = [], b: number[] = [];
      for (let i = 0; i < runs; i++) {
        a.push(ours());
        if (haveFaust) b.push(theirs());
      }
      out.push({ name: `compile ${name} -lang cpp: faustlab`, value: median(a), unit: "ms", note: `median of ${runs}, ${mode}` });
      if (haveFaust) {
        out.push({ name: `compile ${name} -lang cpp: faust 2.54.9`, value: median(b), unit: "ms", note: `median of ${runs}, alternated` });
        out.push({ name: `compile ${name}: faustlab / faust`, value: median(a) / median(b), unit: "×", note: "≤ 1 is the goal" });
      }
    }
    if (!haveFaust) out.push({ name: "native faust", value: 0, unit: "", note: "skipped: no `faust` on PATH" });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
