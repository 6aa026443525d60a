// The picture of a signal graph: one block per operation (each shared node
// once: the graph is a DAG with cycles, never expanded as a tree), a wire per
// operand, delays written on the wires they delay (z⁻¹, z⁻ⁿ), recursion
// groups framed with their name (the projections of a group are its bodies'
// wires, so the loop shows as a loop), linear regions shaded, LTI regions
// with their transfer function (order, poles nearest the unit circle) in a
// tooltip, filter nodes (fir, iir) labelled with their order. A graph with
// more than `maxBlocks` blocks folds: each recursion group, then each
// region, becomes one block.

import { reachable, groupMembers, type SignalGraph } from "../../src/core/signals/graph.ts";
import { fieldsOf, type RecSig, type Sig } from "../../src/core/signals/signal.ts";
import { AnalysisManager } from "../../analyses/analysis.ts";
import { ltiRegionsAnalysis, type Region } from "../../analyses/lti-regions.ts";
import { transferAnalysis, type RegionTransfer } from "../../analyses/transfer.ts";
import { rootsZ } from "../../analyses/zdomain/roots.ts";
import { DiagramBuilder, type BlockKind, type Diagram, type Frame } from "./model.ts";

export interface SignalDiagramOptions {
  /** Fold recursion groups and regions into single blocks past this many blocks (default 400). */
  readonly maxBlocks?: number;
  /** Shade linear regions and give their transfer functions (default true). */
  readonly regions?: boolean;
}

const BINOP: Readonly<Record<string, string>> = {
  add: "+", sub: "−", mul: "×", div: "/", rem: "%", shl: "<<", ashr: ">>", lshr: ">>>", gt: ">", lt: "<", ge: ">=", le: "<=", eq: "==", ne: "!=", and: "&", or: "|", xor: "^",
};

function fmtNum(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  return String(Number(v.toPrecision(6)));
}

const lit = (s: Sig) => (s.kind === "int" || s.kind === "float" ? fmtNum(s.value) : "?");

const sup = (n: number) => String(n).replace(/[0-9]/g, (d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(d)]!);

/** The text of a node's block, and its kind. */
function describe(s: Sig): { kind: BlockKind; label: string; sub?: string } {
  switch (s.kind) {
    case "int":
    case "float":
      return { kind: "number", label: fmtNum(s.value) };
    case "input":
      return { kind: "input", label: `in${s.index}` };
    case "binop":
      return { kind: "signal", label: BINOP[s.op] ?? s.op };
    case "math1":
    case "math2":
      return { kind: "signal", label: s.op };
    case "intcast":
      return { kind: "signal", label: "int" };
    case "floatcast":
      return { kind: "signal", label: "float" };
    case "delay":
      return { kind: "delay", label: "@" };
    case "delay1":
      return { kind: "delay", label: "z⁻¹" };
    case "button":
    case "checkbox":
      return { kind: "widget", label: s.label, sub: s.kind };
    case "hslider":
    case "vslider":
    case "nentry":
      return { kind: "widget", label: s.label, sub: `${s.kind} ${lit(s.min)}…${lit(s.max)}` };
    case "hbargraph":
    case "vbargraph":
      return { kind: "widget", label: s.label, sub: `${s.kind} ${lit(s.min)}…${lit(s.max)}` };
    case "soundfile":
      return { kind: "table", label: s.label, sub: "soundfile" };
    case "waveform":
      return { kind: "table", label: "waveform", sub: `${s.values.length} values` };
    case "table":
    case "rdtable":
    case "rwtable":
    case "sflength":
    case "sfrate":
    case "sfbuffer":
      return { kind: "table", label: s.kind };
    case "fconst":
    case "fvar":
      return { kind: "foreign", label: s.name };
    case "ffun":
      return { kind: "foreign", label: s.name };
    case "fir":
      return { kind: "section", label: "fir", sub: `order ${s.coefs.length - 1}` };
    case "iir":
      return { kind: "section", label: "iir", sub: `order ${s.coefs.length}` };
    case "sos": {
      const r = Math.max(0, ...s.poles.map((_, i, p) => (i % 2 === 0 ? Math.hypot(p[i]!, p[i + 1] ?? 0) : 0)));
      return { kind: "section", label: `${s.label || "section"} ${s.index + 1}/${s.count}`, sub: `biquad, |pole| ${r.toFixed(4)}` };
    }
    default:
      return { kind: "signal", label: s.kind };
  }
}

