// The parsed standard library, kept on disk: the command line starts without
// lexing and parsing the library files it imports. An entry is the parsed
// form (src/chain/frontend/parsed-form.ts) of one file, named by the hash of
// the file's text and of the parser's identity (its version and the sources
// of the lexer, parser, box IR and encoding), so an edited library file or
// parser never meets a stale entry. Entries are written atomically; an entry
// that cannot be read or decoded is parsed again and rewritten. Only files of
// the standard library folder are cached (a user's own files change too often
// to be worth it). FAUSTLAB_PARSE_CACHE=0 turns the cache off.

import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { SourceFile } from "../core/diagnostics.ts";
import { writeFileAtomic } from "../core/fsutil.ts";
import { projectPath } from "../core/paths.ts";
import type { FileParser } from "../chain/frontend/imports.ts";
import { parseSource, type ParsedFile } from "../chain/frontend/parser.ts";
import { decodeParsed, parseAndEncode, PARSED_FORM_VERSION } from "../chain/frontend/parsed-form.ts";
import { cacheRoots, stdlibDir } from "./stdlib.ts";

// Set by the build (scripts/build.mjs) to the hash of the parser's sources; from the sources it is computed.
declare const __FAUSTLAB_PARSER_KEY__: string | undefined;

/** The files whose code decides the parsed form. */
export const PARSER_SOURCES = ["src/chain/frontend/lexer.ts", "src/chain/frontend/parser.ts", "src/core/boxes/box.ts", "src/chain/frontend/parsed-form.ts"];

let parserKeyMemo: string | undefined;

/** The parser's identity: the encoding's version and a hash of the parser's sources. */
export function parserKey(): string {
  if (parserKeyMemo) return parserKeyMemo;
  if (typeof __FAUSTLAB_PARSER_KEY__ === "string") return (parserKeyMemo = __FAUSTLAB_PARSER_KEY__);
  const h = crypto.createHash("sha256").update(`v${PARSED_FORM_VERSION}\0`);
  for (const f of PARSER_SOURCES) h.update(fs.readFileSync(projectPath(f))).update("\0");
  return (parserKeyMemo = h.digest("hex").slice(0, 16));
}

function entryName(text: string): string {
  return crypto.createHash("sha256").update(parserKey()).update("\0").update(text).digest("hex").slice(0, 32) + ".json";
}

function folders(): string[] {
  return cacheRoots().map((r) => path.join(r, `parsed-${parserKey()}`));
}

/** Parses a file through the disk cache (whatever its folder). */
export function parseCached(file: SourceFile): ParsedFile {
  const name = entryName(file.text);
  const dirs = folders();
  for (const d of dirs) {
    let data: string;
    try {
      data = fs.readFileSync(path.join(d, name), "utf8");
    } catch {
      continue;
    }
    const p = decodeParsed(data, file);
    if (p) return p;
  }
  const { parsed, encoded } = parseAndEncode(file);
  if (encoded !== undefined)
    for (const d of dirs) {
      try {
        writeFileAtomic(path.join(d, name), encoded);
        break;
      } catch {
        /* not writable: try the next folder; without one the file is just parsed each time */
      }
    }
  return parsed;
}

let stdlibParserMemo: FileParser | undefined;

/** The driver's file parser: standard library files through the disk cache, others parsed. */
export function stdlibParser(): FileParser {
  if (stdlibParserMemo) return stdlibParserMemo;
  if (process.env.FAUSTLAB_PARSE_CACHE === "0") return (stdlibParserMemo = (file) => parseSource(file));
  const lib = path.resolve(stdlibDir()) + path.sep;
  return (stdlibParserMemo = (file, absPath) => (absPath.startsWith(lib) ? parseCached(file) : parseSource(file)));
}
