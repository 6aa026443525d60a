import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../cli.ts";

async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t + "\n") });
  return { code, out, err };
}

describe("faustlab eval", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-evalcmd-"));

  it("prints the arity, the metadata and the evaluated process", async () => {
    const file = path.join(dir, "ok.dsp");
    fs.writeFileSync(file, 'declare name "t";\nprocess = par(i, 2, *(i + 1));\n');
    const r = await runCli(["eval", file, "-meta"]);
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines[0]).toBe("// 2 inputs, 2 outputs");
    expect(lines[1]).toMatch(/^\/\/ declare name "t" \(.*ok\.dsp\)$/);
    // arguments of a primitive are evaluated, not folded (as in Faust)
    expect(lines[2]).toBe("process = _ * (0 + 1), _ * (1 + 1);");
  });

  it("reports evaluation errors as diagnostics with exit status 1", async () => {
    const file = path.join(dir, "bad.dsp");
    fs.writeFileSync(file, "process = (_, _) : (_, _, _);\n");
    const r = await runCli(["eval", file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("error FL412: sequential composition A:B");
  });

  it("selects double-precision definitions with -double", async () => {
    const file = path.join(dir, "prec.dsp");
    fs.writeFileSync(file, "singleprecision x = 1; doubleprecision x = 2; process = x;\n");
    expect((await runCli(["eval", file, "-double"])).out).toContain("process = 2;");
  });
});