/** What an operand edge reads: a block's node, through delays and projections, with the delay it adds. */
interface Source {
  readonly node: Sig | undefined; // undefined: a loop of projections and delays alone (the value 0)
  readonly delay: number;
}

/** Follows delay1, constant delays and projections back to the node that computes the value. */
function sourceOf(s: Sig): Source {
  let delay = 0;
  let x = s;
  const seen = new Set<Sig>();
  for (;;) {
    if (seen.has(x)) return { node: undefined, delay };
    seen.add(x);
    if (x.kind === "delay1") {
      delay += 1;
      x = x.x;
    } else if (x.kind === "delay" && x.amount.kind === "int" && x.amount.value >= 1) {
      delay += x.amount.value;
      x = x.x;
    } else if (x.kind === "proj") {
      const body = (x.group as RecSig).bodies[x.index];
      if (!body) return { node: undefined, delay };
      x = body;
    } else return { node: x, delay };
  }
}

/** Operands drawn as wires (a widget's range is written in its block, not wired). */
function operands(s: Sig): Sig[] {
  if (s.kind === "hslider" || s.kind === "vslider" || s.kind === "nentry") return [];
  if (s.kind === "hbargraph" || s.kind === "vbargraph") return [s.x];
  // a waveform's literal values are written in its block (a table of thousands of numbers is one block)
  if (s.kind === "waveform") return s.values.filter((v) => !isLiteral(v));
  const out: Sig[] = [];
  const rec = s as unknown as Record<string, unknown>;
  for (const [name, type] of fieldsOf(s.kind)) {
    if (type === "sig") out.push(rec[name] as Sig);
    else if (type === "sigs") out.push(...(rec[name] as readonly Sig[]));
  }
  return out;
}

const isLiteral = (s: Sig) => s.kind === "int" || s.kind === "float";

/** A short description of a region's transfer functions, for its tooltip. */
function transferTitle(t: RegionTransfer | undefined, r: Region): string {
  const head = `${r.kind.toUpperCase()} region ${r.index}: ${r.members.length} nodes, ${r.inputs.length} input(s), ${r.outputs.length} output(s)`;
  if (!t) return head;
  if (t.kind === "none") return `${head}\nno transfer function: ${t.reason}`;
  const lines = [head, `${t.states} state(s)`];
  for (const p of t.pairs.slice(0, 4)) {
    const order = Math.max(p.a.length - 1, 0);
    let poles = "";
    if (t.kind === "lti" && order > 0) {
      try {
        const rs = rootsZ(p.a as readonly number[]).roots;
        const radii = rs.map((z) => Math.hypot(z.re, z.im)).sort((a, b) => b - a);
        poles = `, largest pole radius ${radii[0]!.toFixed(6)}${radii[0]! >= 1 ? " (unstable)" : ""}`;
      } catch {
        poles = "";
      }
    }
    lines.push(`H${p.outputIndex}${p.inputIndex}(z): order ${order}${poles}`);
  }
  if (t.pairs.length > 4) lines.push(`… ${t.pairs.length - 4} more pair(s)`);
  return lines.join("\n");
}

