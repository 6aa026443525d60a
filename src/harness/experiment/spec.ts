// The experiment spec: a JSON file naming programs, pipelines, precisions,
// backends, stimuli, length, sample rate, control settings and metrics. It is
// validated with a JSON schema (ajv); every error is a diagnostic located at
// the offending value of the spec file (file:line:col and the line).
//
//   readSpec(file) / parseSpec(text, path) → Spec         throws DiagnosticError (FL030)
//   expandPrograms(spec) → ProgramRef[]                   files and globs, corpus:GROUP, lib:PATTERN
//   planRuns(spec, programs) → Run[]                      program × pipeline × schedule × precision × backend × stimulus
//   runKey(run) → 16 hex digits                           content hash of the program + the run's parameters
//   inShard(key, shard) → boolean                         deterministic partition for --shard K/N
//
// Programs that cannot be read (a file that does not exist, a glob that
// matches nothing) are not spec errors: they are planned and become failed
// records, so the batch goes on and the report shows them.

import { STRATEGIES, type Strategy } from "../../core/schedule.ts";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import { globSync } from "tinyglobby";
import { DiagnosticError, SourceFile, diag, type Diagnostic } from "../../core/diagnostics.ts";
import { projectPath } from "../../core/paths.ts";
import { extractLibraryTests } from "../../driver/libtests.ts";
import { LocatedJsonError, parseLocated } from "./json-locate.ts";

