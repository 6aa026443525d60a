import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { catalog, diag, render, SourceFile } from "./diagnostics.ts";
import { projectRoot } from "./paths.ts";

/** Every non-test TypeScript file of faustlab's own layers. */
function sources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) out.push(p);
    }
  };
  for (const d of ["src", "analyses", "passes", "reports"]) walk(path.join(projectRoot, d));
  return out;
}

describe("the diagnostics catalog", () => {
  it("has a specific message per code: no template is a bare placeholder", () => {
    for (const [code, e] of Object.entries(catalog)) {
      if (code === "FL800") continue; // the free-form remark of passes loaded from a file (below)
      const fixed = e.template.replace(/\{\w+\}/g, "").replace(/[\s:;,.'()]/g, "");
      expect.soft(fixed.length, `${code}: '${e.template}'`).toBeGreaterThan(3);
    }
  });

  it("keeps FL800 (the free-form remark) for passes loaded from a file: faustlab's own code uses the codes of its passes", () => {
    const users = sources().filter((f) => /diag\("FL800"/.test(fs.readFileSync(f, "utf8")));
    expect(users.map((f) => path.relative(projectRoot, f))).toEqual([]);
  });

  it("no bare Error is thrown by faustlab's layers: input errors are DiagnosticErrors, broken invariants InternalErrors", () => {
    const bare = sources()
      .filter((f) => !f.includes(`${path.sep}harness${path.sep}golden.ts`)) // the golden-test runner's own pattern syntax errors
      .flatMap((f) =>
        fs
          .readFileSync(f, "utf8")
          .split("\n")
          .map((l, i) => [l, i] as const)
          .filter(([l]) => /throw new Error\(/.test(l))
          .map(([, i]) => `${path.relative(projectRoot, f)}:${i + 1}`),
      );
    expect(bare).toEqual([]);
  });

  it("fills templates from typed arguments and renders file:line:col with the source line", () => {
    const file = new SourceFile("a.dsp", "process = foo;\n");
    const d = diag("FL010", { command: "info", expected: "exactly one FILE" }, { file, start: 10, end: 13 });
    expect(d.message).toBe("'info' takes exactly one FILE");
    expect(render(d)).toContain("a.dsp:1:11: error FL010: 'info' takes exactly one FILE");
    expect(render(d)).toContain("process = foo;");
  });
});
