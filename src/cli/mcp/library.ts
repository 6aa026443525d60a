// The standard libraries' documentation as data, for the MCP `library` tool:
// each `//----`(prefix.)name`----` comment block of a .lib file becomes a
// symbol with its description, its `#### Usage` lines, the `Where:`
// parameter list, its `#### Test` program (runnable, as src/driver/libtests.ts
// makes them) and the signature of the definition that follows the block.
//
//   libraryIndex(files) → LibrarySymbol[]      parse (no cache: a request builds its own)
//   listModule / getSymbol / searchSymbols      the three queries of the tool

import fs from "node:fs";
import path from "node:path";
import { stdlibDir, stdlibFiles } from "../../driver/stdlib.ts";
import { testBlocks, testNames } from "../../driver/libtests.ts";

export interface LibrarySymbol {
  /** `fi.lowpass` (the official prefix), or the bare name when the library has none. */
  readonly qualified: string;
  readonly name: string;
  readonly prefix: string | undefined;
  readonly library: string;
  /** 1-based line of the doc block's heading. */
  readonly line: number;
  /** The definition's left-hand side (`lowpass(N,fc)`), when a definition follows the block. */
  readonly signature: string | undefined;
  readonly description: string;
  readonly usage: readonly string[];
  readonly parameters: readonly { readonly name: string; readonly description: string }[];
  /** A runnable test program (the block's lines and `process = NAME_test;`), if the block has one. */
  readonly test: string | undefined;
}

/** Library file → its official prefix, from stdfaust.lib's `xx = library("yy.lib");` lines. */
export function prefixes(dir: string = stdlibDir()): Map<string, string> {
  const out = new Map<string, string>();
  let text = "";
  try {
    text = fs.readFileSync(path.join(dir, "stdfaust.lib"), "utf8");
  } catch {
    return out;
  }
  for (const m of text.matchAll(/^\s*([A-Za-z_]\w*)\s*=\s*library\("([^"]+)"\)\s*;/gm)) if (!out.has(m[2]!)) out.set(m[2]!, m[1]!);
  return out;
}

const HEADING = /^\/\/-{3,}\s*`\(?(?:([A-Za-z_]\w*)\.)?\)?([A-Za-z_][\w']*)`\s*-*\s*$/;
const RULE = /^\/\/\s*-{3,}\s*$/;
const SECTION = /^#{2,}\s*(\w[\w ]*?)\s*$/;

/** Parses the documented symbols of one library text. */
export function parseLibraryDocs(text: string, library: string, prefix: string | undefined): LibrarySymbol[] {
  const lines = text.split(/\r?\n/);
  const out: LibrarySymbol[] = [];
  for (let i = 0; i < lines.length; i++) {
    const h = HEADING.exec(lines[i]!.trim());
    if (!h) continue;
    const name = h[2]!;
    const docPrefix = h[1] ?? prefix;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!.trim();
      if (RULE.test(l) || HEADING.test(l) || !l.startsWith("//")) break;
      body.push(l.replace(/^\/\/ ?/, ""));
    }
    // the definition's signature: the first `name…=` line after the block
    let signature: string | undefined;
    for (let k = j; k < Math.min(lines.length, j + 40); k++) {
      const m = new RegExp(`^\\s*(${name.replace(/'/g, "\\'")}\\s*(\\([^=]*\\))?)\\s*=(?!=)`).exec(lines[k]!);
      if (m) {
        signature = m[1]!.replace(/\s+/g, "");
        break;
      }
      if (HEADING.test(lines[k]!.trim())) break;
    }
    const sections = splitSections(body);
    const blocks = testBlocks(lines.slice(i, j).join("\n"));
    const block = blocks[0];
    const tname = block ? testNames(block)[0] : undefined;
    out.push({
      qualified: docPrefix ? `${docPrefix}.${name}` : name,
      name,
      prefix: docPrefix,
      library,
      line: i + 1,
      signature,
      description: sections.description.join("\n").trim(),
      usage: codeLines(sections.usage),
      parameters: parameterList(sections.usage),
      test: block && tname ? `${block.lines.join("\n")}\nprocess = ${tname};\n` : undefined,
    });
    i = j - 1;
  }
  return out;
}

