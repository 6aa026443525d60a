// Command-line parsing in Faust's style: single-dash options (`-n 16`,
// `-double`, `-I DIR`), repeatable where the spec says so, and positional
// arguments. Errors are diagnostics (FL003), never exceptions to the user.

import { DiagnosticError, diag } from "../core/diagnostics.ts";

export type OptionKind = "flag" | "int" | "number" | "string" | "list";

export interface OptionSpec {
  readonly name: string; // without the leading dash, e.g. "n", "double", "I"
  readonly kind: OptionKind;
  readonly help: string;
  readonly aliases?: readonly string[];
  readonly min?: number;
}

export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Set<string>;
  readonly values: Map<string, string | number>;
  readonly lists: Map<string, string[]>;
}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map<string, OptionSpec>();
  for (const s of specs) {
    byName.set(s.name, s);
    for (const a of s.aliases ?? []) byName.set(a, s);
  }
  const out: ParsedArgs = { positional: [], flags: new Set(), values: new Map(), lists: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      out.positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith("-") || a === "-") {
      out.positional.push(a);
      continue;
    }
    let key = a.replace(/^--?/, "");
    let inline: string | undefined;
    const eq = key.indexOf("=");
    if (eq > 0) {
      inline = key.slice(eq + 1);
      key = key.slice(0, eq);
    }
    // -IDIR is accepted as -I DIR, as compilers do.
    if (!byName.has(key) && key.startsWith("I") && byName.has("I")) {
      inline = key.slice(1);
      key = "I";
    }
    const spec = byName.get(key);
    if (!spec) throw new DiagnosticError([diag("FL003", { option: a })]);
    if (spec.kind === "flag") {
      if (inline !== undefined) throw new DiagnosticError([diag("FL006", { option: spec.name })]);
      out.flags.add(spec.name);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new DiagnosticError([diag("FL007", { option: spec.name })]);
    if (spec.kind === "list") {
      const l = out.lists.get(spec.name) ?? [];
      l.push(value);
      out.lists.set(spec.name, l);
    } else if (spec.kind === "string") {
      out.values.set(spec.name, value);
    } else {
      const v = Number(value);
      if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value.trim()) || !Number.isFinite(v))
        throw new DiagnosticError([diag("FL008", { option: spec.name, expected: "a number", value })]);
      if (spec.kind === "int" && !Number.isInteger(v)) throw new DiagnosticError([diag("FL008", { option: spec.name, expected: "an integer", value })]);
      if (spec.min !== undefined && v < spec.min) throw new DiagnosticError([diag("FL009", { option: spec.name, min: spec.min, value })]);
      out.values.set(spec.name, v);
    }
  }
  return out;
}

export function helpLines(specs: readonly OptionSpec[]): string[] {
  return specs.map((s) => {
    const arg = s.kind === "flag" ? "" : s.kind === "list" || s.kind === "string" ? " VALUE" : " N";
    return `  -${s.name}${arg}`.padEnd(22) + s.help;
  });
}
