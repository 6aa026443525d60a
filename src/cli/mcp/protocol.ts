// What travels between the MCP server, its sandbox workers and the client:
// the limits of a request, the typed error every failure becomes, and the
// structured form of a diagnostic (code, severity, message, file:line:col,
// the source line).

import type { Diagnostic, Span } from "../../core/diagnostics.ts";

export interface Limits {
  /** Wall-clock time of one request, in milliseconds (the worker is terminated past it). */
  readonly timeoutMs: number;
  /** The worker's heap (old generation), in MB. */
  readonly memoryMb: number;
  /** Evaluation steps and nesting of the box evaluator (FL404, FL403). */
  readonly maxSteps: number;
  readonly maxDepth: number;
  /** Nodes of the compiled signal graph. */
  readonly maxNodes: number;
  /** Characters of a program's source. */
  readonly maxSourceChars: number;
  /** Samples of one render. */
  readonly maxSamples: number;
  /** Characters of text returned inline; longer texts are written to the output folder and their path returned. */
  readonly maxOutputChars: number;
}

export const DEFAULT_LIMITS: Limits = {
  timeoutMs: 30_000,
  memoryMb: 1024,
  maxSteps: 2_000_000,
  maxDepth: 10_000,
  maxNodes: 200_000,
  maxSourceChars: 1_000_000,
  maxSamples: 10 * 48_000 * 60,
  maxOutputChars: 200_000,
};

/**
 * The kinds of failure a tool reports: the program's own diagnostics, a limit
 * reached (time, memory, size), a refused request (imports, host access),
 * invalid arguments, a tool not available yet, or an internal error.
 */
export type FailureKind = "diagnostics" | "timeout" | "memory" | "limit" | "refused" | "invalid" | "unavailable" | "internal";

export interface StructuredDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly file?: string;
  /** 1-based line and column of the span's start, and of its end. */
  readonly line?: number;
  readonly column?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  /** The source line of the start. */
  readonly sourceLine?: string;
  readonly related?: readonly { readonly message: string; readonly file: string; readonly line: number; readonly column: number }[];
}

export interface ToolError {
  readonly kind: FailureKind;
  readonly message: string;
  readonly diagnostics?: readonly StructuredDiagnostic[];
}

export class ToolFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly diagnostics?: readonly StructuredDiagnostic[],
  ) {
    super(message);
  }

  toJSON(): ToolError {
    return { kind: this.kind, message: this.message, ...(this.diagnostics ? { diagnostics: this.diagnostics } : {}) };
  }
}

function position(span: Span) {
  const s = span.file.position(span.start);
  const e = span.file.position(Math.max(span.start, span.end));
  return { file: span.file.path, line: s.line + 1, column: s.col + 1, endLine: e.line + 1, endColumn: e.col + 1, sourceLine: span.file.lineText(s.line) };
}

export function structuredDiagnostic(d: Diagnostic): StructuredDiagnostic {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...(d.span ? position(d.span) : {}),
    ...(d.related.length
      ? { related: d.related.map((r) => { const p = position(r.span); return { message: r.message, file: p.file, line: p.line, column: p.column }; }) }
      : {}),
  };
}
