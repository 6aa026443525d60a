// The parsed form of a file, as text that can be stored and loaded back
// without lexing or parsing: the boxes of the file (schema-driven, each node
// as its kind and fields, children as indices of earlier nodes, in creation
// order), the statements with their spans, and the span the parser gave each
// node, replayed in parse order into the file's own span table
// (`ParsedFile.boxSpans`) as a fresh parse would fill it (first occurrence wins). Only files that
// parsed without diagnostics are encoded. The driver keeps these on disk
// (src/driver/parse-cache.ts) so that the standard library is not parsed
// again at every start of the command line.

import { SourceFile, type Span } from "../../core/diagnostics.ts";
import { assertNever, children, fieldsOf, kinds, mk, type Box, type BoxOf, type Kind } from "../../core/boxes/box.ts";
import { parseSource, type LazyDef, type ParsedFile, type Stmt } from "./parser.ts";

/** Bumped whenever the encoding changes. */
export const PARSED_FORM_VERSION = 1;

type Num = number | "-0" | "inf" | "-inf" | "nan";
type Field = number | Num | string | readonly number[] | readonly string[] | null;

interface Encoded {
  readonly v: number;
  /** [kind index, ...fields in schema order]. */
  readonly nodes: readonly (readonly Field[])[];
  readonly stmts: readonly number[];
  /** start, end of each statement. */
  readonly stmtSpans: readonly number[];
  /** node, start, end: the first span the parser gave each node. */
  readonly spans: readonly number[];
}

const kindIndex = new Map<Kind, number>(kinds.map((k, i) => [k, i]));

function encodeNumber(v: number): Num {
  if (Object.is(v, -0)) return "-0";
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return v;
}

function decodeNumber(v: Num): number {
  return v === "-0" ? -0 : v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v;
}

/** Parses a file and returns its parsed form, with the text of its encoding (undefined when the file has diagnostics). */
export function parseAndEncode(file: SourceFile): { parsed: ParsedFile; encoded: string | undefined } {
  const located: { b: Box; start: number; end: number }[] = [];
  const parsed = parseSource(file, (b, start, end) => void located.push({ b, start, end }));
  if (parsed.diagnostics.length) return { parsed, encoded: undefined };
  // Every node reachable from the statements or located by the parser, in id (creation) order.
  const seen = new Set<Box>();
  const stack: Box[] = [...parsed.stmts, ...located.map((l) => l.b)];
  while (stack.length) {
    const b = stack.pop()!;
    if (seen.has(b)) continue;
    seen.add(b);
    for (const c of children(b)) if (!seen.has(c)) stack.push(c);
  }
  const order = [...seen].sort((a, b) => a.id - b.id);
  const index = new Map<Box, number>(order.map((b, i) => [b, i]));
  const nodes = order.map((b) => {
    const rec = b as unknown as Record<string, unknown>;
    const out: Field[] = [kindIndex.get(b.kind)!];
    for (const [name, type] of fieldsOf(b.kind)) {
      const v = rec[name];
      switch (type) {
        case "box":
          out.push(index.get(v as Box)!);
          break;
        case "box?":
          out.push(v === undefined ? null : index.get(v as Box)!);
          break;
        case "boxes":
          out.push((v as readonly Box[]).map((c) => index.get(c)!));
          break;
        case "string":
          out.push(v as string);
          break;
        case "strings":
          out.push(v as readonly string[]);
          break;
        case "number":
          out.push(encodeNumber(v as number));
          break;
        default:
          assertNever(type);
      }
    }
    return out;
  });
  const firstSpan = new Set<Box>();
  const spans: number[] = [];
  for (const l of located) {
    if (firstSpan.has(l.b)) continue;
    firstSpan.add(l.b);
    spans.push(index.get(l.b)!, l.start, l.end);
  }
  const enc: Encoded = {
    v: PARSED_FORM_VERSION,
    nodes,
    stmts: parsed.stmts.map((s) => index.get(s)!),
    stmtSpans: parsed.spans.flatMap((s) => [s.start, s.end]),
    spans,
  };
  return { parsed, encoded: JSON.stringify(enc) };
}

/**
 * Rebuilds a file's parsed form from its encoding; undefined when the text is
 * not a parsed form of this version. Nothing is built yet: `lazyStmts` holds
 * each definition as a `LazyDef` (its name, arity and variants read from the
 * encoding), whose boxes, and their spans in `boxSpans`, are built when it is
 * forced; imports and declarations are built at once (they are small and the
 * import expansion reads them). Reading `stmts` builds every node, in
 * creation order, as an eager decoding would.
 */
