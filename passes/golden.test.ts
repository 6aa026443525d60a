// The golden-test runner: every *.sig and *.dsp file in a `tests/` folder
// under passes/, analyses/ or src/chain/propagate/ is a golden test (format: src/harness/golden.ts).
// Each RUN line runs in this process through the CLI (`main(argv, io)`), in
// a module graph fresh for each file, so its output does not depend on the
// files run before it. The output (stdout then stderr, the repository's path
// made relative) is checked against the directives of the RUN's prefixes; a
// file marked XFAIL must fail. The whole output of each file is also an exact
// snapshot, `tests/__snapshots__/NAME.sig.out` (or `.dsp.out`; refresh with
// `npx vitest run passes -u`; the times of -time-passes are masked there).

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import type { CommandIO } from "../src/cli/commands/command.ts";
import { checkOutput, formatFailure, parseGolden, substitute } from "../src/harness/golden.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Every golden file under the `tests/` folders of passes/ and analyses/, sorted. */
function discover(): string[] {
  const found: string[] = [];
  const walk = (dir: string, inTests: boolean) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== "__snapshots__" && e.name !== "node_modules") walk(p, inTests || e.name === "tests");
      } else if (inTests && /\.(sig|dsp)$/.test(e.name)) found.push(p);
    }
  };
  for (const top of ["passes", "analyses", "src/chain/propagate"]) if (fs.existsSync(path.join(root, top))) walk(path.join(root, top), false);
  return found.sort();
}

/** The output as a test sees it: the repository's absolute path removed, so paths print as `passes/tests/x.sig`. */
function relativize(text: string): string {
  return text.split(root + path.sep).join("");
}

/** `-time-passes` lines with their figures masked, for the snapshot. */
function maskTimes(text: string): string {
  return text.replace(/^ *\d+\.\d{3} ms +\d+\.\d%/gm, "   #.### ms   #.#%");
}

/**
 * The CLI in a fresh module graph: hash-consing tables, group names and the
 * first-writer-wins source spans are global to the modules, so each golden
 * file starts from empty tables and its output does not depend on the files
 * run before it.
 */
async function freshCli(): Promise<(...argv: string[]) => Promise<{ code: number; out: string; err: string }>> {
  vi.resetModules();
  const { main } = (await import("../src/cli/cli.ts")) as { main: (argv: readonly string[], io: CommandIO) => Promise<number> };
  return async (...argv) => {
    let out = "";
    let err = "";
    const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t.endsWith("\n") ? t : t + "\n") });
    return { code, out, err };
  };
}

const files = discover();

describe("golden files", () => {
  it("finds the golden files", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    const rel = path.relative(root, file).split(path.sep).join("/");
    it(rel, async () => {
      const g = parseGolden(fs.readFileSync(file, "utf8"), rel);
      const runCli = await freshCli();
      const problems: string[] = [];
      let snapshot = "";
      for (const run of g.runs) {
        const argv = run.words.map((w) => substitute(w, file, path.dirname(file)));
        const r = await runCli(...argv);
        const out = relativize(r.out + r.err);
        snapshot += `; RUN (line ${run.line}): ${run.text}\n; exit ${r.code}\n${out}${out.endsWith("\n") || !out ? "" : "\n"}`;
        if (run.expectFailure ? r.code === 0 : r.code !== 0)
          problems.push(`${rel}:${run.line}: RUN: exit status ${r.code}, expected ${run.expectFailure ? "a failure ('not')" : "0"}\n${out.replace(/^/gm, "  ")}`);
        const f = checkOutput(
          out,
          g.directives.filter((d) => run.prefixes.includes(d.prefix)),
        );
        if (f) problems.push(`(RUN line ${run.line})\n${formatFailure(f, rel)}`);
      }
      if (g.xfail !== undefined) {
        if (!problems.length) throw new Error(`${rel}: marked XFAIL (${g.xfail}) but every check passes: remove the XFAIL line`);
      } else if (problems.length) throw new Error(problems.join("\n\n"));
      const snap = path.join(path.dirname(file), "__snapshots__", path.basename(file) + ".out");
      await expect(maskTimes(snapshot)).toMatchFileSnapshot(snap);
    });
  }
});
