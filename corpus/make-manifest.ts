// Regenerates corpus/manifest.json from the programs under corpus/programs/:
// for each, whether the reference compiler accepts it, with its inputs and
// outputs, or the expected substring of its error message.
//
//   node bin/run-ts.mjs corpus/make-manifest.ts
//
// It refuses to write the manifest (exit 1) when a program is rejected for a
// reason not recorded in `expectedErrors`, when a recorded error no longer
// occurs, or when an errors/ program is accepted or another group's rejected.

import { writeFileAtomic } from "../src/core/fsutil.ts";
import {
  describeProgram,
  expectedErrors,
  formatManifest,
  groupOf,
  listPrograms,
  manifestFile,
  type ManifestEntry,
} from "./manifest.ts";

export async function makeManifest(): Promise<{ entries: ManifestEntry[]; problems: string[] }> {
  const entries: ManifestEntry[] = [];
  const problems: string[] = [];
  const programs = listPrograms();
  for (const rel of programs) {
    const d = await describeProgram(rel);
    const expected = expectedErrors[rel];
    const inErrors = groupOf(rel) === "errors";
    if (d.accepted) {
      if (expected !== undefined || inErrors) problems.push(`${rel}: accepted, but it should be rejected (${expected ?? "errors/ group"})`);
      entries.push(d);
    } else {
      if (!inErrors) problems.push(`${rel}: rejected outside errors/: ${d.error}`);
      if (expected === undefined) problems.push(`${rel}: rejected, no expected error recorded; the message is: ${d.error}`);
      else if (!d.error.includes(expected)) problems.push(`${rel}: the message does not contain '${expected}': ${d.error}`);
      entries.push({ path: rel, accepted: false, error: expected ?? d.error });
    }
  }
  for (const rel of Object.keys(expectedErrors)) if (!programs.includes(rel)) problems.push(`${rel}: listed in expectedErrors but missing`);
  return { entries, problems };
}

const { entries, problems } = await makeManifest();
if (problems.length) {
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.stderr.write(`manifest not written: ${problems.length} problem(s)\n`);
  process.exit(1);
}
writeFileAtomic(manifestFile, formatManifest(entries));
const accepted = entries.filter((e) => e.accepted).length;
process.stderr.write(`wrote ${manifestFile}: ${entries.length} programs, ${accepted} accepted, ${entries.length - accepted} rejected\n`);
