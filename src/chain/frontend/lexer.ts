// The Faust lexer: hand-written, index-based scanning with charCodeAt over the
// source text. It produces a flat token stream (three parallel arrays: kind,
// start, end) that the parser walks by index. Token forms follow Faust 2.88's
// scanner: numbers as flex matches them (longest match: `1.f`, `.5e-2`, `12f`,
// `1e3`; `1E3` is `1` then identifier `E3`), strings `"…"` with no escapes
// (they may span lines), `//` and `/* */` comments, `<mdoc>…</mdoc>`
// documentation blocks (skipped), include names `<math.h>` and every operator.

import { diag, type Diagnostic, type SourceFile } from "../../core/diagnostics.ts";

/** Token kinds. Keywords follow the punctuation; `tokenNames` gives the display text. */
const names = [
  ["EOF", "end of file"],
  ["IDENT", "identifier"],
  ["INT", "integer"],
  ["FLOAT", "number"],
  ["STRING", "string"],
  ["FSTRING", "include file name"],
  ["SEQ", "':'"],
  ["PAR", "','"],
  ["SPLIT", "'<:'"],
  ["MIX", "':>'"],
  ["REC", "'~'"],
  ["ADD", "'+'"],
  ["SUB", "'-'"],
  ["MUL", "'*'"],
  ["DIV", "'/'"],
  ["MOD", "'%'"],
  ["POWOP", "'^'"],
  ["FDELAY", "'@'"],
  ["DELAY1", "'''"],
  ["AND", "'&'"],
  ["OR", "'|'"],
  ["LSH", "'<<'"],
  ["RSH", "'>>'"],
  ["LT", "'<'"],
  ["LE", "'<='"],
  ["GT", "'>'"],
  ["GE", "'>='"],
  ["EQ", "'=='"],
  ["NE", "'!='"],
  ["WIRE", "'_'"],
  ["CUT", "'!'"],
  ["ENDDEF", "';'"],
  ["DEF", "'='"],
  ["LPAR", "'('"],
  ["RPAR", "')'"],
  ["LBRAQ", "'{'"],
  ["RBRAQ", "'}'"],
  ["LCROC", "'['"],
  ["RCROC", "']'"],
  ["LAMBDA", "'\\'"],
  ["DOT", "'.'"],
  ["ARROW", "'=>'"],
  ["LAPPLY", "'->'"],
  // keywords (display text = the word)
  ["XOR", "xor"],
  ["WITH", "with"],
  ["LETREC", "letrec"],
  ["WHERE", "where"],
  ["MEM", "mem"],
  ["PREFIX", "prefix"],
  ["INTCAST", "int"],
  ["FLOATCAST", "float"],
  ["NOTYPECAST", "any"],
  ["RDTBL", "rdtable"],
  ["RWTBL", "rwtable"],
  ["SELECT2", "select2"],
  ["SELECT3", "select3"],
  ["FFUNCTION", "ffunction"],
  ["FCONSTANT", "fconstant"],
  ["FVARIABLE", "fvariable"],
  ["BUTTON", "button"],
  ["CHECKBOX", "checkbox"],
  ["VSLIDER", "vslider"],
  ["HSLIDER", "hslider"],
  ["NENTRY", "nentry"],
  ["VGROUP", "vgroup"],
  ["HGROUP", "hgroup"],
  ["TGROUP", "tgroup"],
  ["VBARGRAPH", "vbargraph"],
  ["HBARGRAPH", "hbargraph"],
  ["SOUNDFILE", "soundfile"],
  ["ATTACH", "attach"],
  ["ENABLE", "enable"],
  ["CONTROL", "control"],
  ["ASSERTBOUNDS", "assertbounds"],
  ["LOWEST", "lowest"],
  ["HIGHEST", "highest"],
  ["ACOS", "acos"],
  ["ASIN", "asin"],
  ["ATAN", "atan"],
  ["ATAN2", "atan2"],
  ["COS", "cos"],
  ["SIN", "sin"],
  ["TAN", "tan"],
  ["EXP", "exp"],
  ["LOG", "log"],
  ["LOG10", "log10"],
  ["POWFUN", "pow"],
  ["SQRT", "sqrt"],
  ["ABS", "abs"],
  ["MIN", "min"],
  ["MAX", "max"],
  ["FMOD", "fmod"],
  ["REMAINDER", "remainder"],
  ["FLOOR", "floor"],
  ["CEIL", "ceil"],
  ["RINT", "rint"],
  ["ROUND", "round"],
  ["IPAR", "par"],
  ["ISEQ", "seq"],
  ["ISUM", "sum"],
  ["IPROD", "prod"],
  ["INPUTS", "inputs"],
  ["OUTPUTS", "outputs"],
  ["IMPORT", "import"],
  ["COMPONENT", "component"],
  ["LIBRARY", "library"],
  ["ENVIRONMENT", "environment"],
  ["WAVEFORM", "waveform"],
  ["ROUTE", "route"],
  ["DECLARE", "declare"],
  ["CASE", "case"],
  ["FLOATMODE", "singleprecision"],
  ["DOUBLEMODE", "doubleprecision"],
  ["QUADMODE", "quadprecision"],
  ["FIXEDPOINTMODE", "fixedpointprecision"],
  ["FAD", "fad"],
  ["RAD", "rad"],
  ["ONDEMAND", "ondemand"],
  ["UPSAMPLING", "upsampling"],
  ["DOWNSAMPLING", "downsampling"],
] as const;

