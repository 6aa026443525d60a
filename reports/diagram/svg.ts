// Drawing a laid-out diagram as SVG text. One style sheet (STYLE below) gives
// every kind of block, frame and wire its colours, in a light and a dark
// theme (the page's `prefers-color-scheme`, or a `data-theme="dark"`
// ancestor); the drawing itself only emits shapes with classes.

import { CHAR_W, LINE_H, type Layout, type PlacedBlock, type PlacedFrame, type PlacedWire, type Point } from "./layout.ts";

export const STYLE = `
.fl-diagram { --bg:#ffffff; --fg:#1d2330; --muted:#5b6575; --wire:#3d4b5f; --feedback:#b3261e;
  --prim:#e6eefc; --prim-s:#3f63a3; --number:#fff3d1; --number-s:#a87b00; --widget:#e3f5e6; --widget-s:#2e7d32;
  --foreign:#f3e5f5; --foreign-s:#7b1fa2; --table:#e0f2f1; --table-s:#00796b; --io:#eceff1; --io-s:#546e7a;
  --link:#dbe7ff; --link-s:#1a4fd6; --delay:#fdecea; --delay-s:#b3261e; --section:#fff8e1; --section-s:#e65100;
  --named:#6b7688; --group:#2e7d32; --recursion:#b3261e; --region:rgba(255,193,7,0.14); --region-s:#c79100; --autodiff:#7b1fa2; }
@media (prefers-color-scheme: dark) { .fl-diagram { --bg:#12161d; --fg:#e6e9ef; --muted:#a3acba; --wire:#aab6c8; --feedback:#ff8a80;
  --prim:#1f2b40; --prim-s:#8fb0ff; --number:#3a3020; --number-s:#ffd166; --widget:#1e3323; --widget-s:#81c784;
  --foreign:#35203a; --foreign-s:#ce93d8; --table:#18332f; --table-s:#80cbc4; --io:#263038; --io-s:#b0bec5;
  --link:#1c2c4d; --link-s:#9ab8ff; --delay:#3d1f1f; --delay-s:#ff8a80; --section:#3a2f14; --section-s:#ffb74d;
  --named:#9aa5b8; --group:#81c784; --recursion:#ff8a80; --region:rgba(255,202,40,0.12); --region-s:#ffca28; --autodiff:#ce93d8; } }
[data-theme="light"] .fl-diagram { --bg:#ffffff; --fg:#1d2330; --muted:#5b6575; --wire:#3d4b5f; }
[data-theme="dark"] .fl-diagram { --bg:#12161d; --fg:#e6e9ef; --muted:#a3acba; --wire:#aab6c8; --feedback:#ff8a80;
  --prim:#1f2b40; --prim-s:#8fb0ff; --number:#3a3020; --number-s:#ffd166; --widget:#1e3323; --widget-s:#81c784;
  --foreign:#35203a; --foreign-s:#ce93d8; --table:#18332f; --table-s:#80cbc4; --io:#263038; --io-s:#b0bec5;
  --link:#1c2c4d; --link-s:#9ab8ff; --delay:#3d1f1f; --delay-s:#ff8a80; --section:#3a2f14; --section-s:#ffb74d;
  --named:#9aa5b8; --group:#81c784; --recursion:#ff8a80; --region:rgba(255,202,40,0.12); --region-s:#ffca28; --autodiff:#ce93d8; }
.fl-diagram { font: 12px/1.2 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
.fl-diagram .bg { fill: var(--bg); }
.fl-diagram text { fill: var(--fg); }
.fl-diagram text.sub, .fl-diagram text.title { fill: var(--muted); font-size: 10px; }
.fl-diagram text.title { font-size: 13px; font-weight: 600; fill: var(--fg); }
.fl-diagram .block rect { stroke-width: 1.2; rx: 3; }
.fl-diagram .prim rect { fill: var(--prim); stroke: var(--prim-s); }
.fl-diagram .signal rect { fill: var(--prim); stroke: var(--prim-s); }
.fl-diagram .number rect { fill: var(--number); stroke: var(--number-s); }
.fl-diagram .widget rect { fill: var(--widget); stroke: var(--widget-s); }
.fl-diagram .foreign rect { fill: var(--foreign); stroke: var(--foreign-s); }
.fl-diagram .table rect { fill: var(--table); stroke: var(--table-s); }
.fl-diagram .input rect, .fl-diagram .output rect { fill: var(--io); stroke: var(--io-s); rx: 9; }
.fl-diagram .link rect { fill: var(--link); stroke: var(--link-s); stroke-width: 1.6; }
.fl-diagram .link text { fill: var(--link-s); text-decoration: underline; }
.fl-diagram .delay rect { fill: var(--delay); stroke: var(--delay-s); }
.fl-diagram .section rect { fill: var(--section); stroke: var(--section-s); }
.fl-diagram .cut rect { fill: var(--wire); stroke: none; }
.fl-diagram .frame rect { fill: none; stroke-width: 1.1; rx: 5; }
.fl-diagram .frame.named rect { stroke: var(--named); stroke-dasharray: 4 3; }
.fl-diagram .frame.group rect { stroke: var(--group); }
.fl-diagram .frame.recursion rect { stroke: var(--recursion); stroke-dasharray: 6 3; }
.fl-diagram .frame.region rect { fill: var(--region); stroke: var(--region-s); }
.fl-diagram .frame.autodiff rect { stroke: var(--autodiff); stroke-width: 1.6; }
.fl-diagram .frame text { fill: var(--muted); font-size: 11px; }
.fl-diagram .wire { fill: none; stroke: var(--wire); stroke-width: 1.1; }
.fl-diagram .wire.feedback { stroke: var(--feedback); }
.fl-diagram .mark { fill: var(--feedback); }
.fl-diagram .port { fill: var(--wire); }
.fl-diagram text.wlabel { fill: var(--feedback); font-size: 10px; }
`;

