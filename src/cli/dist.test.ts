// The built command line (npm run build, run by `prepare`): dist/ is fresh
// after a build, bin/faustlab.mjs then runs it, and it compiles a program
// to the same C++ as the sources do.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectPath } from "../core/paths.ts";
import { main as sourceMain } from "./cli.ts";

describe("the built command line", () => {
  it("builds, is used by bin/faustlab.mjs, and agrees with the sources", { timeout: 120_000 }, async () => {
    const fresh = async () => ((await import(projectPath("src", "core", "dist-fresh.mjs"))) as { distIsFresh(): boolean }).distIsFresh();
    if (!(await fresh())) {
      const b = spawnSync(process.execPath, [projectPath("bin", "build.mjs")], { encoding: "utf8" });
      expect(b.status, b.stderr).toBe(0);
    }
    expect(await fresh()).toBe(true);
    const help = spawnSync(process.execPath, [projectPath("bin", "faustlab.mjs"), "help"], { encoding: "utf8", env: { ...process.env, FAUSTLAB_FROM_SOURCE: "" } });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("usage: faustlab COMMAND");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-dist-"));
    try {
      const dsp = path.join(dir, "t.dsp");
      fs.writeFileSync(dsp, `import("stdfaust.lib");\nprocess = os.osc(440) * hslider("gain[unit:dB]", 0.5, 0, 1, 0.01);\n`);
      const built = spawnSync(process.execPath, [projectPath("bin", "faustlab.mjs"), "compile", dsp, "-lang", "cpp"], { encoding: "utf8" });
      expect(built.status, built.stderr).toBe(0);
      let fromSource = "";
      expect(await sourceMain(["compile", dsp, "-lang", "cpp"], { out: (t) => void (fromSource += t), err: () => {} })).toBe(0);
      expect(built.stdout).toBe(fromSource);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holds the task of every worker shim (a pool names its shim by source path; the shim loads dist/ when fresh)", () => {
    const shims = ["src/cli/mcp/worker.mjs", "src/harness/experiment/worker.mjs", "src/tools/fuzz-worker.mjs"];
    const sources = fs.readFileSync(projectPath("src/cli/mcp/sandbox.ts"), "utf8") + fs.readFileSync(projectPath("src/harness/experiment/execute.ts"), "utf8");
    expect(sources).not.toMatch(/new URL\("\.\/worker\.mjs", import\.meta\.url\)/);
    for (const shim of shims) {
      const text = fs.readFileSync(projectPath(shim), "utf8");
      const entry = /importTask\("([\w-]+\.mjs)"/.exec(text)?.[1];
      expect(entry, shim).toBeDefined();
      expect(fs.existsSync(projectPath("dist", entry!)), `${shim} loads dist/${entry}`).toBe(true);
    }
  });
});