type TokName = (typeof names)[number][0];

/** Token kind numbers, by name. */
export const T = Object.fromEntries(names.map(([n], i) => [n, i])) as { readonly [N in TokName]: number };

/** Display text of each token kind, for messages. */
export const tokenNames: readonly string[] = names.map(([, d]) => d);

const firstKeyword = T.XOR;

/** The reserved words, mapped to their token kinds. */
export const keywords: ReadonlyMap<string, number> = new Map(names.slice(firstKeyword).map(([, word], i) => [word, firstKeyword + i]));

/** Describes a token kind for a message: keywords as `'word'`. */
export function describeToken(kind: number): string {
  return kind >= firstKeyword ? `'${tokenNames[kind]}'` : tokenNames[kind]!;
}

/** The lexer's output: parallel arrays; the last token is EOF. */
export interface Tokens {
  readonly file: SourceFile;
  readonly count: number;
  readonly kinds: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly diagnostics: Diagnostic[];
}

// Character codes.
const C_TAB = 9, C_LF = 10, C_CR = 13, C_SP = 32;
const C_BANG = 33, C_DQ = 34, C_PCT = 37, C_AMP = 38, C_SQ = 39, C_LP = 40, C_RP = 41, C_STAR = 42, C_PLUS = 43;
const C_COMMA = 44, C_MINUS = 45, C_DOT = 46, C_SLASH = 47, C_0 = 48, C_9 = 57, C_COLON = 58, C_SEMI = 59;
const C_LT = 60, C_EQ = 61, C_GT = 62, C_AT = 64, C_LB = 91, C_BSL = 92, C_RB = 93, C_CARET = 94, C_US = 95;
const C_LBR = 123, C_BAR = 124, C_RBR = 125, C_TILDE = 126, C_e = 101, C_f = 102;

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}
function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isIdChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === C_US;
}

