// faustlab's own conformance corpus: the programs under corpus/programs/, and
// what the reference compiler says about each one (corpus/manifest.json).
// Shared by corpus/make-manifest.ts (which writes the manifest) and
// corpus/manifest.test.ts (which checks it still agrees with the reference).

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileReference, OracleError } from "../src/harness/oracle.ts";

/** The corpus folder (where manifest.json lives); manifest paths are relative to it. */
export const corpusDir = path.dirname(fileURLToPath(import.meta.url));
export const programsDir = path.join(corpusDir, "programs");
export const manifestFile = path.join(corpusDir, "manifest.json");

export type ManifestEntry =
  | { readonly path: string; readonly accepted: true; readonly inputs: number; readonly outputs: number }
  | { readonly path: string; readonly accepted: false; readonly error: string };

/**
 * Why each program of errors/ is rejected: a distinctive substring of the
 * reference's message (never the file name or the line, which vary). Every
 * rejected program must appear here, and only rejected programs may; the
 * generator fails otherwise, so a program rejected for an unintended reason
 * cannot slip into the manifest.
 */
export const expectedErrors: Readonly<Record<string, string>> = {
  "programs/errors/bad_ui_range.dsp": "not a constant expression of type",
  "programs/errors/endless_definition.dsp": "endless evaluation cycle",
  "programs/errors/lexer_error.dsp": "syntax error, unexpected EXTRA",
  "programs/errors/merge_arity.dsp": "merge composition A:>B | The number of outputs [3] of A must be a multiple of the number of inputs [2] of B",
  "programs/errors/missing_import.dsp": "unable to open file nosuchlibrary.lib",
  "programs/errors/negative_delay.dsp": "possible negative values of : -1",
  "programs/errors/no_outputs.dsp": "the Faust program has no output signal",
  "programs/errors/no_process.dsp": "undefined symbol : process",
  "programs/errors/pattern_args.dsp": "too much arguments",
  "programs/errors/rec_arity.dsp": "recursive composition A~B | The number of outputs [1] of A must be at least the number of inputs [3] of B",
  "programs/errors/route_nonconstant.dsp": "invalid route expression, parameters should be numbers",
  "programs/errors/seq_arity.dsp": "sequential composition A:B | The number of outputs [2] of A must be equal to the number of inputs [3] of B",
  "programs/errors/split_arity.dsp": "split composition A<:B | The number of outputs [2] of A must be a divisor of the number of inputs [3] of B",
  "programs/errors/syntax_error.dsp": "syntax error, unexpected ENDDEF",
  "programs/errors/table_size.dsp": "the parameter must be an integer constant numerical expression",
  "programs/errors/undefined_symbol.dsp": "undefined symbol : foo",
  "programs/errors/waveform_syntax.dsp": "syntax error, unexpected WIRE",
};

/** Every .dsp file under corpus/programs, as sorted corpus-relative paths with '/' separators. */
export function listPrograms(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith(".dsp")) out.push(path.relative(corpusDir, p).split(path.sep).join("/"));
    }
  };
  walk(programsDir);
  return out.sort();
}

/** The group of a program: the folder right under programs/. */
export function groupOf(rel: string): string {
  return rel.split("/")[1] ?? "";
}

/** Reference messages flatten newlines as the manifest stores them: one line. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, " | ").trim();
}

/**
 * Compiles one program with the reference (single precision, its own folder
 * searched first, its corpus-relative path as the name) and describes the
 * outcome as a manifest entry; for a rejected program `error` is the whole
 * message on one line (the caller reduces it to the expected substring).
 */
export async function describeProgram(rel: string): Promise<ManifestEntry> {
  const file = path.join(corpusDir, rel);
  const source = fs.readFileSync(file, "utf8");
  try {
    const c = await compileReference(source, rel, { sourceDir: path.dirname(file) });
    return { path: rel, accepted: true, inputs: c.meta.inputs, outputs: c.meta.outputs };
  } catch (e) {
    if (!(e instanceof OracleError)) throw e;
    return { path: rel, accepted: false, error: oneLine(e.message) };
  }
}

/** The manifest text: a JSON array, one entry per line, sorted by path, ending with a newline. */
export function formatManifest(entries: readonly ManifestEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return "[\n" + sorted.map((e) => "  " + JSON.stringify(e)).join(",\n") + "\n]\n";
}

export function readManifest(): ManifestEntry[] {
  return JSON.parse(fs.readFileSync(manifestFile, "utf8")) as ManifestEntry[];
}
