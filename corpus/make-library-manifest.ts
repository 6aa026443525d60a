// Regenerates corpus/library-manifest.json: for every library test program
// (src/driver/libtests.ts), whether the reference compiler accepts it, and its
// inputs, outputs and UI widgets, or the first line of the reference's error.
//
//   node bin/run-ts.mjs corpus/make-library-manifest.ts
//
// The programs themselves are not committed (they are library code); this
// file records only what the reference says about them.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { extractLibraryTests } from "../src/driver/libtests.ts";
import { compileReference, referenceVersion } from "../src/harness/oracle.ts";
import { writeFileAtomic } from "../src/core/fsutil.ts";
import { faustwasmVersion } from "../src/driver/stdlib.ts";
import { referenceWidgets, type WidgetKey } from "../src/harness/infocompare.ts";

export interface LibraryManifestEntry {
  readonly id: string;
  readonly accepted: boolean;
  readonly inputs?: number;
  readonly outputs?: number;
  /** The widgets of the reference's UI description (accepted programs). */
  readonly widgets?: readonly WidgetKey[];
  readonly error?: string;
}

export interface LibraryManifest {
  readonly faust: string;
  readonly faustwasm: string;
  readonly count: number;
  readonly accepted: number;
  readonly tests: readonly LibraryManifestEntry[];
}

/** The first line of a reference error, with the program name removed so it is stable. */
export function errorSummary(message: string): string {
  const first = message.split("\n").find((l) => l.trim().length > 0) ?? message;
  return first.replace(/^[^:]*:\d+\s*:\s*/, "").trim().slice(0, 200);
}

export async function makeLibraryManifest(log: (s: string) => void = () => {}): Promise<LibraryManifest> {
  const tests = extractLibraryTests();
  const entries: LibraryManifestEntry[] = [];
  for (const t of tests) {
    try {
      const c = await compileReference(t.source, t.id);
      entries.push({ id: t.id, accepted: true, inputs: c.meta.inputs, outputs: c.meta.outputs, widgets: referenceWidgets(c.meta.ui) });
    } catch (e) {
      entries.push({ id: t.id, accepted: false, error: errorSummary((e as Error).message) });
    }
    if (entries.length % 100 === 0) log(`${entries.length}/${tests.length}`);
  }
  return {
    faust: await referenceVersion(),
    faustwasm: faustwasmVersion(),
    count: entries.length,
    accepted: entries.filter((e) => e.accepted).length,
    tests: entries,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const m = await makeLibraryManifest((s) => process.stderr.write(`${s}\n`));
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "library-manifest.json");
  const body = JSON.stringify({ ...m, tests: undefined }, null, 2).replace(/\n}$/, ",\n  \"tests\": [\n") +
    m.tests.map((t) => "    " + JSON.stringify(t)).join(",\n") + "\n  ]\n}\n";
  writeFileAtomic(out, body);
  process.stderr.write(`wrote ${out}: ${m.accepted} of ${m.count} accepted\n`);
}
