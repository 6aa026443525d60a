// Front-end speed: lexing and parsing all 53 standard library files (about
// 62,000 lines) in one process, best of N runs, in lines/s and MB/s; plus the
// lexer alone. Boxes are hash-consed, so runs after the first mostly find
// their nodes already interned: the first (cold) run is reported too.

import fs from "node:fs";
import { SourceFile } from "../src/core/diagnostics.ts";
import { lex } from "../src/chain/frontend/lexer.ts";
import { parseSource } from "../src/chain/frontend/parser.ts";
import { stdlibFiles } from "../src/driver/stdlib.ts";
import type { BenchResult } from "./types.ts";

const RUNS = 7;

export async function run(): Promise<BenchResult[]> {
  const texts = stdlibFiles().map((f) => ({ path: f, text: fs.readFileSync(f, "utf8") }));
  let lines = 0;
  let bytes = 0;
  for (const t of texts) {
    bytes += Buffer.byteLength(t.text, "utf8");
    for (let i = 0; i < t.text.length; i++) if (t.text.charCodeAt(i) === 10) lines++;
  }
  const timeParse = () => {
    const t0 = performance.now();
    let diagnostics = 0;
    for (const t of texts) diagnostics += parseSource(new SourceFile(t.path, t.text)).diagnostics.length;
    if (diagnostics) throw new Error(`the standard library gave ${diagnostics} diagnostics`);
    return performance.now() - t0;
  };
  const timeLex = () => {
    const t0 = performance.now();
    for (const t of texts) lex(new SourceFile(t.path, t.text));
    return performance.now() - t0;
  };
  const cold = timeParse();
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) best = Math.min(best, timeParse());
  let bestLex = Infinity;
  for (let i = 0; i < RUNS; i++) bestLex = Math.min(bestLex, timeLex());
  const note = `${texts.length} files, ${lines} lines, ${(bytes / 1e6).toFixed(2)} MB; best of ${RUNS}`;
  return [
    { name: "parse stdlib (lex+parse+boxes)", value: lines / (best / 1000), unit: "lines/s", note },
    { name: "parse stdlib (lex+parse+boxes)", value: bytes / 1e6 / (best / 1000), unit: "MB/s", note },
    { name: "parse stdlib (lex+parse+boxes)", value: best, unit: "ms", note },
    { name: "parse stdlib, first run (cold hash-cons table)", value: cold, unit: "ms", note: `${texts.length} files, ${lines} lines` },
    { name: "lex stdlib", value: bytes / 1e6 / (bestLex / 1000), unit: "MB/s", note },
  ];
}
