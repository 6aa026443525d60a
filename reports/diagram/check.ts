// Checks of a drawing that hold for every diagram we emit (the tests and the
// all-programs script run them): no two blocks overlap, every wire starts on
// its source's output port and ends on its target's input port, every link
// of a folded block names a file of the drawing, and each SVG is well-formed
// XML (balanced tags, quoted attributes, escaped text).

import type { Layout } from "./layout.ts";

export interface CheckedFile {
  readonly file: string;
  readonly layout: Layout;
  readonly svg: string;
}

const near = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.abs(a.x - b.x) <= 1.5 && Math.abs(a.y - b.y) <= 1.5;

/** Problems of one laid-out file (empty when it is sound). */
export function layoutProblems(l: Layout): string[] {
  const out: string[] = [];
  // overlapping blocks: sort by x, compare with the blocks whose x-range can still meet
  const bs = [...l.blocks].sort((a, b) => a.x - b.x);
  for (let i = 0; i < bs.length && out.length < 10; i++) {
    const a = bs[i]!;
    for (let j = i + 1; j < bs.length; j++) {
      const b = bs[j]!;
      if (b.x >= a.x + a.width - 0.5) break;
      const ox = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const oy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (ox > 0.5 && oy > 0.5) out.push(`blocks ${a.block.id} (${a.block.label}) and ${b.block.id} (${b.block.label}) overlap`);
    }
  }
  const byId = new Map(l.blocks.map((b) => [b.block.id, b]));
  for (const w of l.wires) {
    const from = byId.get(w.wire.from.block)?.outPorts[w.wire.from.port];
    const to = byId.get(w.wire.to.block)?.inPorts[w.wire.to.port];
    const first = w.points[0];
    const last = w.points[w.points.length - 1];
    if (!from || !to || !first || !last) out.push(`wire ${w.wire.from.block}.${w.wire.from.port} → ${w.wire.to.block}.${w.wire.to.port} has no ports or no route`);
    else if (!near(first, from) || !near(last, to)) out.push(`wire ${w.wire.from.block}.${w.wire.from.port} → ${w.wire.to.block}.${w.wire.to.port} does not end on its ports`);
  }
  return out;
}

/** Problems of a well-formedness check of XML text (a small tokenizer: enough for the SVG we write). */
export function xmlProblems(text: string): string[] {
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<!DOCTYPE[^>]*>/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const between = text.slice(at, m.index);
    if (/[<]/.test(between)) return [`a '<' that opens no tag near offset ${at + between.indexOf("<")}`];
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(between)) return [`an unescaped '&' near offset ${at}`];
    at = m.index + m[0].length;
    if (m[2] === undefined) continue;
    if (m[1] === "/") {
      const open = stack.pop();
      if (open !== m[2]) return [`</${m[2]}> closes <${open ?? "nothing"}> at offset ${m.index}`];
    } else if (m[4] !== "/") stack.push(m[2]);
  }
  const rest = text.slice(at);
  if (/[<]/.test(rest)) return ["a '<' that opens no tag at the end"];
  if (stack.length) return [`unclosed <${stack[stack.length - 1]}>`];
  return [];
}

/** Problems of a set of files drawn together (links between them included). */
export function drawingProblems(files: readonly CheckedFile[]): string[] {
  const names = new Set(files.map((f) => f.file));
  const out: string[] = [];
  for (const f of files) {
    for (const p of layoutProblems(f.layout)) out.push(`${f.file}: ${p}`);
    for (const p of xmlProblems(f.svg)) out.push(`${f.file}: ${p}`);
    for (const b of f.layout.blocks) if (b.block.href && !names.has(b.block.href)) out.push(`${f.file}: link to missing ${b.block.href}`);
  }
  return out;
}
