// The results folder: DIR/results.jsonl, one record a line, appended as runs
// finish. A rerun reads it first and skips every key it holds, so a batch
// killed halfway completes on rerun with the same records and no duplicate
// keys; a line cut short by the kill is dropped (and the file repaired) before
// anything is appended. DIR/experiment.json records the spec and the plan.
//
//   openStore(dir) → { records, append(record) }
//   readResults(dir) → RunRecord[]          sorted by key, each key once
//   mergeResults(out, dirs) → count         union by key, written atomically
//   toCsv(records) → text                   one row per record, flat columns

import fs from "node:fs";
import path from "node:path";
import { DiagnosticError, diag } from "../../core/diagnostics.ts";
import { writeFileAtomic } from "../../core/fsutil.ts";
import { decodeRecord, encodeRecord, type RunRecord } from "./record.ts";

export const RESULTS = "results.jsonl";
export const PLAN = "experiment.json";

/** Reads the records of a results file; unparseable lines (a write cut short) are skipped; the last record of a key wins. */
function readFile(file: string): { records: Map<string, RunRecord>; validBytes: number; size: number } {
  const records = new Map<string, RunRecord>();
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { records, validBytes: 0, size: 0 };
    throw e;
  }
  let validBytes = 0;
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf("\n", pos);
    if (nl < 0) break; // an unterminated last line: cut short
    const line = text.slice(pos, nl);
    pos = nl + 1;
    if (!line.trim()) {
      validBytes = Buffer.byteLength(text.slice(0, pos));
      continue;
    }
    try {
      const r = decodeRecord(line);
      if (typeof r.key === "string") records.set(r.key, r);
      validBytes = Buffer.byteLength(text.slice(0, pos));
    } catch {
      /* a damaged line: skipped, kept in the file up to here */
      validBytes = Buffer.byteLength(text.slice(0, pos));
    }
  }
  return { records, validBytes, size: Buffer.byteLength(text) };
}

export interface Store {
  readonly dir: string;
  readonly records: Map<string, RunRecord>;
  append(r: RunRecord): void;
  close(): void;
}

export function openStore(dir: string): Store {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new DiagnosticError([diag("FL034", { dir, detail: `cannot create it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` })]);
  }
  const file = path.join(dir, RESULTS);
  const { records, validBytes, size } = readFile(file);
  // drop a line cut short by a kill, so the next record starts on a line of its own
  if (size > validBytes) fs.truncateSync(file, validBytes);
  const fd = fs.openSync(file, "a");
  return {
    dir,
    records,
    append(r) {
      records.set(r.key, r);
      // one write of the whole line: a kill leaves at most this line cut short
      fs.writeSync(fd, encodeRecord(r) + "\n");
      fs.fsyncSync(fd);
    },
    close: () => fs.closeSync(fd),
  };
}

/** The records of a results folder (or of a results.jsonl file), by key order. */
export function readResults(dirOrFile: string): RunRecord[] {
  const file = dirOrFile.endsWith(".jsonl") ? dirOrFile : path.join(dirOrFile, RESULTS);
  if (!fs.existsSync(file)) throw new DiagnosticError([diag("FL034", { dir: dirOrFile, detail: `no ${RESULTS} in it (run 'faustlab experiment SPEC -o DIR' first)` })]);
  return [...readFile(file).records.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Joins the records of several results folders (shards) into OUT/results.jsonl; copies the first plan found. */
export function mergeResults(out: string, dirs: readonly string[]): number {
  const all = new Map<string, RunRecord>();
  for (const d of dirs) for (const r of readResults(d)) if (!all.has(r.key) || all.get(r.key)!.status === "failed") all.set(r.key, r);
  const sorted = [...all.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  writeFileAtomic(path.join(out, RESULTS), sorted.map((r) => encodeRecord(r) + "\n").join(""));
  for (const d of dirs) {
    const plan = path.join(d, PLAN);
    if (fs.existsSync(plan)) {
      const p = JSON.parse(fs.readFileSync(plan, "utf8")) as Record<string, unknown>;
      writeFileAtomic(path.join(out, PLAN), JSON.stringify({ ...p, shard: undefined, mergedFrom: dirs.map((x) => path.resolve(x)) }, null, 2) + "\n");
      break;
    }
  }
  return sorted.length;
}

const CSV_COLUMNS: readonly [string, (r: RunRecord) => unknown][] = [
  ["key", (r) => r.key],
  ["program", (r) => r.program],
  ["pipeline", (r) => r.pipelineName],
  ["pipeline_text", (r) => r.pipeline],
  ["precision", (r) => r.precision],
  ["backend", (r) => r.backend],
  ["stimulus", (r) => r.stimulus],
  ["length", (r) => r.length],
  ["sample_rate", (r) => r.sampleRate],
  ["status", (r) => r.status],
  ["failed_at", (r) => r.failedAt],
  ["diagnostic", (r) => (r.status === "failed" ? r.diagnostics[0] && `${r.diagnostics[0].code}: ${r.diagnostics[0].message}` : undefined)],
  ["inputs", (r) => r.inputs],
  ["outputs", (r) => r.outputs],
  ["nodes_before", (r) => r.nodes?.before],
  ["nodes_after", (r) => r.nodes?.after],
  ["recursions_before", (r) => r.recursions?.before],
  ["recursions_after", (r) => r.recursions?.after],
  ["snr_db", (r) => r.exact?.snr],
  ["max_abs_error", (r) => r.exact?.maxAbsError],
  ["stable", (r) => r.exact?.stable],
  ["snr_vs_faust_db", (r) => r.faust?.vsFaust?.snr],
  ["faust_snr_db", (r) => r.faust?.faustVsExact?.snr],
  ["throughput_msps", (r) => r.timing.throughput],
  ["faust_throughput_msps", (r) => r.timing.faustThroughput],
  ["code_bytes", (r) => r.codeSize],
  ["ms_read", (r) => r.timing.stages.read],
  ["ms_passes", (r) => r.timing.stages.passes],
  ["ms_codegen", (r) => r.timing.stages.codegen],
  ["ms_backend", (r) => r.timing.stages.backend],
  ["ms_render", (r) => r.timing.stages.render],
  ["ms_total", (r) => r.timing.total],
];

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : v === Infinity ? "Inf" : v === -Infinity ? "-Inf" : String(v);
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV for pandas / R: a header row, then one row per record (Inf, -Inf, NaN as both read them). */
export function toCsv(records: readonly RunRecord[]): string {
  const lines = [CSV_COLUMNS.map(([h]) => h).join(",")];
  for (const r of records) lines.push(CSV_COLUMNS.map(([, f]) => csvCell(f(r))).join(","));
  return lines.join("\n") + "\n";
}
