// Golden parse tests: every tests/*.dsp is parsed and printed back as boxes
// (canonical text) followed by its diagnostics; the result must match
// tests/NAME.boxes. Refresh with `npx vitest run src/chain/frontend/golden.test.ts -u`.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { render, SourceFile } from "../../core/diagnostics.ts";
import { printProgram } from "../../core/boxes/print.ts";
import { parseSource } from "./parser.ts";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "tests");
const cases = fs.readdirSync(dir).filter((f) => f.endsWith(".dsp")).sort();

describe("golden parses", () => {
  it("has golden programs", () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });
  for (const name of cases) {
    it(name, async () => {
      const text = fs.readFileSync(path.join(dir, name), "utf8");
      const parsed = parseSource(new SourceFile(`tests/${name}`, text));
      let out = printProgram(parsed.stmts);
      if (parsed.diagnostics.length) out += `\n// diagnostics:\n${parsed.diagnostics.map((d) => render(d).replace(/^/gm, "// ")).join("\n")}\n`;
      await expect(out).toMatchFileSnapshot(path.join(dir, name.replace(/\.dsp$/, ".boxes")));
      // The printed program parses back to the very same boxes.
      const again = parseSource(new SourceFile(`tests/${name}#printed`, printProgram(parsed.stmts)));
      expect(again.diagnostics).toEqual([]);
      expect(again.stmts).toEqual(parsed.stmts);
      again.stmts.forEach((s, i) => expect(s).toBe(parsed.stmts[i]));
    });
  }
});
