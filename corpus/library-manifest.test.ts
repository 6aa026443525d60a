// The library manifest records what the reference says of every library test
// program. The extraction must yield exactly the programs it lists, and a
// spread sample of them must still get the same verdict from the reference
// (`npm run conformance` re-checks all of them).

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { extractLibraryTests } from "../src/driver/libtests.ts";
import { compileReference, referenceVersion } from "../src/harness/oracle.ts";
import { faustwasmVersion } from "../src/driver/stdlib.ts";
import { errorSummary, type LibraryManifest } from "./make-library-manifest.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(fs.readFileSync(path.join(here, "library-manifest.json"), "utf8")) as LibraryManifest;
const tests = extractLibraryTests();

describe("library manifest", () => {
  it("was made by the pinned reference", async () => {
    expect(manifest.faust).toBe(await referenceVersion());
    expect(manifest.faustwasm).toBe(faustwasmVersion());
  });

  it("lists exactly the extracted programs, in order", () => {
    expect(manifest.tests.map((t) => t.id)).toEqual(tests.map((t) => t.id));
    expect(manifest.count).toBe(tests.length);
    expect(manifest.accepted).toBe(manifest.tests.filter((t) => t.accepted).length);
    // About 1,150 programs, about 1,090 accepted.
    expect(manifest.count).toBeGreaterThan(1100);
    expect(manifest.accepted).toBeGreaterThan(1050);
  });

  // Every 23rd program, skipping the one libfaust needs 30 s to give up on.
  const sample = manifest.tests.filter((t, i) => i % 23 === 0 && t.error !== "unknown compilation error");
  it.each(sample.map((t) => [t.id, t] as const))("the reference agrees on %s", async (_id, entry) => {
    const program = tests.find((t) => t.id === entry.id)!;
    try {
      const c = await compileReference(program.source, program.id);
      expect({ accepted: true, inputs: c.meta.inputs, outputs: c.meta.outputs }).toEqual({
        accepted: entry.accepted,
        inputs: entry.inputs,
        outputs: entry.outputs,
      });
    } catch (e) {
      expect(entry.accepted).toBe(false);
      expect(errorSummary((e as Error).message)).toBe(entry.error);
    }
  });
});
