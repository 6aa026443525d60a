import { describe, expect, it } from "vitest";
import { runCli, tempTree } from "../testutil.ts";

describe("faustlab eval", () => {
  const { write } = tempTree("evalcmd");

  it("prints the arity, the metadata and the evaluated process", async () => {
    const file = write("ok.dsp", 'declare name "t";\nprocess = par(i, 2, *(i + 1));\n');
    const r = await runCli("eval", file, "-meta");
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines[0]).toBe("// 2 inputs, 2 outputs");
    expect(lines[1]).toMatch(/^\/\/ declare name "t" \(.*ok\.dsp\)$/);
    // arguments of a primitive are evaluated, not folded (as in Faust)
    expect(lines[2]).toBe("process = _ * (0 + 1), _ * (1 + 1);");
  });

  it("reports evaluation errors as diagnostics with exit status 1", async () => {
    const file = write("bad.dsp", "process = (_, _) : (_, _, _);\n");
    const r = await runCli("eval", file);
    expect(r.code).toBe(1);
    expect(r.err).toContain("error FL412: sequential composition A:B");
  });

  it("selects double-precision definitions with -double", async () => {
    const file = write("prec.dsp", "singleprecision x = 1; doubleprecision x = 2; process = x;\n");
    expect((await runCli("eval", file, "-double")).out).toContain("process = 2;");
  });
});
