// The library test suite: every `NAME_test = …` definition inside the
// `// #### Test` blocks of the Faust standard libraries, made runnable as the
// block's lines followed by `process = NAME_test;`.
//
// Nothing here is committed: the programs are generated from the libraries
// that @grame/faustwasm ships, in memory at test time or into
// corpus/library-tests/ (ignored by git) with `faustlab libtests -o DIR`.

import fs from "node:fs";
import path from "node:path";
import { stdlibFiles } from "./stdlib.ts";

export interface LibraryTest {
  /** Unique id, `LIB/NAME_test` (e.g. `filters/lowpass_test`). */
  readonly id: string;
  /** The library file the block comes from (e.g. `filters.lib`). */
  readonly library: string;
  /** The test definition's name (`lowpass_test`). */
  readonly name: string;
  /** 1-based line of the `#### Test` heading in the library. */
  readonly line: number;
  /** The runnable program. */
  readonly source: string;
}

export interface TestBlock {
  readonly line: number; // 1-based line of the heading
  readonly lines: readonly string[]; // code lines, comment markers removed
}

/** Finds the `#### Test` blocks of a library text and returns their code lines. */
export function testBlocks(text: string): TestBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: TestBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\/\/\s*#### Test\s*$/.test(lines[i]!)) continue;
    const heading = i;
    let j = i + 1;
    // The code fence may be preceded by empty comment lines.
    while (j < lines.length && /^\s*\/\/\s*$/.test(lines[j]!)) j++;
    if (j >= lines.length || !/^\s*\/\/\s*```/.test(lines[j]!)) continue;
    const code: string[] = [];
    for (j = j + 1; j < lines.length; j++) {
      const l = lines[j]!;
      if (/^\s*\/\/\s*```/.test(l)) break;
      const m = /^\s*\/\/ ?(.*)$/.exec(l);
      if (!m) break; // the comment block ended without a closing fence
      code.push(m[1]!);
    }
    blocks.push({ line: heading + 1, lines: code });
    i = j;
  }
  return blocks;
}

/** Names of the `NAME_test` definitions at the start of a line in a block. */
export function testNames(block: TestBlock): string[] {
  const names: string[] = [];
  for (const l of block.lines) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*_test)\s*(\([^=]*\))?\s*=(?!=)/.exec(l);
    if (m && !names.includes(m[1]!)) names.push(m[1]!);
  }
  return names;
}

/** Extracts every library test from the given library files (default: the standard library). */
export function extractLibraryTests(files: readonly string[] = stdlibFiles()): LibraryTest[] {
  const out: LibraryTest[] = [];
  const seen = new Map<string, number>();
  for (const file of files) {
    const library = path.basename(file);
    const text = fs.readFileSync(file, "utf8");
    for (const block of testBlocks(text)) {
      for (const name of testNames(block)) {
        let id = `${library.replace(/\.lib$/, "")}/${name}`;
        const k = seen.get(id) ?? 0;
        seen.set(id, k + 1);
        if (k > 0) id = `${id}~${k + 1}`;
        const source = `${block.lines.join("\n")}\nprocess = ${name};\n`;
        out.push({ id, library, name, line: block.line, source });
      }
    }
  }
  return out;
}

/** Writes the tests as DIR/LIB/NAME_test.dsp; returns the paths written. */
export function writeLibraryTests(dir: string, tests: readonly LibraryTest[] = extractLibraryTests()): string[] {
  const written: string[] = [];
  for (const t of tests) {
    const p = path.join(dir, `${t.id.replace("~", "_")}.dsp`);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    const tmp = `${p}.tmp`;
    fs.writeFileSync(tmp, `// generated from ${t.library}:${t.line} by faustlab libtests\n${t.source}`);
    fs.renameSync(tmp, p);
    written.push(p);
  }
  return written;
}