/** Tokenizes a source file. Lexical errors become diagnostics; scanning always finishes. */
export function lex(file: SourceFile): Tokens {
  const text = file.text;
  const n = text.length;
  const cap = n + 2;
  const kinds = new Uint8Array(cap);
  const starts = new Int32Array(cap);
  const ends = new Int32Array(cap);
  const diagnostics: Diagnostic[] = [];
  let count = 0;
  const push = (k: number, s: number, e: number) => {
    kinds[count] = k;
    starts[count] = s;
    ends[count] = e;
    count++;
  };
  const span = (start: number, end: number) => ({ file, start, end });

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    // whitespace
    if (c === C_SP || c === C_LF || c === C_TAB || c === C_CR) {
      i++;
      continue;
    }
    const start = i;
    // identifiers and keywords: `_*[A-Za-z][_A-Za-z0-9]*`; a lone `_` is the wire
    if (isLetter(c) || c === C_US) {
      let j = i;
      while (j < n && text.charCodeAt(j) === C_US) j++;
      if (j < n && isLetter(text.charCodeAt(j))) {
        j++;
        while (j < n && isIdChar(text.charCodeAt(j))) j++;
        const word = text.slice(i, j);
        push(keywords.get(word) ?? T.IDENT, i, j);
        i = j;
      } else {
        push(T.WIRE, i, i + 1);
        i++;
      }
      continue;
    }
    // numbers
    if (isDigit(c) || (c === C_DOT && i + 1 < n && isDigit(text.charCodeAt(i + 1)))) {
      let j = i;
      let isFloat = false;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      if (j < n && text.charCodeAt(j) === C_DOT) {
        isFloat = true;
        j++;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
      }
      if (j < n && text.charCodeAt(j) === C_e) {
        let k = j + 1;
        const s = text.charCodeAt(k);
        if (s === C_PLUS || s === C_MINUS) k++;
        if (k < n && isDigit(text.charCodeAt(k))) {
          while (k < n && isDigit(text.charCodeAt(k))) k++;
          j = k;
          isFloat = true;
        }
      }
      if (j < n && text.charCodeAt(j) === C_f) {
        j++;
        isFloat = true;
      }
      push(isFloat ? T.FLOAT : T.INT, i, j);
      i = j;
      continue;
    }
    switch (c) {
      case C_DQ: {
        const close = text.indexOf('"', i + 1);
        if (close < 0) {
          diagnostics.push(diag("FL101", {}, span(i, i + 1)));
          i = n;
        } else {
          push(T.STRING, i, close + 1);
          i = close + 1;
        }
        continue;
      }
      case C_SLASH: {
        const d = text.charCodeAt(i + 1);
        if (d === C_SLASH) {
          let j = i + 2;
          while (j < n) {
            const e = text.charCodeAt(j);
            if (e === C_LF || e === C_CR) break;
            j++;
          }
          i = j;
          continue;
        }
        if (d === C_STAR) {
          const close = text.indexOf("*/", i + 2);
          if (close < 0) {
            // Faust accepts a comment left open at the end of the file; we warn.
            diagnostics.push(diag("FL102", {}, span(i, i + 2)));
            i = n;
          } else i = close + 2;
          continue;
        }
        push(T.DIV, i, i + 1);
        i++;
        continue;
      }
      case C_COLON:
        if (text.charCodeAt(i + 1) === C_GT) push(T.MIX, i, (i += 2));
        else push(T.SEQ, i, ++i);
        continue;
      case C_COMMA:
        push(T.PAR, i, ++i);
        continue;
      case C_LT: {
        const d = text.charCodeAt(i + 1);
        if (d === C_COLON) push(T.SPLIT, i, (i += 2));
        else if (d === C_LT) push(T.LSH, i, (i += 2));
        else if (d === C_EQ) push(T.LE, i, (i += 2));
        else {
          // `<mdoc>` documentation block, or an include name `<letters>` / `<letters.l>`
          if (text.startsWith("<mdoc>", i)) {
            const close = text.indexOf("</mdoc>", i + 6);
            if (close < 0) {
              diagnostics.push(diag("FL104", {}, span(i, i + 6)));
              i = n;
            } else i = close + 7;
            continue;
          }
          let j = i + 1;
          while (j < n && isLetter(text.charCodeAt(j))) j++;
          if (text.charCodeAt(j) === C_DOT && isLetter(text.charCodeAt(j + 1)) && text.charCodeAt(j + 2) === C_GT) {
            push(T.FSTRING, i, j + 3);
            i = j + 3;
          } else if (text.charCodeAt(j) === C_GT) {
            push(T.FSTRING, i, j + 1);
            i = j + 1;
          } else push(T.LT, i, ++i);
        }
        continue;
      }
      case C_GT: {
        const d = text.charCodeAt(i + 1);
        if (d === C_GT) push(T.RSH, i, (i += 2));
        else if (d === C_EQ) push(T.GE, i, (i += 2));
        else push(T.GT, i, ++i);
        continue;
      }
      case C_PLUS:
        if (text.charCodeAt(i + 1) === C_GT) push(T.MIX, i, (i += 2));
        else push(T.ADD, i, ++i);
        continue;
      case C_MINUS:
        if (text.charCodeAt(i + 1) === C_GT) push(T.LAPPLY, i, (i += 2));
        else push(T.SUB, i, ++i);
        continue;
      case C_EQ: {
        const d = text.charCodeAt(i + 1);
        if (d === C_EQ) push(T.EQ, i, (i += 2));
        else if (d === C_GT) push(T.ARROW, i, (i += 2));
        else push(T.DEF, i, ++i);
        continue;
      }
      case C_BANG:
        if (text.charCodeAt(i + 1) === C_EQ) push(T.NE, i, (i += 2));
        else push(T.CUT, i, ++i);
        continue;
      case C_TILDE:
        push(T.REC, i, ++i);
        continue;
      case C_STAR:
        push(T.MUL, i, ++i);
        continue;
      case C_PCT:
        push(T.MOD, i, ++i);
        continue;
      case C_CARET:
        push(T.POWOP, i, ++i);
        continue;
      case C_AT:
        push(T.FDELAY, i, ++i);
        continue;
      case C_SQ:
        push(T.DELAY1, i, ++i);
        continue;
      case C_AMP:
        push(T.AND, i, ++i);
        continue;
      case C_BAR:
        push(T.OR, i, ++i);
        continue;
      case C_SEMI:
        push(T.ENDDEF, i, ++i);
        continue;
      case C_LP:
        push(T.LPAR, i, ++i);
        continue;
      case C_RP:
        push(T.RPAR, i, ++i);
        continue;
      case C_LBR:
        push(T.LBRAQ, i, ++i);
        continue;
      case C_RBR:
        push(T.RBRAQ, i, ++i);
        continue;
      case C_LB:
        push(T.LCROC, i, ++i);
        continue;
      case C_RB:
        push(T.RCROC, i, ++i);
        continue;
      case C_BSL:
        push(T.LAMBDA, i, ++i);
        continue;
      case C_DOT:
        push(T.DOT, i, ++i);
        continue;
      default: {
        // One diagnostic per run of unexpected characters.
        let j = i + 1;
        while (j < n && !isKnownStart(text.charCodeAt(j))) j++;
        const cp = text.codePointAt(start)!;
        const shown = cp >= 0x20 && cp < 0x7f ? `'${String.fromCodePoint(cp)}'` : `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
        diagnostics.push(diag("FL103", { char: shown }, span(start, j)));
        i = j;
        continue;
      }
    }
  }
  push(T.EOF, n, n);
  return { file, count, kinds, starts, ends, diagnostics };
}

function isKnownStart(c: number): boolean {
  if (isIdChar(c)) return true;
  switch (c) {
    case C_SP: case C_LF: case C_TAB: case C_CR: case C_DQ: case C_SLASH: case C_COLON: case C_COMMA:
    case C_LT: case C_GT: case C_PLUS: case C_MINUS: case C_EQ: case C_BANG: case C_TILDE: case C_STAR:
    case C_PCT: case C_CARET: case C_AT: case C_SQ: case C_AMP: case C_BAR: case C_SEMI: case C_LP:
    case C_RP: case C_LBR: case C_RBR: case C_LB: case C_RB: case C_BSL: case C_DOT:
      return true;
    default:
      return false;
  }
}

/** The value of a number token's text (`12`, `1.5e-3f`, `.5`, `2.`). */
export function numberValue(text: string): number {
  const t = text.charCodeAt(text.length - 1) === C_f ? text.slice(0, -1) : text;
  return Number(t);
}