function splitSections(body: readonly string[]): { description: string[]; usage: string[] } {
  const description: string[] = [];
  const usage: string[] = [];
  let where: "description" | "usage" | "other" = "description";
  for (const l of body) {
    const s = SECTION.exec(l.trim());
    if (s) {
      where = /^usage$/i.test(s[1]!.trim()) ? "usage" : "other";
      continue;
    }
    if (where === "description") description.push(l);
    else if (where === "usage") usage.push(l);
  }
  return { description, usage };
}

/** The lines inside the first ``` fence (or the indented lines) of a usage section. */
function codeLines(usage: readonly string[]): string[] {
  const out: string[] = [];
  let inside = false;
  for (const l of usage) {
    if (/^\s*```/.test(l)) {
      if (inside) break;
      inside = true;
      continue;
    }
    if (inside && l.trim()) out.push(l.trim());
  }
  return out;
}

/** `* `N`: filter order` lines of the `Where:` list. */
function parameterList(usage: readonly string[]): { name: string; description: string }[] {
  const out: { name: string; description: string }[] = [];
  for (const l of usage) {
    const m = /^\s*[*-]\s*`([^`]+)`\s*:?\s*(.*)$/.exec(l);
    if (m) out.push({ name: m[1]!, description: m[2]!.trim() });
  }
  return out;
}

/** Every documented symbol of the given libraries (default: the standard library). */
export function libraryIndex(files: readonly string[] = stdlibFiles()): LibrarySymbol[] {
  const pre = prefixes(files.length ? path.dirname(files[0]!) : undefined);
  const out: LibrarySymbol[] = [];
  for (const f of files) {
    const lib = path.basename(f);
    out.push(...parseLibraryDocs(fs.readFileSync(f, "utf8"), lib, pre.get(lib)));
  }
  return out;
}

/** A module named by its prefix (`fi`) or its file (`filters`, `filters.lib`). */
export function moduleFile(index: readonly LibrarySymbol[], module: string): string | undefined {
  const m = module.trim();
  const byFile = index.find((s) => s.library === m || s.library === `${m}.lib`);
  if (byFile) return byFile.library;
  return index.find((s) => s.prefix === m)?.library;
}

export function listModule(index: readonly LibrarySymbol[], module: string): LibrarySymbol[] | undefined {
  const lib = moduleFile(index, module);
  return lib ? index.filter((s) => s.library === lib) : undefined;
}

/** `fi.lowpass`, `filters.lib:lowpass` or a bare `lowpass` (first match in library order). */
export function getSymbol(index: readonly LibrarySymbol[], name: string): LibrarySymbol | undefined {
  const n = name.trim();
  const exact = index.find((s) => s.qualified === n);
  if (exact) return exact;
  const m = /^([\w.]+?)(?:\.lib)?[:.]([A-Za-z_][\w']*)$/.exec(n);
  if (m) {
    const lib = moduleFile(index, m[1]!);
    const hit = lib && index.find((s) => s.library === lib && s.name === m[2]);
    if (hit) return hit;
  }
  return index.find((s) => s.name === n);
}

/** Symbols ranked by how well their name, description and usage match the words of `query`. */
export function searchSymbols(index: readonly LibrarySymbol[], query: string, limit = 20): { symbol: LibrarySymbol; score: number }[] {
  const words = query.toLowerCase().split(/[^a-z0-9_]+/).filter((w) => w.length > 1);
  if (!words.length) return [];
  const scored: { symbol: LibrarySymbol; score: number }[] = [];
  for (const s of index) {
    const name = s.qualified.toLowerCase();
    const text = `${s.description} ${s.usage.join(" ")}`.toLowerCase();
    let score = 0;
    for (const w of words) {
      if (s.name.toLowerCase() === w) score += 10;
      else if (name.includes(w)) score += 5;
      const hits = text.split(w).length - 1;
      score += Math.min(hits, 5);
    }
    if (score > 0) scored.push({ symbol: s, score });
  }
  scored.sort((a, b) => b.score - a.score || (a.symbol.qualified < b.symbol.qualified ? -1 : 1));
  return scored.slice(0, limit);
}