export function decodeParsed(text: string, file: SourceFile): ParsedFile | undefined {
  let enc: Encoded;
  try {
    enc = JSON.parse(text) as Encoded;
  } catch {
    return undefined;
  }
  if (!enc || enc.v !== PARSED_FORM_VERSION || !Array.isArray(enc.nodes) || !Array.isArray(enc.stmts)) return undefined;
  const n = enc.nodes.length;
  for (let i = 0; i < n; i++) if (!kinds[enc.nodes[i]![0] as number]) return undefined;
  const boxes: (Box | undefined)[] = new Array(n);
  // the first span of each node, by node index (the encoding lists each node once)
  const spanAt = new Map<number, number>();
  for (let k = 0; k < enc.spans.length; k += 3) if (!spanAt.has(enc.spans[k]!)) spanAt.set(enc.spans[k]!, k);
  const boxSpans = new Map<Box, Span>();

  /** The box of node i, building the nodes it needs first (children have smaller indices); no recursion. */
  const build = (root: number): Box => {
    const have = boxes[root];
    if (have) return have;
    const stack = [root];
    while (stack.length) {
      const i = stack[stack.length - 1]!;
      if (boxes[i]) {
        stack.pop();
        continue;
      }
      const node = enc.nodes[i]!;
      const kind = kinds[node[0] as number]!;
      const pending: number[] = [];
      let j = 1;
      for (const [, type] of fieldsOf(kind)) {
        const v = node[j++];
        if (type === "box") {
          if (!boxes[v as number]) pending.push(v as number);
        } else if (type === "box?") {
          if (v !== null && !boxes[v as number]) pending.push(v as number);
        } else if (type === "boxes") for (const c of v as readonly number[]) if (!boxes[c]) pending.push(c);
      }
      if (pending.length) {
        stack.push(...pending);
        continue;
      }
      stack.pop();
      const b = makeNode(kind, node, boxes);
      boxes[i] = b;
      const k = spanAt.get(i);
      if (k !== undefined && !boxSpans.has(b)) boxSpans.set(b, { file, start: enc.spans[k + 1]!, end: enc.spans[k + 2]! });
    }
    return boxes[root]!;
  };

  const source = {};
  const defKind = kindIndex.get("def")!;
  const lazy = new Map<number, LazyDef>();
  const lazyStmts: Stmt[] = enc.stmts.map((i) => {
    const node = enc.nodes[i]!;
    if (node[0] !== defKind) return build(i);
    let d = lazy.get(i);
    if (!d) {
      // a def node: [kind, name, params, body, variants] (schema order)
      const [, name, params, , variants] = node as readonly [number, string, readonly number[], number, number];
      d = { kind: "lazyDef", name, arity: params.length, variants, source, force: () => build(i) as BoxOf<"def"> };
      lazy.set(i, d);
    }
    return d;
  });
  const spans: Span[] = [];
  for (let k = 0; k < enc.stmtSpans.length; k += 2) spans.push({ file, start: enc.stmtSpans[k]!, end: enc.stmtSpans[k + 1]! });
  let all: readonly Box[] | undefined;
  return {
    file,
    spans,
    diagnostics: [],
    boxSpans,
    lazyStmts,
    get stmts(): readonly Box[] {
      if (!all) {
        for (let i = 0; i < n; i++) build(i);
        all = enc.stmts.map((i) => boxes[i]!);
      }
      return all;
    },
  };
}

/** The box of an encoded node whose children are built. */
function makeNode(kind: Kind, node: readonly Field[], boxes: readonly (Box | undefined)[]): Box {
  const fields: Record<string, unknown> = {};
  let j = 1;
  for (const [name, type] of fieldsOf(kind)) {
    const v = node[j++];
    switch (type) {
      case "box":
        fields[name] = boxes[v as number];
        break;
      case "box?":
        fields[name] = v === null ? undefined : boxes[v as number];
        break;
      case "boxes":
        fields[name] = (v as readonly number[]).map((c) => boxes[c]!);
        break;
      case "string":
      case "strings":
        fields[name] = v;
        break;
      case "number":
        fields[name] = decodeNumber(v as Num);
        break;
      default:
        assertNever(type);
    }
  }
  return mk(kind, fields as never) as unknown as Box;
}

/** For tests: a file's parse and its round trip through the encoding. */
export function roundTrip(path: string, text: string): { parsed: ParsedFile; decoded: ParsedFile | undefined } {
  const file = new SourceFile(path, text);
  const { parsed, encoded } = parseAndEncode(file);
  return { parsed, decoded: encoded === undefined ? undefined : decodeParsed(encoded, new SourceFile(path, text)) };
}
