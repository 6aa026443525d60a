// Mutation fuzzing with a fixed seed: mutated library sources give
// diagnostics only (no exception, no crash), each parse well under a second,
// and whatever is recovered prints back to itself. Longer runs:
// `npm run fuzz -- COUNT SEED`.

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { extractLibraryTests } from "../driver/libtests.ts";
import { stdlibFiles } from "../driver/stdlib.ts";
import { fuzz, mutate, prng } from "./fuzz.ts";

describe("front-end fuzzing", () => {
  it("mutations are deterministic for a seed", () => {
    const a = mutate("process = 1 + 2 : _;", prng(5), 3);
    const b = mutate("process = 1 + 2 : _;", prng(5), 3);
    expect(a).toEqual(b);
  });

  it("mutated library files give only diagnostics", () => {
    const sources = stdlibFiles().map((f) => ({ name: path.basename(f), text: fs.readFileSync(f, "utf8") }));
    const failures = fuzz(sources, { seed: 1234, count: 800, maxMs: 1000 });
    expect(failures.map((f) => `${f.name}: ${f.problem}`)).toEqual([]);
  });

  it("mutated library test programs give only diagnostics", () => {
    const sources = extractLibraryTests().map((t) => ({ name: t.id, text: t.source }));
    const failures = fuzz(sources, { seed: 99, count: 6000, maxMs: 1000, mutations: 3 });
    expect(failures.map((f) => `${f.name}: ${f.problem}`)).toEqual([]);
  });
});
