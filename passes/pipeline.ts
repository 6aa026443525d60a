// Textual pipelines: `normalize,cse,biquad-factor<pairing=nearest;order=up>,print<types>`.
//
//   parsePipeline(text, registry) → Pipeline     (DiagnosticError FL700–FL704 with a caret into the text)
//   printPipeline(pipeline) → string             the canonical text
//   flattenPipeline(pipeline) → PassInstance[]   named pipelines expanded, every option filled
//
// Grammar (spaces allowed around every token, none printed):
//   pipeline := ε | element (',' element)*
//   element  := NAME | NAME '<' param (';' param)* '>'
//   param    := KEY '=' VALUE | VALUE             (a bare VALUE sets the pass's positional option)
//   NAME, KEY := [A-Za-z0-9_-]+   VALUE := [^;<>,=\s]+
// A NAME is a registered pass or a named pipeline (`O1`); named pipelines
// take no parameters and print as their name.
//
// Canonical text: the options written, in the pass's declaration order, as
// `key=value` (the positional one bare); numbers as JavaScript prints them,
// booleans `true`/`false`. Printing a parsed canonical text gives it back
// character for character; printing any parsed text gives a canonical one.

import { DiagnosticError, SourceFile, diag, type Diagnostic, type Span } from "../src/core/diagnostics.ts";
import { editDistance } from "../src/core/text.ts";
import type { AnyPass, OptionDecl, OptionValue } from "./pass.ts";

export interface PassRegistry {
  pass(name: string): AnyPass | undefined;
  /** The text of a named pipeline. */
  namedPipeline(name: string): string | undefined;
  /** Every pass and pipeline name, for "did you mean". */
  names(): readonly string[];
}

export type PipelineElement =
  | { readonly kind: "pass"; readonly pass: AnyPass; readonly given: ReadonlyMap<string, OptionValue>; readonly span: Span }
  | { readonly kind: "named"; readonly name: string; readonly body: Pipeline; readonly span: Span };

export interface Pipeline {
  readonly elements: readonly PipelineElement[];
}

/** One pass to run, with every option's value (defaults filled in). */
export interface PassInstance {
  readonly pass: AnyPass;
  readonly options: Readonly<Record<string, OptionValue>>;
  /** The canonical text of this element (`cse<commutative=false>`), for statistics and errors. */
  readonly text: string;
}

type Tok = { readonly kind: "name" | "punct" | "eof"; readonly text: string; readonly start: number; readonly end: number };

