import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { extractLibraryTests, testBlocks, testNames } from "./libtests.ts";
import { stdlibFiles } from "./stdlib.ts";

const sample = `
//---- \`(xx.)foo\`
// #### Usage
// \`\`\`
// _ : foo : _
// \`\`\`
//
// #### Test
// \`\`\`
// xx = library("xx.lib");
// foo_test = _ : xx.foo;
// foo2_test(a) = a;
// notatest = 1;
//   bar_test =
//     1 + 2;
// \`\`\`
foo = _;

// #### Test
//
// \`\`\`
// baz_test = 3 == 3;
// \`\`\`
`;

describe("test block extraction", () => {
  it("finds fenced blocks after '#### Test' and strips the comment markers", () => {
    const blocks = testBlocks(sample);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]!.line).toBe(8);
    expect(blocks[0]!.lines[0]).toBe('xx = library("xx.lib");');
    expect(blocks[0]!.lines).toContain("    1 + 2;");
    expect(testNames(blocks[0]!)).toEqual(["foo_test", "foo2_test", "bar_test"]);
    expect(testNames(blocks[1]!)).toEqual(["baz_test"]); // `==` is not a definition
  });

  it("does not take a Usage block or code outside comments", () => {
    const all = testBlocks(sample).flatMap((b) => b.lines);
    expect(all).not.toContain("_ : foo : _");
    expect(all).not.toContain("foo = _;");
  });
});

describe("the standard library's test suite", () => {
  const tests = extractLibraryTests();

  it("yields one program per NAME_test definition in the 53 libraries", () => {
    const files = stdlibFiles();
    expect(files).toHaveLength(53);
    // An independent count: every comment line that defines NAME_test under a
    // `#### Test` heading (the libraries also show NAME_test in prose examples
    // under other headings; those are not tests).
    let defs = 0;
    let outside = 0;
    for (const f of files) {
      let heading = "";
      for (const l of fs.readFileSync(f, "utf8").split("\n")) {
        if (!/^\s*\/\//.test(l)) heading = "";
        const h = /^\s*\/\/\s*####\s*(.*?)\s*$/.exec(l);
        if (h) heading = h[1]!;
        if (/^\s*\/\/\s*[A-Za-z_]\w*_test\s*(\([^=]*\))?\s*=(?!=)/.test(l)) {
          if (heading === "Test") defs++;
          else outside++;
        }
      }
    }
    expect(tests.length).toBe(defs);
    expect(outside).toBeLessThan(10);
    expect(tests.length).toBeGreaterThan(1100);
  });

  it("makes each program runnable: the block's lines, then process = NAME_test", () => {
    const ids = new Set<string>();
    for (const t of tests) {
      expect(ids.has(t.id)).toBe(false);
      ids.add(t.id);
      expect(t.source.endsWith(`\nprocess = ${t.name};\n`)).toBe(true);
      expect(t.source).toMatch(new RegExp(`(^|\\n)\\s*${t.name}\\s*(\\([^=]*\\))?\\s*=`));
      expect(t.id.startsWith(`${path.basename(t.library, ".lib")}/${t.name}`)).toBe(true);
    }
  });

  it("keeps known tests intact", () => {
    const lowpass = tests.find((t) => t.id === "filters/lowpass_test");
    expect(lowpass?.source).toBe(
      'fi = library("filters.lib");\nos = library("oscillators.lib");\nsrc = os.osc(440);\nlowpass_test = src : fi.lowpass(4, 2000);\nprocess = lowpass_test;\n',
    );
  });
});
