// Layout of a diagram by elkjs (the Eclipse Layout Kernel): layered, left to
// right, orthogonal wires, ports in fixed order (inputs on the west side top
// to bottom, outputs on the east side), frames as compound nodes laid out
// with their contents (hierarchy handling INCLUDE_CHILDREN). This file only
// translates to ELK's JSON graph and back to absolute coordinates: every
// position comes from ELK.

import { createRequire } from "node:module";
import type { ELK, ELKConstructorArguments, ElkExtendedEdge, ElkNode, ElkPort } from "elkjs/lib/elk-api.js";
import type { Block, Diagram, Frame, Wire } from "./model.ts";

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedBlock extends Rect {
  readonly block: Block;
  /** Absolute positions of the input ports, in order. */
  readonly inPorts: readonly Point[];
  readonly outPorts: readonly Point[];
}

export interface PlacedFrame extends Rect {
  readonly frame: Frame;
  readonly depth: number;
}

export interface PlacedWire {
  readonly wire: Wire;
  /** Absolute polyline from the source port to the target port. */
  readonly points: readonly Point[];
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly blocks: readonly PlacedBlock[];
  readonly frames: readonly PlacedFrame[];
  readonly wires: readonly PlacedWire[];
}

/** Character width and line height of the diagram's font (svg.ts uses 12 px sans-serif). */
export const CHAR_W = 7;
export const LINE_H = 14;
const PORT_GAP = 12;

/** The size of a block: its text, and room for its ports. */
export function blockSize(b: Block): { width: number; height: number } {
  switch (b.kind) {
    case "cut":
      return { width: 8, height: 12 };
    case "input":
    case "output":
      return { width: Math.max(24, b.label.length * CHAR_W + 10), height: 18 };
    default: {
      const text = Math.max(b.label.length, b.sub?.length ?? 0);
      const lines = b.sub ? 2 : 1;
      const width = Math.max(28, text * CHAR_W + 14);
      const height = Math.max(lines * LINE_H + 10, Math.max(b.ins, b.outs) * PORT_GAP + 4);
      return { width, height };
    }
  }
}

const FRAME_TOP = 20;

const rootOptions: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  "elk.layered.spacing.nodeNodeBetweenLayers": "26",
  "elk.spacing.nodeNode": "14",
  "elk.spacing.edgeNode": "8",
  "elk.spacing.edgeEdge": "5",
  "elk.layered.crossingMinimization.strategy": "LAYER_SWEEP",
  "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.padding": "[top=12,left=12,bottom=12,right=12]",
};

/**
 * Past this many blocks, ELK's network-simplex node placement and its default
 * crossing-minimization effort cost minutes (a 770-block signal graph: 75 s);
 * Brandes-Köpf placement with one sweep lays it out in a fifth of that.
 */
const LARGE = 300;
const largeOptions: Record<string, string> = {
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.layered.thoroughness": "1",
};

let elk: ELK | undefined;

/** elkjs's bundled build (a CommonJS module whose export is the constructor), loaded when first needed. */
function elkInstance(): ELK {
  const Elk = createRequire(import.meta.url)("elkjs/lib/elk.bundled.js") as new (args?: ELKConstructorArguments) => ELK;
  return new Elk();
}