function tokenize(file: SourceFile): Tok[] {
  const toks: Tok[] = [];
  const t = file.text;
  let i = 0;
  while (i < t.length) {
    const c = t[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if ("<>;,=".includes(c)) {
      toks.push({ kind: "punct", text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    let j = i;
    while (j < t.length && !/[\s<>;,=]/.test(t[j]!)) j++;
    toks.push({ kind: "name", text: t.slice(i, j), start: i, end: j });
    i = j;
  }
  toks.push({ kind: "eof", text: "end of pipeline", start: t.length, end: t.length });
  return toks;
}

const NAME = /^[A-Za-z0-9_-]+$/;

/** "; did you mean 'x'?" for the closest known name within 2 edits, else "". */
export function didYouMean(name: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const dd = editDistance(name, k);
    if (dd < bestD) (bestD = dd), (best = k);
  }
  return best ? `; did you mean '${best}'?` : "";
}

/** Describes what an option accepts, for FL703. */
export function expectedText(d: OptionDecl): string {
  switch (d.type) {
    case "int":
      return `an integer${d.min !== undefined ? ` >= ${d.min}` : ""}${d.max !== undefined ? ` <= ${d.max}` : ""}`;
    case "float":
      return `a number${d.min !== undefined ? ` >= ${d.min}` : ""}${d.max !== undefined ? ` <= ${d.max}` : ""}`;
    case "bool":
      return "true or false";
    case "enum":
      return `one of ${d.values.join(", ")}`;
    case "string":
      return "a word";
    default: {
      const never: never = d;
      return never;
    }
  }
}

/** Converts option text to its value, or undefined when it is not valid. */
export function optionValue(d: OptionDecl, text: string): OptionValue | undefined {
  switch (d.type) {
    case "int": {
      if (!/^[+-]?\d+$/.test(text)) return undefined;
      const v = Number(text);
      if (!Number.isSafeInteger(v) || (d.min !== undefined && v < d.min) || (d.max !== undefined && v > d.max)) return undefined;
      return v === 0 ? 0 : v; // an int has no -0
    }
    case "float": {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
      const v = Number(text);
      if (!Number.isFinite(v) || (d.min !== undefined && v < d.min) || (d.max !== undefined && v > d.max)) return undefined;
      return v;
    }
    case "bool":
      return text === "true" ? true : text === "false" ? false : undefined;
    case "enum":
      return d.values.includes(text) ? text : undefined;
    case "string":
      return text;
    default: {
      const never: never = d;
      return never;
    }
  }
}

export function parsePipeline(text: string, registry: PassRegistry, path = "<pipeline>"): Pipeline {
  return parseIn(text, registry, path, []);
}

function parseIn(text: string, registry: PassRegistry, path: string, expanding: readonly string[]): Pipeline {
  const file = new SourceFile(path, text);
  const toks = tokenize(file);
  let k = 0;
  const span = (t: Tok): Span => ({ file, start: t.start, end: Math.max(t.end, t.start + 1) });
  const fail = (d: Diagnostic): never => {
    throw new DiagnosticError([d]);
  };
  const syntax = (t: Tok, detail: string): never => fail(diag("FL700", { detail }, span(t)));
  const next = () => toks[k++]!;
  const peek = () => toks[k]!;
  const elements: PipelineElement[] = [];
  if (peek().kind === "eof") return { elements };
  for (;;) {
    const nameTok = next();
    if (nameTok.kind !== "name" || !NAME.test(nameTok.text)) syntax(nameTok, `expected a pass name, found '${nameTok.text}'`);
    const name = nameTok.text;
    const pass = registry.pass(name);
    const named = pass ? undefined : registry.namedPipeline(name);
    if (!pass && named === undefined) fail(diag("FL701", { name, hint: didYouMean(name, registry.names()) }, span(nameTok)));
    if (pass) {
      const given = new Map<string, OptionValue>();
      if (peek().text === "<") {
        next();
        for (;;) {
          const a = next();
          if (a.kind !== "name") syntax(a, `expected an option, found '${a.text}'`);
          let key: string;
          let valueTok: Tok;
          if (peek().text === "=") {
            next();
            key = a.text;
            valueTok = next();
            if (valueTok.kind !== "name") syntax(valueTok, `expected a value for '${key}', found '${valueTok.text}'`);
          } else {
            if (!pass.positional) fail(diag("FL700", { detail: `'${a.text}' needs a name: write <option=${a.text}> (options of ${name}: ${optionNames(pass)})` }, span(a)));
            key = pass.positional!;
            valueTok = a;
          }
          const decl = pass.options[key];
          if (!decl) fail(diag("FL702", { pass: name, option: key, known: optionNames(pass) }, span(a)));
          if (given.has(key)) fail(diag("FL704", { pass: name, option: key }, span(a)));
          const v = optionValue(decl!, valueTok.text);
          if (v === undefined) fail(diag("FL703", { value: valueTok.text, option: key, pass: name, expected: expectedText(decl!) }, span(valueTok)));
          given.set(key, v!);
          const sep = next();
          if (sep.text === ">") break;
          if (sep.text !== ";") syntax(sep, `expected ';' or '>', found '${sep.text}'`);
        }
      }
      // keep declaration order
      const ordered = new Map<string, OptionValue>();
      for (const key of Object.keys(pass.options)) if (given.has(key)) ordered.set(key, given.get(key)!);
      elements.push({ kind: "pass", pass, given: ordered, span: span(nameTok) });
    } else {
      if (peek().text === "<") syntax(peek(), `the pipeline '${name}' takes no options`);
      if (expanding.includes(name)) fail(diag("FL700", { detail: `the named pipeline '${name}' refers to itself` }, span(nameTok)));
      const body = parseIn(named!, registry, `<pipeline ${name}>`, [...expanding, name]);
      elements.push({ kind: "named", name, body, span: span(nameTok) });
    }
    const t = next();
    if (t.kind === "eof") break;
    if (t.text !== ",") syntax(t, `expected ',' between passes, found '${t.text}'`);
  }
  return { elements };
}

function optionNames(p: AnyPass): string {
  const ks = Object.keys(p.options);
  return ks.length ? ks.join(", ") : "none";
}

function printValue(v: OptionValue): string {
  return Object.is(v, -0) ? "-0" : String(v); // String(-0) is "0"
}

function printElement(e: PipelineElement): string {
  if (e.kind === "named") return e.name;
  if (e.given.size === 0) return e.pass.name;
  const params = [...e.given].map(([k, v]) => (k === e.pass.positional ? printValue(v) : `${k}=${printValue(v)}`));
  return `${e.pass.name}<${params.join(";")}>`;
}

export function printPipeline(p: Pipeline): string {
  return p.elements.map(printElement).join(",");
}

export function flattenPipeline(p: Pipeline): PassInstance[] {
  const out: PassInstance[] = [];
  for (const e of p.elements) {
    if (e.kind === "named") {
      out.push(...flattenPipeline(e.body));
      continue;
    }
    const options: Record<string, OptionValue> = {};
    for (const [key, d] of Object.entries(e.pass.options)) options[key] = e.given.has(key) ? e.given.get(key)! : d.default;
    out.push({ pass: e.pass, options, text: printElement(e) });
  }
  return out;
}
