// Golden tests in the style of LLVM's lit + FileCheck: one file holds the
// input and, in comments, how to run it and what the output must contain.
// Pure functions, no I/O: passes/golden.test.ts finds the files, runs them
// through the CLI and calls these.
//
//   parseGolden(text, path) → GoldenFile      (throws GoldenSyntaxError naming the line)
//   checkOutput(output, directives) → CheckFailure | undefined
//   formatFailure(failure, path) → string     the directive, what went wrong, the output around it
//
// Directive lines are comment lines (`;` in signal text, `//` in Faust) whose
// first word is a directive:
//
//   RUN: faustlab opt %s -passes 'cse,print<uses>'    a command (`%s` the file, `%S` its folder,
//                                                     `%%` a percent sign); shell quoting; a trailing
//                                                     `\` continues on the next RUN line; `not` first
//                                                     expects a failing exit status, else 0;
//                                                     `--check-prefix=P` / `--check-prefixes=P,Q`
//                                                     check the output against P: lines (default CHECK)
//   CHECK: text        matches text at or after the previous match
//   CHECK-NEXT: text   … on the line right after the previous match
//   CHECK-SAME: text   … on the line of the previous match, after it
//   CHECK-EMPTY:       the line after the previous match is empty
//   CHECK-NOT: text    text occurs nowhere between the previous match and the next one
//   CHECK-LABEL: text  matched first, in order, over the whole output; splits it into blocks
//                      so the other directives between two labels look only inside the block
//   XFAIL: reason      the checks must FAIL (an optimization we still miss); the test flips when it lands
//
// Patterns are literal text, trimmed, with runs of spaces matching any run of
// spaces, and three escapes: `{{regex}}` (JavaScript syntax, `^`/`$` at line
// ends), `[[X:regex]]` defines X as the text the regex matched, `[[X]]`
// matches X's text (defined earlier in the file's order of matching, or
// earlier in the same pattern). Variables are not allowed in CHECK-LABEL.

import { editDistance } from "../core/text.ts";

export type DirectiveKind = "CHECK" | "NEXT" | "SAME" | "NOT" | "LABEL" | "EMPTY";

const SUFFIX: Readonly<Record<string, DirectiveKind>> = { "": "CHECK", "-NEXT": "NEXT", "-SAME": "SAME", "-NOT": "NOT", "-LABEL": "LABEL", "-EMPTY": "EMPTY" };

export interface Directive {
  readonly kind: DirectiveKind;
  readonly prefix: string;
  /** The pattern, trimmed. */
  readonly pattern: string;
  readonly pieces: readonly Piece[];
  /** 1-based line in the golden file. */
  readonly line: number;
  /** As written, from the prefix on (`CHECK-NEXT: %3 = add %1, %2`). */
  readonly text: string;
}

export interface RunLine {
  /** 1-based line of the (first) RUN line. */
  readonly line: number;
  /** The command as written (continuations joined). */
  readonly text: string;
  /** The words after `faustlab`, with `%s` not yet substituted and the check-prefix options removed. */
  readonly words: readonly string[];
  readonly prefixes: readonly string[];
  /** `not faustlab …`: the command must fail (exit status ≠ 0). */
  readonly expectFailure: boolean;
}

export interface GoldenFile {
  readonly runs: readonly RunLine[];
  /** Every directive of every prefix, in file order. */
  readonly directives: readonly Directive[];
  readonly xfail?: string;
}

