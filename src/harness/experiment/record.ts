// The record of one run, as results.jsonl stores it (one JSON object a
// line). Non-finite numbers (an exact SNR is +∞, an unstable one NaN) are
// written as the strings "inf", "-inf", "nan" and read back as numbers.
//
// Everything measured in time (stage times, throughput) sits under `timing`,
// so two runs of the same spec have equal records once `timing` is set
// aside (`comparable`): that is what resume and shard-merge guarantee.

export type Num = number;

export interface DiagnosticRecord {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  /** file:line:col when the diagnostic has a span. */
  readonly location?: string;
  /** The rendered diagnostic (headline, source line, caret, notes). */
  readonly text: string;
}

export interface ErrorRecord {
  readonly snr: Num;
  readonly maxAbsError: Num;
  readonly stable: boolean;
}

export interface TransferRecord {
  readonly region: number;
  readonly kind: "lti" | "ltv" | "none";
  readonly states: number;
  readonly reason?: string;
  /** LTI pairs: numerator and denominator coefficients of z^-k. */
  readonly pairs: readonly {
    readonly input: number;
    readonly output: number;
    readonly b: readonly number[];
    readonly a: readonly number[];
    /** H as the source factors it (Π b / Π a): evaluate this cascade, well conditioned where (b, a) is not. */
    readonly stages?: readonly { readonly b: readonly number[]; readonly a: readonly number[] }[];
  }[];
}

/** The sensitivity of output 0 to each control over time (fad, each tangent × its control's range, RMS per window). */
export interface SensitivityRecord {
  readonly controls: readonly { readonly address: string; readonly label: string; readonly min: number; readonly max: number }[];
  /** Start of each window, seconds. */
  readonly time: readonly number[];
  /** Per control, per window: the RMS of d(output 0)/d(control) × (max − min). */
  readonly values: readonly (readonly number[])[];
}

export interface RunRecord {
  readonly key: string;
  readonly program: string;
  readonly programHash: string;
  readonly pipelineName: string;
  readonly pipeline: string;
  readonly precision: "single" | "double";
  readonly backend: string;
  /** The -ss strategy of the sample loop, when not the default order. */
  readonly schedule?: number;
  readonly stimulus: string;
  readonly length: number;
  readonly sampleRate: number;
  readonly status: "ok" | "failed";
  /** Where a failed run stopped: read, compile, passes, codegen, backend, render, time-limit, worker. */
  readonly failedAt?: string;
  readonly diagnostics: readonly DiagnosticRecord[];
  readonly inputs?: number;
  readonly outputs?: number;
  readonly nodes?: { readonly before: number; readonly after: number };
  readonly recursions?: { readonly before: number; readonly after: number };
  /** The pipeline's passes in order: changed, statistics. */
  readonly passes?: readonly { readonly pass: string; readonly changed: boolean; readonly stats: Readonly<Record<string, number>> }[];
  /** The passes' remarks, rendered on one line each. */
  readonly remarks?: readonly string[];
  /** Against the exact reference: faustlab's float64 rendering of the unoptimized program. */
  readonly exact?: ErrorRecord;
  /** Against the real Faust's output at the run's precision, and the real Faust's own error against the exact reference. */
  readonly faust?: { readonly vsFaust?: ErrorRecord; readonly faustVsExact?: ErrorRecord; readonly error?: string };
  /** Bytes of generated code (JS source, wasm module, C/C++ source, FIR text for the interpreter). */
  readonly codeSize?: number;
  readonly transfer?: readonly TransferRecord[];
  /** The first samples of output 0's impulse response (float64 values of the run's rendering). */
  readonly impulse?: readonly number[];
  /** |error| against the exact reference: its maximum per block over time, and its spectrum in dB (log-spaced bins). */
  readonly errorTime?: readonly number[];
  readonly errorSpectrum?: { readonly freqs: readonly number[]; readonly db: readonly number[] };
  /** Metric `sensitivity`: output 0's sensitivity to each control over time. */
  readonly sensitivity?: SensitivityRecord;
  readonly notes?: readonly string[];
  readonly timing: {
    /** Milliseconds per stage: read (source → signals), passes, codegen (FIR), backend (module/code), render. */
    readonly stages: Readonly<Record<string, number>>;
    readonly passes?: Readonly<Record<string, number>>;
    /** Rendering speed of the run's backend, M samples/s. */
    readonly throughput?: number;
    /** The real compiler's wasm module on the same program and stimulus (wasm runs), M samples/s. */
    readonly faustThroughput?: number;
    /** Wall milliseconds of the whole run in its worker. */
    readonly total: number;
  };
}

const NONFINITE: Readonly<Record<string, number>> = { inf: Infinity, "-inf": -Infinity, nan: NaN };

/** One line of results.jsonl. */
export function encodeRecord(r: RunRecord): string {
  return JSON.stringify(r, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf") : v));
}

/** A record from a line; non-finite markers become numbers again (only under numeric fields). */
export function decodeRecord(line: string): RunRecord {
  return JSON.parse(line, (k, v) => (typeof v === "string" && v in NONFINITE && NUMERIC.has(k) ? NONFINITE[v] : v)) as RunRecord;
}

const NUMERIC = new Set(["snr", "maxAbsError", "throughput", "faustThroughput", "db"]);

/** The record without what depends on the clock. */
export function comparable(r: RunRecord): Omit<RunRecord, "timing"> {
  const { timing: _t, ...rest } = r;
  return rest;
}