export function escapeXml(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "&") out += "&amp;";
    else if (ch === "<") out += "&lt;";
    else if (ch === ">") out += "&gt;";
    else if (ch === '"') out += "&quot;";
    else if (c < 0x20 && ch !== "\n" && ch !== "\t") out += `\\x${c.toString(16).padStart(2, "0")}`; // never a control character in XML
    else out += ch;
  }
  return out;
}

const n = (v: number) => (Math.round(v * 10) / 10).toString();

function frameSvg(f: PlacedFrame): string {
  const t = f.frame.title ? `<title>${escapeXml(f.frame.title)}</title>` : "";
  return `<g class="frame ${f.frame.kind}" data-id="${f.frame.id}">${t}<rect x="${n(f.x)}" y="${n(f.y)}" width="${n(f.width)}" height="${n(f.height)}"/>` +
    `<text x="${n(f.x + 6)}" y="${n(f.y + 13)}">${escapeXml(f.frame.label)}</text></g>`;
}

function blockSvg(p: PlacedBlock): string {
  const b = p.block;
  const t = b.title ? `<title>${escapeXml(b.title)}</title>` : "";
  const cx = p.x + p.width / 2;
  let text = "";
  if (b.kind !== "cut") {
    if (b.sub) {
      const y0 = p.y + p.height / 2 - LINE_H / 2 + 4;
      text = `<text x="${n(cx)}" y="${n(y0)}" text-anchor="middle">${escapeXml(b.label)}</text><text class="sub" x="${n(cx)}" y="${n(y0 + LINE_H)}" text-anchor="middle">${escapeXml(b.sub)}</text>`;
    } else text = `<text x="${n(cx)}" y="${n(p.y + p.height / 2 + 4)}" text-anchor="middle">${escapeXml(b.label)}</text>`;
  }
  const ports = [...p.inPorts, ...p.outPorts].map((q) => `<circle class="port" cx="${n(q.x)}" cy="${n(q.y)}" r="1.6"/>`).join("");
  const body = `<g class="block ${b.kind}" data-id="${b.id}" data-ins="${b.ins}" data-outs="${b.outs}">${t}<rect x="${n(p.x)}" y="${n(p.y)}" width="${n(p.width)}" height="${n(p.height)}"/>${text}${ports}</g>`;
  return b.href ? `<a href="${escapeXml(b.href)}">${body}</a>` : body;
}

function wireSvg(w: PlacedWire): string {
  const pts = w.points.map((q) => `${n(q.x)},${n(q.y)}`).join(" ");
  let extra = "";
  if (w.wire.feedback) {
    // the one-sample delay of `~`: a small square on the feedback wire, next to where it leaves
    const m = markPoint(w.points);
    extra += `<rect class="mark" x="${n(m.x - 3)}" y="${n(m.y - 3)}" width="6" height="6"/>`;
  }
  if (w.wire.label) {
    const m = markPoint(w.points);
    extra += `<text class="wlabel" x="${n(m.x + 4)}" y="${n(m.y - 4)}">${escapeXml(w.wire.label)}</text>`;
  }
  const cls = w.wire.feedback ? "wire feedback" : "wire";
  return `<g data-from="${w.wire.from.block}.${w.wire.from.port}" data-to="${w.wire.to.block}.${w.wire.to.port}"><polyline class="${cls}" points="${pts}"/>${extra}</g>`;
}

/** A point on the first segment long enough to carry a mark. */
function markPoint(points: readonly Point[]): Point {
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    if (Math.abs(a.x - b.x) + Math.abs(a.y - b.y) >= 12) return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }
  return points[0] ?? { x: 0, y: 0 };
}

export interface SvgOptions {
  /** A title drawn above the diagram. */
  readonly title?: string;
  /** Emit the style sheet inside the SVG (default true; false when a page gives it once). */
  readonly style?: boolean;
}

/** The SVG document of a layout. */
export function renderSvg(l: Layout, opts: SvgOptions = {}): string {
  const top = opts.title ? 24 : 0;
  const width = Math.max(l.width, opts.title ? opts.title.length * CHAR_W + 24 : 0);
  const height = l.height + top;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="fl-diagram" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}">`);
  if (opts.style !== false) parts.push(`<style>${STYLE}</style>`);
  parts.push(`<rect class="bg" x="0" y="0" width="${n(width)}" height="${n(height)}"/>`);
  if (opts.title) parts.push(`<text class="title" x="12" y="17">${escapeXml(opts.title)}</text>`);
  parts.push(`<g transform="translate(0,${top})">`);
  for (const f of l.frames) parts.push(frameSvg(f));
  for (const w of l.wires) parts.push(wireSvg(w));
  for (const b of l.blocks) parts.push(blockSvg(b));
  parts.push("</g></svg>");
  return parts.join("\n") + "\n";
}