/** Lays a diagram out. Deterministic: ELK's layered algorithm with the model order as tie-breaker. */
export async function layoutDiagram(d: Diagram): Promise<Layout> {
  const blocks = new Map(d.blocks.map((b) => [b.id, b]));
  const frames = new Map(d.frames.map((f) => [f.id, f]));
  const parent = new Map<string, string>();
  for (const f of d.frames) for (const m of f.members) parent.set(m, f.id);

  const ancestors = (id: string): string[] => {
    const out: string[] = [];
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) out.push(p);
    return out;
  };
  const lca = (a: string, b: string): string => {
    const pa = ancestors(a);
    const pb = new Set(ancestors(b));
    return pa.find((p) => pb.has(p)) ?? "root";
  };

  const elkNodes = new Map<string, ElkNode>();
  const nodeOf = (id: string): ElkNode => {
    const b = blocks.get(id);
    if (b) {
      const size = blockSize(b);
      const ports: ElkPort[] = [];
      for (let i = 0; i < b.ins; i++) ports.push({ id: `${b.id}.i${i}`, width: 0, height: 0, layoutOptions: { "elk.port.side": "WEST", "elk.port.index": String(b.ins - 1 - i) } });
      for (let i = 0; i < b.outs; i++) ports.push({ id: `${b.id}.o${i}`, width: 0, height: 0, layoutOptions: { "elk.port.side": "EAST", "elk.port.index": String(i) } });
      const n: ElkNode = { id, ...size, ports, layoutOptions: { "elk.portConstraints": "FIXED_ORDER", "elk.spacing.portPort": String(PORT_GAP - 2) } };
      elkNodes.set(id, n);
      return n;
    }
    const f = frames.get(id)!;
    const minW = Math.max(40, f.label.length * CHAR_W + 16);
    const n: ElkNode = {
      id,
      children: f.members.map(nodeOf),
      edges: [],
      layoutOptions: {
        "elk.padding": `[top=${FRAME_TOP},left=10,bottom=10,right=10]`,
        "elk.nodeSize.constraints": "MINIMUM_SIZE",
        "elk.nodeSize.minimum": `(${minW}, 30)`,
      },
    };
    elkNodes.set(id, n);
    return n;
  };
  const options = d.blocks.length > LARGE ? { ...rootOptions, ...largeOptions } : rootOptions;
  const root: ElkNode = { id: "root", layoutOptions: options, children: d.top.map(nodeOf), edges: [] };
  elkNodes.set("root", root);

  d.wires.forEach((w, i) => {
    const container = w.from.block === w.to.block ? (parent.get(w.from.block) ?? "root") : lca(w.from.block, w.to.block);
    const e: ElkExtendedEdge = { id: `w${i}`, sources: [`${w.from.block}.o${w.from.port}`], targets: [`${w.to.block}.i${w.to.port}`] };
    (elkNodes.get(container)!.edges ??= []).push(e);
  });

  elk ??= elkInstance();
  const out = await elk.layout(root);

  // absolute coordinates: node positions are relative to their parent, edge points to their container
  const origin = new Map<string, Point>([["root", { x: 0, y: 0 }]]);
  const placedBlocks: PlacedBlock[] = [];
  const placedFrames: PlacedFrame[] = [];
  const placedWires: (PlacedWire | undefined)[] = new Array(d.wires.length);
  const stack: { n: ElkNode; ox: number; oy: number; depth: number }[] = [{ n: out, ox: 0, oy: 0, depth: -1 }];
  const edgesOf: { e: ElkExtendedEdge; container: string }[] = [];
  while (stack.length > 0) {
    const { n, ox, oy, depth } = stack.pop()!;
    const x = ox + (n.x ?? 0);
    const y = oy + (n.y ?? 0);
    origin.set(n.id, { x, y });
    for (const e of n.edges ?? []) edgesOf.push({ e, container: (e as { container?: string }).container ?? n.id });
    const b = blocks.get(n.id);
    if (b) {
      const port = (pid: string): Point => {
        const p = n.ports!.find((q) => q.id === pid)!;
        return { x: x + (p.x ?? 0), y: y + (p.y ?? 0) };
      };
      placedBlocks.push({
        block: b, x, y, width: n.width ?? 0, height: n.height ?? 0,
        inPorts: Array.from({ length: b.ins }, (_, i) => port(`${b.id}.i${i}`)),
        outPorts: Array.from({ length: b.outs }, (_, i) => port(`${b.id}.o${i}`)),
      });
    } else if (n.id !== "root") {
      placedFrames.push({ frame: frames.get(n.id)!, x, y, width: n.width ?? 0, height: n.height ?? 0, depth });
    }
    for (const c of n.children ?? []) stack.push({ n: c, ox: x, oy: y, depth: depth + 1 });
  }
  const byPortIndex = new Map(placedBlocks.map((p) => [p.block.id, p]));
  for (const { e, container } of edgesOf) {
    const index = Number(e.id.slice(1));
    const w = d.wires[index]!;
    const o = origin.get(container) ?? { x: 0, y: 0 };
    const points: Point[] = [];
    for (const s of e.sections ?? []) {
      points.push({ x: o.x + s.startPoint.x, y: o.y + s.startPoint.y });
      for (const bp of s.bendPoints ?? []) points.push({ x: o.x + bp.x, y: o.y + bp.y });
      points.push({ x: o.x + s.endPoint.x, y: o.y + s.endPoint.y });
    }
    if (points.length === 0) {
      // ELK gives no route for a wire it could not place: draw it straight, port to port
      points.push(byPortIndex.get(w.from.block)!.outPorts[w.from.port]!, byPortIndex.get(w.to.block)!.inPorts[w.to.port]!);
    }
    placedWires[index] = { wire: w, points };
  }
  placedBlocks.sort((a, b) => Number(a.block.id.slice(1)) - Number(b.block.id.slice(1)));
  placedFrames.sort((a, b) => a.depth - b.depth || Number(a.frame.id.slice(1)) - Number(b.frame.id.slice(1)));
  const wires = placedWires.filter((w): w is PlacedWire => w !== undefined);
  return { width: out.width ?? 0, height: out.height ?? 0, blocks: placedBlocks, frames: placedFrames, wires };
}