export const BACKEND_NAMES = ["js", "interp", "wasm", "c", "cpp"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export const METRIC_NAMES = ["accuracy", "reference", "throughput", "transfer", "response", "codesize", "sensitivity"] as const;
/** The metrics of a spec that names none (sensitivity, a second compilation with fad, only on request). */
export const DEFAULT_METRICS: readonly MetricName[] = METRIC_NAMES.filter((m) => m !== "sensitivity");
export type MetricName = (typeof METRIC_NAMES)[number];

export type StimulusSpec =
  | { readonly kind: "impulse" }
  | { readonly kind: "noise"; readonly seed: number; readonly amplitude: number }
  | { readonly kind: "sweep"; readonly from: number; readonly to: number; readonly amplitude: number }
  | { readonly kind: "wav"; readonly path: string };

export interface Spec {
  readonly name: string;
  /** The spec file's folder: relative program and stimulus paths start there. */
  readonly dir: string;
  readonly programs: readonly string[];
  /** Name → pipeline text ("" is no pass). */
  readonly pipelines: Readonly<Record<string, string>>;
  readonly precisions: readonly ("single" | "double")[];
  readonly backends: readonly BackendName[];
  /** Scheduling strategies of the sample loop (Faust's -ss 0–3), "default" for the graph's own order. */
  readonly schedules: readonly (Strategy | "default")[];
  /** Lockstep bundles (one loop over the lanes of independent recursions of one shape; default true, -no-lockstep). */
  readonly lockstep: boolean;
  readonly stimuli: readonly StimulusSpec[];
  readonly length: number;
  readonly sampleRate: number;
  /** Control path (as `info` prints it, e.g. /lowpass/freq) → value; others stay at their defaults. */
  readonly controls: Readonly<Record<string, number>>;
  readonly metrics: readonly MetricName[];
  /** Seconds one run may take before it is stopped and recorded as failed. */
  readonly timeLimit: number;
  /** Heap limit of a worker in MB; a run that exhausts it is recorded as failed. */
  readonly memoryLimit: number;
  /** Modules of passes the pipelines may name (-load-pass), relative to the spec. */
  readonly loadPasses: readonly string[];
  readonly includeDirs: readonly string[];
}

const stimulusSchema = {
  oneOf: [
    { type: "string", enum: ["impulse", "noise", "sweep"] },
    {
      type: "object",
      required: ["kind"],
      additionalProperties: false,
      properties: {
        kind: { enum: ["impulse", "noise", "sweep", "wav"] },
        seed: { type: "integer", minimum: 0 },
        amplitude: { type: "number", exclusiveMinimum: 0, maximum: 1000 },
        from: { type: "number", exclusiveMinimum: 0 },
        to: { type: "number", exclusiveMinimum: 0 },
        path: { type: "string", minLength: 1 },
      },
      if: { properties: { kind: { const: "wav" } } },
      then: { required: ["kind", "path"] },
    },
  ],
};

/** The spec's JSON schema (draft 2020-12 subset ajv checks). */
export const SPEC_SCHEMA = {
  type: "object",
  required: ["programs"],
  additionalProperties: false,
  properties: {
    $schema: { type: "string" },
    name: { type: "string" },
    description: { type: "string" },
    programs: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
    pipelines: { type: "object", minProperties: 1, propertyNames: { pattern: "^[A-Za-z0-9_.+-]+$" }, additionalProperties: { type: "string" } },
    precisions: { type: "array", minItems: 1, uniqueItems: true, items: { enum: ["single", "double"] } },
    backends: { type: "array", minItems: 1, uniqueItems: true, items: { enum: [...BACKEND_NAMES] } },
    schedules: { type: "array", minItems: 1, uniqueItems: true, items: { enum: ["default", ...STRATEGIES] } },
    lockstep: { type: "boolean" },
    stimuli: { type: "array", minItems: 1, items: stimulusSchema },
    length: { type: "integer", minimum: 1, maximum: 10000000 },
    sampleRate: { type: "integer", minimum: 1, maximum: 1000000 },
    controls: { type: "object", additionalProperties: { type: "number" } },
    metrics: { type: "array", uniqueItems: true, items: { enum: [...METRIC_NAMES] } },
    timeLimit: { type: "number", exclusiveMinimum: 0, maximum: 86400 },
    memoryLimit: { type: "integer", minimum: 64, maximum: 65536 },
    loadPasses: { type: "array", items: { type: "string", minLength: 1 } },
    includeDirs: { type: "array", items: { type: "string", minLength: 1 } },
  },
} as const;

let validator: ReturnType<Ajv["compile"]> | undefined;

function specError(file: SourceFile, offset: number, detail: string, end = offset + 1): Diagnostic {
  return diag("FL030", { detail }, { file, start: offset, end: Math.max(end, offset + 1) });
}

/** Parses and validates spec text; relative paths are resolved against `dir` (default: the spec file's folder). */
export function parseSpec(text: string, file: string, dir = path.dirname(path.resolve(file))): Spec {
  const src = new SourceFile(file, text);
  let located;
  try {
    located = parseLocated(text);
  } catch (e) {
    if (e instanceof LocatedJsonError) throw new DiagnosticError([specError(src, e.offset, `bad JSON: ${e.message}`)]);
    throw e;
  }
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(SPEC_SCHEMA);
  if (!validator(located.value)) {
    const seen = new Set<string>();
    const ds: Diagnostic[] = [];
    for (const err of validator.errors ?? []) {
      // oneOf reports each branch's complaint; the branch-level message alone says enough
      if (err.keyword === "if") continue;
      let pointer = err.instancePath;
      let where = located.at(pointer);
      let what = err.message ?? "invalid";
      if (err.keyword === "additionalProperties") {
        const extra = String((err.params as { additionalProperty: string }).additionalProperty);
        pointer = `${pointer}/${extra.replace(/~/g, "~0").replace(/\//g, "~1")}`;
        where = located.keyAt(pointer);
        what = `unknown property '${extra}'`;
      } else if (err.keyword === "enum") what = `must be one of ${((err.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(", ")}`;
      const msg = `${pointer || "the spec"} ${what}`;
      if (seen.has(msg)) continue;
      seen.add(msg);
      ds.push(specError(src, where, msg));
    }
    throw new DiagnosticError(ds.slice(0, 10));
  }
  const v = located.value as Record<string, unknown>;
  const stimuli = ((v.stimuli as unknown[] | undefined) ?? ["impulse"]).map((s): StimulusSpec => {
    const o = (typeof s === "string" ? { kind: s } : s) as Record<string, unknown>;
    switch (o.kind) {
      case "impulse":
        return { kind: "impulse" };
      case "noise":
        return { kind: "noise", seed: (o.seed as number) ?? 1, amplitude: (o.amplitude as number) ?? 0.5 };
      case "sweep":
        return { kind: "sweep", from: (o.from as number) ?? 20, to: (o.to as number) ?? 20000, amplitude: (o.amplitude as number) ?? 0.5 };
      default:
        return { kind: "wav", path: path.resolve(dir, o.path as string) };
    }
  });
  return {
    name: (v.name as string) ?? path.basename(file).replace(/\.json$/, ""),
    dir,
    programs: v.programs as string[],
    pipelines: (v.pipelines as Record<string, string>) ?? { O0: "" },
    precisions: (v.precisions as ("single" | "double")[]) ?? ["single"],
    backends: (v.backends as BackendName[]) ?? ["js"],
    schedules: (v.schedules as (Strategy | "default")[]) ?? ["default"],
    lockstep: (v.lockstep as boolean | undefined) ?? true,
    stimuli,
    length: (v.length as number) ?? 4096,
    sampleRate: (v.sampleRate as number) ?? 44100,
    controls: (v.controls as Record<string, number>) ?? {},
    metrics: (v.metrics as MetricName[]) ?? [...DEFAULT_METRICS],
    timeLimit: (v.timeLimit as number) ?? 60,
    memoryLimit: (v.memoryLimit as number) ?? 2048,
    loadPasses: ((v.loadPasses as string[]) ?? []).map((p) => path.resolve(dir, p)),
    includeDirs: ((v.includeDirs as string[]) ?? []).map((p) => path.resolve(dir, p)),
  };
}

export function readSpec(file: string): Spec {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new DiagnosticError([diag("FL001", { path: file, reason: (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : ((e as NodeJS.ErrnoException).code ?? (e as Error).message) })]);
  }
  return parseSpec(text, file);
}

/** A program of the experiment: where it comes from and its text (undefined: it cannot be read, `problem` says why). */
export interface ProgramRef {
  /** Stable id shown in the report: a path relative to the spec folder, `lib:filters/lowpass_test`, `corpus:lti/tf2.dsp`. */
  readonly id: string;
  /** The path the compiler sees (a real file, or a virtual path for library tests). */
  readonly path: string;
  readonly text?: string;
  /** sha256 of the text (of the id when unreadable). */
  readonly hash: string;
  readonly problem?: Diagnostic;
}

const sha = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

/** Glob pattern (`*`, `**`, `?`) to a RegExp over ids. */
function globRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      re += ".*";
      i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

const isGlob = (p: string) => /[*?[\]{}]/.test(p);

function fileRef(id: string, file: string): ProgramRef {
  try {
    const text = fs.readFileSync(file, "utf8");
    return { id, path: file, text, hash: sha(text) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { id, path: file, hash: sha(`missing:${id}`), problem: diag("FL001", { path: file, reason: code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? (e as Error).message) }) };
  }
}

/** Every program the spec names, in spec order, each once (by id). */
export function expandPrograms(spec: Spec): ProgramRef[] {
  const out: ProgramRef[] = [];
  const ids = new Set<string>();
  const add = (p: ProgramRef) => {
    if (ids.has(p.id)) return;
    ids.add(p.id);
    out.push(p);
  };
  let library: ReturnType<typeof extractLibraryTests> | undefined;
  for (const pattern of spec.programs) {
    const before = out.length;
    if (pattern.startsWith("lib:")) {
      library ??= extractLibraryTests();
      const re = globRegExp(pattern.slice(4));
      for (const t of library) if (re.test(t.id)) add({ id: `lib:${t.id}`, path: `/library-tests/${t.id.replace("~", "_")}.dsp`, text: t.source, hash: sha(t.source) });
    } else if (pattern.startsWith("corpus:")) {
      const root = projectPath("corpus", "programs");
      const manifest = JSON.parse(fs.readFileSync(projectPath("corpus", "manifest.json"), "utf8")) as { path: string; accepted: boolean }[];
      const rest = pattern.slice(7);
      const re = globRegExp(isGlob(rest) || rest.endsWith(".dsp") ? rest : `${rest}/**`);
      for (const e of manifest) {
        const rel = e.path.replace(/^programs\//, "");
        if (e.accepted && re.test(rel)) add(fileRef(`corpus:${rel}`, path.join(root, rel)));
      }
    } else if (isGlob(pattern)) {
      for (const f of globSync(pattern, { cwd: spec.dir, absolute: false, onlyFiles: true }).sort()) add(fileRef(f, path.resolve(spec.dir, f)));
    } else {
      add(fileRef(pattern, path.resolve(spec.dir, pattern)));
      continue;
    }
    if (out.length === before) add({ id: pattern, path: pattern, hash: sha(`nomatch:${pattern}`), problem: diag("FL031", { pattern }) });
  }
  return out;
}

/** One run: everything a worker needs, in plain data (structured-clonable). */
export interface Run {
  readonly key: string;
  readonly program: ProgramRef;
  readonly pipelineName: string;
  readonly pipeline: string;
  readonly precision: "single" | "double";
  readonly backend: BackendName;
  /** The -ss strategy (undefined: the default order). */
  readonly schedule?: Strategy;
  /** false: lockstep bundles emitted node by node (-no-lockstep); absent: on. */
  readonly lockstep?: false;
  readonly stimulus: StimulusSpec;
  readonly length: number;
  readonly sampleRate: number;
  readonly controls: Readonly<Record<string, number>>;
  readonly metrics: readonly MetricName[];
  readonly loadPasses: readonly string[];
  readonly includeDirs: readonly string[];
}

/** A stimulus's short name in records and tables: impulse, noise(1), sweep(20-20000), wav(file.wav). */
export function stimulusName(s: StimulusSpec): string {
  switch (s.kind) {
    case "impulse":
      return "impulse";
    case "noise":
      return s.seed === 1 && s.amplitude === 0.5 ? "noise" : `noise(seed=${s.seed},amp=${s.amplitude})`;
    case "sweep":
      return `sweep(${s.from}-${s.to})`;
    case "wav":
      return `wav(${path.basename(s.path)})`;
  }
}

/** The run's key: sha256 of the program's content hash and every parameter that changes its results. */
export function runKey(r: Omit<Run, "key">): string {
  const wav = r.stimulus.kind === "wav" ? (() => { try { return sha(fs.readFileSync(r.stimulus.path).toString("base64")); } catch { return "unreadable"; } })() : "";
  const params = [r.program.hash, r.pipeline, r.precision, r.backend, stimulusName(r.stimulus), wav, r.length, r.sampleRate, JSON.stringify(Object.entries(r.controls).sort()), [...r.metrics].sort().join(","), ...(r.schedule !== undefined ? [`ss${r.schedule}`] : []), ...(r.lockstep === false ? ["no-lockstep"] : [])];
  return sha(JSON.stringify(params)).slice(0, 16);
}

/** The runs of an experiment in plan order (programs, then pipelines, schedules, precisions, backends, stimuli), each key once. */
export function planRuns(spec: Spec, programs: readonly ProgramRef[]): Run[] {
  const runs: Run[] = [];
  const keys = new Set<string>();
  for (const program of programs)
    for (const [name, pipeline] of Object.entries(spec.pipelines))
      for (const ss of spec.schedules)
      for (const precision of spec.precisions)
        for (const backend of spec.backends)
          for (const stimulus of spec.stimuli) {
            // a strategy other than the default is a variant of the pipeline in the tables (`O1 -ss 2`)
            const pipelineName = (ss === "default" ? name : `${name} -ss ${ss}`) + (spec.lockstep ? "" : " -no-lockstep");
            const sched = { ...(ss === "default" ? {} : { schedule: ss }), ...(spec.lockstep ? {} : { lockstep: false as const }) };
            const r = { program, pipelineName, pipeline, precision, backend, ...sched, stimulus, length: spec.length, sampleRate: spec.sampleRate, controls: spec.controls, metrics: spec.metrics, loadPasses: spec.loadPasses, includeDirs: spec.includeDirs };
            const key = runKey(r);
            if (keys.has(key)) continue;
            keys.add(key);
            runs.push({ key, ...r });
          }
  return runs;
}

export interface Shard {
  readonly index: number; // 1-based
  readonly count: number;
}

/** Parses `K/N` (1 ≤ K ≤ N). */
export function parseShard(text: string): Shard | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index >= 1 && count >= 1 && index <= count ? { index, count } : undefined;
}

/** Whether a run belongs to a shard: by its key, so the partition does not depend on the order or on the machine. */
export function inShard(key: string, shard: Shard | undefined): boolean {
  if (!shard || shard.count === 1) return true;
  return parseInt(key.slice(0, 8), 16) % shard.count === shard.index - 1;
}