export class GoldenSyntaxError extends Error {
  constructor(
    readonly path: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${path}:${line}: ${detail}`);
  }
}

export type Piece =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "regex"; readonly source: string }
  | { readonly kind: "define"; readonly name: string; readonly source: string }
  | { readonly kind: "use"; readonly name: string };

const PREFIX = /^[A-Za-z][A-Za-z0-9_-]*$/;
const VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The comment marker of a golden file: `//` for Faust, `;` for signal text. */
export function commentMarker(path: string): string {
  return /\.(dsp|lib)$/.test(path) ? "//" : ";";
}

/** Splits a pattern into literal text and escapes; throws a message on a malformed one. */
export function parsePattern(pattern: string): Piece[] {
  const pieces: Piece[] = [];
  let text = "";
  let i = 0;
  const flush = () => {
    if (text) pieces.push({ kind: "text", text });
    text = "";
  };
  while (i < pattern.length) {
    if (pattern.startsWith("{{", i)) {
      const end = pattern.indexOf("}}", i + 2);
      if (end < 0) throw new Error(`'{{' at column ${i + 1} has no closing '}}'`);
      const source = pattern.slice(i + 2, end);
      if (!source) throw new Error(`empty regex '{{}}' at column ${i + 1}`);
      flush();
      pieces.push({ kind: "regex", source });
      i = end + 2;
    } else if (pattern.startsWith("[[", i)) {
      const end = varEnd(pattern, i + 2);
      if (end < 0) throw new Error(`'[[' at column ${i + 1} has no closing ']]'`);
      const body = pattern.slice(i + 2, end);
      const colon = body.indexOf(":");
      const name = colon < 0 ? body : body.slice(0, colon);
      if (name.startsWith("#") || name.startsWith("$") || name.startsWith("@")) throw new Error(`'[[${body}]]': numeric, global and pseudo variables are not supported`);
      if (!VAR.test(name)) throw new Error(`bad variable name '${name}' at column ${i + 3}`);
      flush();
      if (colon < 0) pieces.push({ kind: "use", name });
      else {
        const source = body.slice(colon + 1);
        if (!source) throw new Error(`variable '${name}' is defined by an empty regex`);
        pieces.push({ kind: "define", name, source });
      }
      i = end + 2;
    } else text += pattern[i++];
  }
  flush();
  return pieces;
}

/** The index of the `]]` closing a `[[` whose body starts at `from`, skipping brackets of regex classes. */
function varEnd(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") i++;
    else if (c === "[") depth++;
    else if (c === "]") {
      if (depth > 0) depth--;
      else if (s[i + 1] === "]") return i;
    }
  }
  return -1;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** A literal as a regex: escaped, each run of spaces and tabs matching any such run. */
function literal(s: string): string {
  return s
    .split(/[ \t]+/)
    .map(escapeRegex)
    .join("[ \\t]+");
}

/**
 * The regex of a pattern given the variables defined so far; `defines` maps
 * each variable the pattern defines to its capture group. Throws a message
 * on an undefined variable or a bad regex.
 */
export function compilePattern(pieces: readonly Piece[], vars: ReadonlyMap<string, string>): { regex: RegExp; defines: Map<string, string> } {
  const defines = new Map<string, string>();
  let src = "";
  for (const p of pieces) {
    switch (p.kind) {
      case "text":
        src += literal(p.text);
        break;
      case "regex":
        src += `(?:${p.source})`;
        break;
      case "define": {
        if (defines.has(p.name)) throw new Error(`variable '${p.name}' is defined twice in one pattern`);
        const g = `v${defines.size}`;
        defines.set(p.name, g);
        src += `(?<${g}>${p.source})`;
        break;
      }
      case "use": {
        const g = defines.get(p.name);
        if (g) src += `\\k<${g}>`;
        else if (vars.has(p.name)) src += literal(vars.get(p.name)!);
        else throw new Error(`variable '${p.name}' is used before it is defined`);
        break;
      }
      default: {
        const never: never = p;
        return never;
      }
    }
  }
  try {
    return { regex: new RegExp(src, "gm"), defines };
  } catch (e) {
    throw new Error(`bad regex: ${(e as Error).message}`);
  }
}

/** Splits a command into words as a POSIX shell would (quotes, backslashes); pipes and redirections are refused. */
export function shellWords(cmd: string): string[] {
  const words: string[] = [];
  let w: string | undefined;
  let i = 0;
  while (i < cmd.length) {
    const c = cmd[i]!;
    if (c === " " || c === "\t") {
      if (w !== undefined) words.push(w);
      w = undefined;
      i++;
    } else if (c === "'") {
      const end = cmd.indexOf("'", i + 1);
      if (end < 0) throw new Error("unterminated single quote");
      w = (w ?? "") + cmd.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      w ??= "";
      i++;
      for (;;) {
        if (i >= cmd.length) throw new Error("unterminated double quote");
        const d = cmd[i]!;
        if (d === '"') break;
        if (d === "\\" && i + 1 < cmd.length && '"\\$`'.includes(cmd[i + 1]!)) {
          w += cmd[i + 1];
          i += 2;
        } else if (d === "$" || d === "`") throw new Error(`'${d}' (substitution) is not supported`);
        else {
          w += d;
          i++;
        }
      }
      i++;
    } else if (c === "\\") {
      if (i + 1 >= cmd.length) throw new Error("a backslash ends the command");
      w = (w ?? "") + cmd[i + 1];
      i += 2;
    } else if ("|&;<>$`()".includes(c)) {
      throw new Error(`'${c}' is not supported in RUN lines (one faustlab command; its output is stdout then stderr)`);
    } else {
      w = (w ?? "") + c;
      i++;
    }
  }
  if (w !== undefined) words.push(w);
  return words;
}

/** Substitutes `%s` (the file), `%S` (its folder) and `%%` in a RUN word. */
export function substitute(word: string, file: string, dir: string): string {
  return word.replace(/%[sS%]/g, (m) => (m === "%s" ? file : m === "%S" ? dir : "%"));
}


/** Parses a golden file's directives. Throws GoldenSyntaxError on a malformed file, including one that runs or checks nothing. */
export function parseGolden(text: string, path: string): GoldenFile {
  const marker = commentMarker(path);
  const lines = text.split(/\r?\n/);
  const fail = (line: number, detail: string): never => {
    throw new GoldenSyntaxError(path, line, detail);
  };
  // comment lines whose first word ends with ':' — candidate directives
  const candidates: { line: number; word: string; rest: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trimStart();
    if (!t.startsWith(marker)) continue;
    const m = /^([A-Za-z][A-Za-z0-9_-]*):(.*)$/.exec(t.slice(marker.length).trimStart());
    if (m) candidates.push({ line: i + 1, word: m[1]!, rest: m[2]! });
  }
  // RUN lines first: they declare the prefixes
  const runs: RunLine[] = [];
  let xfail: string | undefined;
  let pending: { line: number; text: string } | undefined;
  const finishRun = (line: number, cmd: string) => {
    let words: string[];
    try {
      words = shellWords(cmd);
    } catch (e) {
      return fail(line, `RUN: ${(e as Error).message}`);
    }
    let expectFailure = false;
    if (words[0] === "not") {
      expectFailure = true;
      words.shift();
    }
    if (words[0] !== "faustlab") fail(line, `RUN: the command must start with 'faustlab' (or 'not faustlab'), found '${words[0] ?? ""}'`);
    words.shift();
    let prefixes: string[] | undefined;
    const rest: string[] = [];
    for (const w of words) {
      const m = /^--?check-prefix(es)?=(.*)$/.exec(w);
      if (!m) {
        rest.push(w);
        continue;
      }
      if (prefixes) fail(line, "RUN: give the check prefixes once");
      prefixes = m[2]!.split(",");
      for (const p of prefixes) if (!PREFIX.test(p) || /-(NEXT|SAME|NOT|LABEL|EMPTY)$/.test(p) || p === "RUN" || p === "XFAIL") fail(line, `RUN: bad check prefix '${p}'`);
    }
    runs.push({ line, text: cmd, words: rest, prefixes: prefixes ?? ["CHECK"], expectFailure });
  };
  for (const c of candidates) {
    if (c.word === "RUN") {
      const t = c.rest.trim();
      const cont = t.endsWith("\\");
      const piece = cont ? t.slice(0, -1).trimEnd() : t;
      if (pending) pending.text += " " + piece;
      else pending = { line: c.line, text: piece };
      if (!cont) {
        finishRun(pending.line, pending.text);
        pending = undefined;
      }
    } else if (pending) fail(c.line, "the RUN line before ends with '\\' but this line is not a RUN line");
    if (c.word === "XFAIL") {
      if (xfail !== undefined) fail(c.line, "XFAIL is given twice");
      xfail = c.rest.trim();
      if (!xfail) fail(c.line, "XFAIL needs a reason (what we miss, so the test flips when it lands)");
    }
  }
  if (pending) fail(pending.line, "the last RUN line ends with '\\'");
  if (!runs.length) fail(1, "no RUN line: a golden file must run something");
  const prefixes = new Set(runs.flatMap((r) => r.prefixes));
  const known = [...prefixes].flatMap((p) => Object.keys(SUFFIX).map((s) => p + s));
  const directives: Directive[] = [];
  for (const c of candidates) {
    if (c.word === "RUN" || c.word === "XFAIL") continue;
    let found: { prefix: string; kind: DirectiveKind } | undefined;
    for (const p of prefixes)
      if (c.word.startsWith(p) && Object.hasOwn(SUFFIX, c.word.slice(p.length))) {
        found = { prefix: p, kind: SUFFIX[c.word.slice(p.length)]! };
        break;
      }
    if (!found) {
      // a typo of a directive must not silently check nothing
      const near = known.find((k) => editDistance(c.word.toUpperCase(), k.toUpperCase()) <= 2) ?? (/^[A-Z][A-Z0-9_]*-(NEXT|SAME|NOT|LABEL|EMPTY|DAG|COUNT)$/.test(c.word) ? c.word : undefined);
      if (near !== undefined || /^(CHECK|[A-Z][A-Z0-9_]*-CHECK)/.test(c.word))
        fail(c.line, `'${c.word}:' is not a directive of this file (prefixes: ${[...prefixes].join(", ")}; directives: RUN, XFAIL, P:, P-NEXT:, P-SAME:, P-NOT:, P-LABEL:, P-EMPTY:)`);
      continue;
    }
    const pattern = c.rest.trim();
    if (found.kind === "EMPTY" && pattern) fail(c.line, `${c.word}: takes no text`);
    if (found.kind !== "EMPTY" && !pattern) fail(c.line, `${c.word}: has no text to match (use ${found.prefix}-EMPTY: for an empty line)`);
    let pieces: Piece[];
    try {
      pieces = parsePattern(pattern);
      if (found.kind === "LABEL" && pieces.some((p) => p.kind === "define" || p.kind === "use")) throw new Error("variables are not allowed in a LABEL");
      // check the regex syntax now, with every variable standing for itself
      const dummy = new Map(pieces.filter((p) => p.kind === "use").map((p) => [(p as { name: string }).name, "x"]));
      compilePattern(pieces, dummy);
    } catch (e) {
      return fail(c.line, `${c.word}: ${(e as Error).message}`);
    }
    directives.push({ kind: found.kind, prefix: found.prefix, pattern, pieces, line: c.line, text: `${c.word}:${pattern ? " " + pattern : ""}` });
  }
  for (const p of prefixes) if (!directives.some((d) => d.prefix === p)) fail(runs.find((r) => r.prefixes.includes(p))!.line, `no ${p}: line: a RUN whose output is not checked`);
  for (const r of runs) {
    const mine = directives.filter((d) => r.prefixes.includes(d.prefix));
    if (!mine.some((d) => d.kind !== "NOT")) fail(r.line, `no ${r.prefixes.join(":, ")}: line: a RUN whose output is not checked (it needs at least one positive directive)`);
    // NEXT, SAME and EMPTY refer to a previous match
    let seen = false;
    for (const d of mine) {
      if ((d.kind === "NEXT" || d.kind === "SAME" || d.kind === "EMPTY") && !seen) fail(d.line, `${d.text.split(":")[0]}: has no previous ${r.prefixes.join(":/")}: match to follow`);
      if (d.kind !== "NOT") seen = true;
    }
  }
  return { runs, directives, xfail };
}

export interface CheckFailure {
  readonly directive: Directive;
  /** 1-based output line where the failure shows (the match found, or where the search started). */
  readonly outputLine: number;
  readonly message: string;
  /** Numbered output lines around `outputLine`, that line marked with '>'. */
  readonly context: string;
}

interface Match {
  readonly start: number;
  readonly end: number;
}

/**
 * Checks `output` against `directives` (those of the prefixes of one RUN, in
 * file order) as FileCheck does. Returns the first failure, or undefined.
 */
export function checkOutput(output: string, directives: readonly Directive[]): CheckFailure | undefined {
  const lineStarts = [0];
  for (let i = 0; i < output.length; i++) if (output[i] === "\n") lineStarts.push(i + 1);
  /** 0-based line of a position. */
  const lineOf = (pos: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const lineEnd = (l: number) => (l + 1 < lineStarts.length ? lineStarts[l + 1]! - 1 : output.length);
  const lineText = (l: number) => output.slice(lineStarts[l]!, lineEnd(l));
  const nLines = output.endsWith("\n") ? lineStarts.length - 1 : lineStarts.length;
  const vars = new Map<string, string>();

  const context = (line: number, to = line): string => {
    const rows: string[] = [];
    const from = Math.max(0, line - 4);
    const last = Math.min(nLines - 1, Math.max(line, to) + 3);
    for (let l = from; l <= last; l++) rows.push(`${l >= line && l <= to ? ">" : " "} ${String(l + 1).padStart(5)} | ${lineText(l)}`);
    if (!rows.length) rows.push("  (empty output)");
    return rows.join("\n");
  };
  const failure = (d: Directive, line: number, message: string, to = line): CheckFailure => ({ directive: d, outputLine: line + 1, message, context: context(line, to) });

  /** The first match of d in [from, to), or a failure message (undefined variable). */
  const search = (d: Directive, from: number, to: number): { match?: Match; defines?: Map<string, string>; error?: string } => {
    let compiled;
    try {
      compiled = compilePattern(d.pieces, vars);
    } catch (e) {
      return { error: (e as Error).message };
    }
    const re = compiled.regex;
    re.lastIndex = from;
    const m = re.exec(output);
    if (!m || m.index + m[0].length > to) return {};
    const defines = new Map<string, string>();
    for (const [name, g] of compiled.defines) defines.set(name, m.groups![g]!);
    return { match: { start: m.index, end: m.index + m[0].length }, defines };
  };

  /** The output line most like the directive's literal text, in [from, to): a hint for a missed match. */
  const nearest = (d: Directive, from: number, to: number): number | undefined => {
    const want = d.pieces
      .filter((p) => p.kind === "text")
      .map((p) => (p as { text: string }).text)
      .join(" ")
      .split(/\s+/)
      .filter(Boolean);
    if (!want.length) return undefined;
    let best: number | undefined;
    let bestScore = 0;
    for (let l = lineOf(from); l < nLines && lineStarts[l]! < to; l++) {
      const words = new Set(lineText(l).split(/\s+/));
      const score = want.filter((w) => words.has(w)).length / want.length;
      if (score > bestScore) (bestScore = score), (best = l);
    }
    return bestScore >= 0.5 ? best : undefined;
  };

  const missed = (d: Directive, from: number, to: number, where: string): CheckFailure => {
    const l = lineOf(Math.min(from, output.length));
    const near = nearest(d, from, to);
    const hint = near !== undefined ? `; the closest line is ${near + 1}: '${lineText(near).trim()}'` : "";
    return failure(d, near ?? l, `no match${where ? " " + where : ""} (searched from output line ${l + 1})${hint}`);
  };

  // 1. the labels, in order, over the whole output
  const labels = directives.filter((d) => d.kind === "LABEL");
  const labelMatches: Match[] = [];
  let pos = 0;
  for (const d of labels) {
    const r = search(d, pos, output.length);
    if (!r.match) return missed(d, pos, output.length, "for the label");
    labelMatches.push(r.match);
    pos = r.match.end;
  }

  // 2. the blocks: the directives before the first label, then after each label
  let k = 0;
  let labelIndex = -1;
  while (k <= directives.length) {
    const group: Directive[] = [];
    while (k < directives.length && directives[k]!.kind !== "LABEL") group.push(directives[k++]!);
    const prev0 = labelIndex >= 0 ? labelMatches[labelIndex] : undefined;
    const blockEnd = labelIndex + 1 < labelMatches.length ? labelMatches[labelIndex + 1]!.start : output.length;
    const f = checkBlock(group, prev0, prev0 ? prev0.end : 0, blockEnd);
    if (f) return f;
    if (k >= directives.length) break;
    k++; // the label itself
    labelIndex++;
  }
  return undefined;

  function checkBlock(group: readonly Directive[], prev: Match | undefined, start: number, end: number): CheckFailure | undefined {
    let nots: Directive[] = [];
    let cursor = start;
    const checkNots = (from: number, to: number): CheckFailure | undefined => {
      for (const d of nots) {
        const r = search(d, from, to);
        if (r.error) return failure(d, lineOf(from), r.error);
        if (r.match) return failure(d, lineOf(r.match.start), `found text that must not be there: '${output.slice(r.match.start, r.match.end)}'`);
      }
      nots = [];
      return undefined;
    };
    for (const d of group) {
      if (d.kind === "NOT") {
        nots.push(d);
        continue;
      }
      let m: Match;
      if (d.kind === "EMPTY") {
        const l = prev ? lineOf(prev.end) + 1 : 0;
        if (l >= nLines || lineStarts[l]! > end) return failure(d, Math.min(l, nLines) - 1, "expected an empty line after the previous match, found the end of the output");
        if (lineText(l) !== "") return failure(d, l, `expected an empty line after the previous match, found '${lineText(l)}'`);
        m = { start: lineStarts[l]!, end: lineStarts[l]! };
      } else {
        const r = search(d, cursor, end);
        if (r.error) return failure(d, lineOf(cursor), r.error);
        if (!r.match) return missed(d, cursor, end, d.kind === "NEXT" ? "on the next line" : d.kind === "SAME" ? "on the same line" : "");
        m = r.match;
        const pl = prev ? lineOf(prev.end) : -1;
        const ml = lineOf(m.start);
        if (d.kind === "NEXT" && ml !== pl + 1)
          return failure(d, ml, ml === pl ? `matched on the line of the previous match (${pl + 1}), not on the next one` : `matched on line ${ml + 1}, not on line ${pl + 2} right after the previous match`, ml);
        if (d.kind === "SAME" && ml !== pl) return failure(d, ml, `matched on line ${ml + 1}, not on line ${pl + 1} of the previous match`);
        for (const [name, v] of r.defines!) vars.set(name, v);
      }
      const f = checkNots(cursor, m.start);
      if (f) return f;
      prev = m;
      cursor = m.end;
    }
    return checkNots(cursor, end);
  }
}

/** A readable report of a failure: the directive with its file line, the message, and the output around it. */
export function formatFailure(f: CheckFailure, path: string): string {
  return `${path}:${f.directive.line}: ${f.directive.text}\n  ${f.message}\n  output:\n${f.context.replace(/^/gm, "  ")}`;
}