/** The picture of a signal graph. */
export function signalDiagram(g: SignalGraph, title: string, opts: SignalDiagramOptions = {}): Diagram {
  const maxBlocks = opts.maxBlocks ?? 400;
  const nodes = reachable(g.outputs);
  const groups = nodes.filter((s): s is RecSig => s.kind === "rec");
  // the nodes drawn as blocks: everything but projections, groups, constant delays and literals (a literal is drawn at each use)
  const drawn = nodes.filter((s) => s.kind !== "proj" && s.kind !== "rec" && s.kind !== "delay1" && !(s.kind === "delay" && s.amount.kind === "int" && s.amount.value >= 1) && !isLiteral(s));

  // recursion frames: a node goes to the smallest group it is on a cycle of
  const membersOf = new Map<RecSig, Set<Sig>>();
  for (const gr of groups) membersOf.set(gr, new Set(groupMembers(gr)));
  const bySize = [...groups].sort((a, b) => membersOf.get(a)!.size - membersOf.get(b)!.size);
  const groupOf = new Map<Sig, RecSig>();
  for (const gr of bySize) for (const m of membersOf.get(gr)!) if (!groupOf.has(m)) groupOf.set(m, gr);
  const groupParent = new Map<RecSig, RecSig | undefined>();
  for (const gr of groups) groupParent.set(gr, bySize.find((o) => o !== gr && membersOf.get(o)!.size > membersOf.get(gr)!.size && membersOf.get(o)!.has(gr)));

  // linear regions
  let regions: readonly Region[] = [];
  let regionOf = new Map<Sig, Region>();
  const transfers = new Map<Region, RegionTransfer>();
  if (opts.regions !== false) {
    const am = new AnalysisManager(g);
    const rr = am.get(ltiRegionsAnalysis);
    const drawnSet = new Set(drawn);
    regions = rr.regions.filter((r) => r.members.some((m) => drawnSet.has(m)));
    regionOf = new Map([...rr.regionOf].filter(([, r]) => regions.includes(r)));
    try {
      for (const t of am.get(transferAnalysis)) transfers.set(t.region, t);
    } catch {
      // no transfer functions: the regions are still shaded
    }
  }
  // a group frame sits inside a region when all its members are in it
  const groupRegion = new Map<RecSig, Region | undefined>();
  for (const gr of groups) {
    const r = regionOf.get(gr) ?? regionOf.get([...membersOf.get(gr)!].find((m) => regionOf.has(m))!);
    groupRegion.set(gr, r && [...membersOf.get(gr)!].every((m) => m.kind === "rec" || m.kind === "proj" || regionOf.get(m) === r || !drawn.includes(m)) ? r : undefined);
  }

  const fold = drawn.length > maxBlocks;
  const d = new DiagramBuilder(title);
  const blockOf = new Map<Sig, string>();
  /** Literal operands get a block of their own beside each use, in the user's frame. */
  const literalAt = new Map<string, string>();
  const place = (s: Sig): void => {
    const desc = describe(s);
    const ops = s.kind === "input" ? [] : operands(s);
    const b = d.block({ ...desc, ins: ops.length, outs: 1, title: s.kind });
    blockOf.set(s, b.id);
    ops.forEach((c, i) => {
      const src = sourceOf(c).node;
      if (src === undefined || isLiteral(src)) literalAt.set(`${b.id}.${i}`, d.block({ kind: "number", label: src ? fmtNum((src as { value: number }).value) : "0", ins: 0, outs: 1 }).id);
    });
  };
  const foldedOf = new Map<Sig, { id: string; ins: Sig[]; outs: Sig[] }>();

  // frame containers, built lazily so that a frame opens only when something goes in it
  interface Container {
    readonly key: RecSig | Region | undefined;
    readonly parent: Container | undefined;
  }
  const containerOfGroup = (gr: RecSig): Container => ({ key: gr, parent: groupParent.get(gr) ? containerOfGroup(groupParent.get(gr)!) : groupRegion.get(gr) ? { key: groupRegion.get(gr)!, parent: undefined } : undefined });
  const containerOf = (s: Sig): Container | undefined => {
    const gr = groupOf.get(s);
    if (gr) return containerOfGroup(gr);
    const r = regionOf.get(s);
    return r ? { key: r, parent: undefined } : undefined;
  };

  if (!fold) {
    // frames are opened in a nesting order: place each block under its chain of containers
    const frameFor = new Map<RecSig | Region, Frame>();
    const chainOf = (c: Container | undefined): (RecSig | Region)[] => {
      const out: (RecSig | Region)[] = [];
      for (let x = c; x; x = x.parent) if (x.key) out.unshift(x.key);
      return out;
    };
    // group the blocks by container chain, open frames in order
    const byChain = new Map<string, { chain: (RecSig | Region)[]; nodes: Sig[] }>();
    const keyId = new Map<RecSig | Region, number>();
    const kid = (k: RecSig | Region) => {
      let v = keyId.get(k);
      if (v === undefined) keyId.set(k, (v = keyId.size));
      return v;
    };
    for (const s of drawn) {
      const chain = chainOf(containerOf(s));
      const key = chain.map(kid).join("/");
      let e = byChain.get(key);
      if (!e) byChain.set(key, (e = { chain, nodes: [] }));
      e.nodes.push(s);
    }
    // open frames depth-first over the chains (sorted so that a prefix comes before its extensions)
    const entries = [...byChain.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const openStack: { key: RecSig | Region; frame: Frame }[] = [];
    for (const [, { chain, nodes: ns }] of entries) {
      // close frames not on this chain
      let common = 0;
      while (common < openStack.length && common < chain.length && openStack[common]!.key === chain[common]) common++;
      while (openStack.length > common) d.closeFrame(openStack.pop()!.frame);
      for (let i = common; i < chain.length; i++) {
        const k = chain[i]!;
        const isGroup = "bodies" in (k as object);
        const frame = isGroup
          ? d.openFrame("recursion", `recursion ${(k as RecSig).name}`)
          : d.openFrame("region", `${(k as Region).kind.toUpperCase()} region ${(k as Region).index}`, transferTitle(transfers.get(k as Region), k as Region));
        frameFor.set(k, frame);
        openStack.push({ key: k, frame });
      }
      for (const s of ns) place(s);
    }
    while (openStack.length > 0) d.closeFrame(openStack.pop()!.frame);
  } else {
    // folded: one block per outermost recursion group or region, the rest as blocks
    const unitOf = (s: Sig): RecSig | Region | undefined => {
      let c = containerOf(s);
      while (c?.parent) c = c.parent;
      return c?.key;
    };
    const units = new Map<RecSig | Region, Sig[]>();
    for (const s of drawn) {
      const u = unitOf(s);
      if (!u) {
        place(s);
        continue;
      }
      let l = units.get(u);
      if (!l) units.set(u, (l = []));
      l.push(s);
    }
    for (const [u, members] of units) {
      const inside = new Set(members);
      const ins: Sig[] = [];
      const outsSet = new Set<Sig>();
      for (const s of members)
        for (const c of operands(s)) {
          const src = sourceOf(c).node;
          if (src && !isLiteral(src) && !inside.has(src) && !ins.includes(src)) ins.push(src);
        }
      for (const s of drawn)
        if (!inside.has(s))
          for (const c of operands(s)) {
            const src = sourceOf(c).node;
            if (src && inside.has(src)) outsSet.add(src);
          }
      for (const o of g.outputs) {
        const src = sourceOf(o).node;
        if (src && inside.has(src)) outsSet.add(src);
      }
      const outs = [...outsSet];
      const isGroup = "bodies" in (u as object);
      const label = isGroup ? `recursion ${(u as RecSig).name}` : `${(u as Region).kind.toUpperCase()} region ${(u as Region).index}`;
      const b = d.block({
        kind: isGroup ? "delay" : "section",
        label,
        sub: `${members.length} nodes`,
        title: isGroup ? `${label}: ${members.length} nodes` : transferTitle(transfers.get(u as Region), u as Region),
        ins: ins.length,
        outs: Math.max(outs.length, 1),
      });
      const f = { id: b.id, ins, outs };
      for (const s of members) foldedOf.set(s, f);
    }
  }

  // wires: each operand from the block that computes it (through delays and projections)
  const outputBlocks = g.outputs.map((_, i) => d.block({ kind: "output", label: `out${i}`, ins: 1, outs: 0 }));
  const sendPort = (src: Sig): { block: string; port: number } | undefined => {
    const direct = blockOf.get(src);
    if (direct) return { block: direct, port: 0 };
    const f = foldedOf.get(src);
    if (f) return { block: f.id, port: Math.max(f.outs.indexOf(src), 0) };
    return undefined;
  };
  const wireTo = (operand: Sig, to: { block: string; port: number }, fromFolded?: { id: string }) => {
    const src = sourceOf(operand);
    let from: { block: string; port: number } | undefined;
    if (src.node === undefined || isLiteral(src.node)) {
      const lit = literalAt.get(`${to.block}.${to.port}`) ?? d.block({ kind: "number", label: src.node ? fmtNum((src.node as { value: number }).value) : "0", ins: 0, outs: 1 }).id;
      from = { block: lit, port: 0 };
    } else from = sendPort(src.node);
    if (!from || (fromFolded && from.block === fromFolded.id)) return;
    d.wire({ from, to, ...(src.delay > 0 ? { label: src.delay === 1 ? "z⁻¹" : `z⁻${sup(src.delay)}` } : {}) });
  };
  for (const s of drawn) {
    const f = foldedOf.get(s);
    if (f) continue;
    const id = blockOf.get(s)!;
    operands(s).forEach((c, i) => wireTo(c, { block: id, port: i }));
  }
  for (const [, f] of new Map([...foldedOf.values()].map((f) => [f.id, f]))) {
    f.ins.forEach((src, i) => {
      const from = sendPort(src);
      if (from) d.wire({ from, to: { block: f.id, port: i } });
    });
  }
  g.outputs.forEach((o, i) => wireTo(o, { block: outputBlocks[i]!.id, port: 0 }));
  return d.build();
}
