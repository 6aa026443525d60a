// The block diagram of an evaluated Faust program, as `faust -svg` draws it:
// a block per primitive, number, UI widget, foreign object and table; `_` and
// `route` as wires, `!` as a wire that ends; `:`, `,`, `<:`, `:>` and `~`
// as the wiring between their sides (the feedback of `~` marked with its
// one-sample delay); named sub-expressions and UI groups framed with their
// name or label. Folding as Faust does it: when a diagram's complexity
// exceeds `fold` (default 25), each named sub-expression of complexity at
// least `foldComplexity` (default 2) becomes one block linking to a file of
// its own, drawn the same way.
//
// The translation walks the box tree with an explicit stack (evaluated boxes
// can be thousands of levels deep); shared sub-boxes are drawn once per
// occurrence, as in a block diagram, and a file per distinct folded box.

import type { Box } from "../../src/core/boxes/box.ts";
import { arity } from "../../src/chain/eval/arity.ts";
import { extractMetadata, labelPath } from "../../src/chain/propagate/labels.ts";
import { DiagramBuilder, type Block, type Diagram, type Frame } from "./model.ts";
import { InternalError } from "../../src/core/assert.ts";

export interface BoxDiagramOptions {
  /** Fold when a diagram's complexity exceeds this (Faust's -f, default 25). */
  readonly fold?: number;
  /** Smallest complexity of a sub-expression folded into its own file (Faust's -fc, default 2). */
  readonly foldComplexity?: number;
  /** Most blocks in one file; past it the largest named sub-expressions fold regardless (default 1,500). */
  readonly maxBlocks?: number;
}

export interface DiagramFile {
  /** File name (`process.svg`, then `NAME-K.svg`). */
  readonly file: string;
  readonly diagram: Diagram;
}

/** Faust's symbol for each primitive operator. */
const SYMBOL: Readonly<Record<string, string>> = {
  add: "+", sub: "−", mul: "×", div: "/", rem: "%", pow: "pow", delay: "@", and: "&", or: "|", xor: "xor",
  lsh: "<<", rsh: ">>", lt: "<", le: "<=", gt: ">", ge: ">=", eq: "==", ne: "!=", mem: "mem",
};

function numberText(v: number, isInt: boolean): string {
  if (isInt) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toFixed(1);
  const s = String(Number(v.toPrecision(6)));
  return s;
}

/** Complexity as Faust counts it: one per primitive, number, widget and foreign object; wiring is free. */
export function complexityOf(root: Box, memo: Map<Box, number>): number {
  const stack: Box[] = [root];
  while (stack.length > 0) {
    const b = stack[stack.length - 1]!;
    if (memo.has(b)) {
      stack.pop();
      continue;
    }
    const kids = structuralChildren(b);
    const pending = kids.filter((k) => !memo.has(k));
    if (pending.length > 0) {
      stack.push(...pending);
      continue;
    }
    stack.pop();
    let c = kids.length === 0 ? (b.kind === "wire" || b.kind === "cut" || b.kind === "slot" || b.kind === "route" ? 0 : 1) : 0;
    for (const k of kids) c += memo.get(k)!;
    memo.set(b, c);
  }
  return memo.get(root)!;
}

/** The children a diagram draws inside a box (the compositions and frames); everything else is one block. */
function structuralChildren(b: Box): Box[] {
  switch (b.kind) {
    case "seq":
    case "par":
    case "split":
    case "merge":
    case "rec":
      return [b.left, b.right];
    case "hgroup":
    case "vgroup":
    case "tgroup":
      return [b.body];
    case "symbolic":
    case "clocked":
      return [b.body];
    case "autodiff":
      return [b.body, b.seed];
    default:
      return [];
  }
}

/** A connection point: a block's port, or a wire junction. */
interface Point {
  readonly block?: string;
  readonly port?: number;
}

interface Iface {
  readonly ins: number[];
  readonly outs: number[];
}

type Task =
  | { readonly t: "enter"; readonly box: Box }
  | { readonly t: "exit"; readonly box: Box; readonly frames: Frame[]; readonly n: number };

class FileBuilder {
  readonly d: DiagramBuilder;
  private readonly points: Point[] = [];
  /** Links between points: from a sending point to a receiving one. */
  private readonly incoming = new Map<number, { from: number; feedback: boolean }[]>();
  private readonly slotUses = new Map<Box, number[]>();

  constructor(
    title: string,
    private readonly names: ReadonlyMap<Box, string>,
    private readonly complexity: Map<Box, number>,
    private readonly fold: boolean,
    private readonly foldComplexity: number,
    private readonly linkFor: (b: Box) => string,
  ) {
    this.d = new DiagramBuilder(title);
  }

  private point(p: Point = {}): number {
    this.points.push(p);
    return this.points.length - 1;
  }

  private link(from: number, to: number, feedback = false): void {
    let l = this.incoming.get(to);
    if (!l) this.incoming.set(to, (l = []));
    l.push({ from, feedback });
  }

  private blockIface(b: Omit<Block, "id">): Iface {
    const blk = this.d.block(b);
    return {
      ins: Array.from({ length: b.ins }, (_, i) => this.point({ block: blk.id, port: i })),
      outs: Array.from({ length: b.outs }, (_, i) => this.point({ block: blk.id, port: i })),
    };
  }

  private leaf(b: Box): Iface {
    const a = arity(b);
    switch (b.kind) {
      case "wire": {
        const p = this.point();
        return { ins: [p], outs: [p] };
      }
      case "cut":
        return this.blockIface({ kind: "cut", label: "!", title: "! (cut)", ins: 1, outs: 0 });
      case "int":
      case "real": {
        const text = numberText(b.value, b.kind === "int");
        return this.blockIface({ kind: "number", label: text, ins: 0, outs: 1 });
      }
      case "prim":
        return this.blockIface({ kind: b.op === "rdtable" || b.op === "rwtable" ? "table" : "prim", label: SYMBOL[b.op] ?? b.op, title: b.op, ins: a.ins, outs: a.outs });
      case "button":
      case "checkbox":
        return this.blockIface({ kind: "widget", label: widgetLabel(b.label), sub: b.kind, title: `${b.kind}("${b.label}")`, ins: a.ins, outs: a.outs });
      case "hslider":
      case "vslider":
      case "nentry":
        return this.blockIface({ kind: "widget", label: widgetLabel(b.label), sub: `${num(b.min)}…${num(b.max)} (${num(b.init)})`, title: `${b.kind}("${b.label}", ${num(b.init)}, ${num(b.min)}, ${num(b.max)}, ${num(b.step)})`, ins: a.ins, outs: a.outs });
      case "hbargraph":
      case "vbargraph":
        return this.blockIface({ kind: "widget", label: widgetLabel(b.label), sub: `${num(b.min)}…${num(b.max)}`, title: `${b.kind}("${b.label}")`, ins: a.ins, outs: a.outs });
      case "ffunction":
        return this.blockIface({ kind: "foreign", label: b.names[0] ?? "ffunction", title: `ffunction ${b.names.join("|")} ${b.include}`, ins: a.ins, outs: a.outs });
      case "fconstant":
      case "fvariable":
        return this.blockIface({ kind: "foreign", label: b.name, title: `${b.kind} ${b.name} ${b.include}`, ins: a.ins, outs: a.outs });
      case "waveform":
        return this.blockIface({ kind: "table", label: "waveform", sub: `${b.values.length} values`, ins: a.ins, outs: a.outs });
      case "soundfile":
        return this.blockIface({ kind: "table", label: widgetLabel(b.label), sub: "soundfile", ins: a.ins, outs: a.outs });
      case "route": {
        // route(ins, outs, pairs): pure wiring; an output nothing reaches is 0, as in Faust
        const ins = Array.from({ length: a.ins }, () => this.point());
        const outs = Array.from({ length: a.outs }, () => this.point());
        const pairs = routePairs(b);
        const fed = new Set<number>();
        for (const [i, o] of pairs) {
          if (i >= 1 && i <= a.ins && o >= 1 && o <= a.outs) {
            this.link(ins[i - 1]!, outs[o - 1]!);
            fed.add(o - 1);
          }
        }
        for (let o = 0; o < a.outs; o++) {
          if (fed.has(o)) continue;
          const zero = this.blockIface({ kind: "number", label: "0", ins: 0, outs: 1 });
          this.link(zero.outs[0]!, outs[o]!);
        }
        // inputs nothing reads end there
        const read = new Set(pairs.map(([i]) => i - 1));
        for (let i = 0; i < a.ins; i++) {
          if (read.has(i)) continue;
          const cut = this.blockIface({ kind: "cut", label: "!", ins: 1, outs: 0 });
          this.link(ins[i]!, cut.ins[0]!);
        }
        return { ins, outs };
      }
      case "slot": {
        const p = this.point();
        let uses = this.slotUses.get(b);
        if (!uses) this.slotUses.set(b, (uses = []));
        uses.push(p);
        return { ins: [], outs: [p] };
      }
      default:
        return this.blockIface({ kind: "prim", label: b.kind, ins: a.ins, outs: a.outs });
    }
  }

  private combine(b: Box, kids: Iface[]): Iface {
    switch (b.kind) {
      case "seq": {
        const [A, B] = kids as [Iface, Iface];
        A.outs.forEach((o, i) => this.link(o, B.ins[i]!));
        return { ins: A.ins, outs: B.outs };
      }
      case "par": {
        const [A, B] = kids as [Iface, Iface];
        return { ins: [...A.ins, ...B.ins], outs: [...A.outs, ...B.outs] };
      }
      case "split": {
        const [A, B] = kids as [Iface, Iface];
        const n = A.outs.length;
        B.ins.forEach((p, j) => this.link(A.outs[j % n]!, p));
        return { ins: A.ins, outs: B.outs };
      }
      case "merge": {
        const [A, B] = kids as [Iface, Iface];
        const m = B.ins.length;
        A.outs.forEach((o, i) => this.link(o, B.ins[i % m]!));
        return { ins: A.ins, outs: B.outs };
      }
      case "rec": {
        const [A, B] = kids as [Iface, Iface];
        B.ins.forEach((p, i) => this.link(A.outs[i]!, p));
        B.outs.forEach((o, i) => this.link(o, A.ins[i]!, true));
        return { ins: A.ins.slice(B.outs.length), outs: A.outs };
      }
      case "hgroup":
      case "vgroup":
      case "tgroup":
        return kids[0]!;
      case "autodiff": {
        // fad/rad(body, seeds): both sides read the same inputs; the derivative block takes the
        // body's outputs and the seeds and gives the primal and tangent (fad) or gradient (rad) outputs
        const [body, seed] = kids as [Iface, Iface];
        const a = arity(b);
        const ins = Array.from({ length: a.ins }, () => this.point());
        body.ins.forEach((p, i) => this.link(ins[i]!, p));
        seed.ins.forEach((p, i) => this.link(ins[i]!, p));
        const m = body.outs.length;
        const n = seed.outs.length;
        const what = b.mode === "fad" ? `${m}×(1+${n}) outputs: primal and tangents` : `${m}+${n} outputs: primal and gradients`;
        const d = this.blockIface({ kind: "prim", label: b.mode === "fad" ? "∂ fad" : "∇ rad", sub: what, title: `${b.mode}: ${m} body output(s), ${n} seed(s)`, ins: m + n, outs: a.outs });
        body.outs.forEach((o, i) => this.link(o, d.ins[i]!));
        seed.outs.forEach((o, i) => this.link(o, d.ins[m + i]!));
        return { ins, outs: d.outs };
      }
      case "clocked": {
        // the body's outputs pass through a block that takes the clock first and holds them
        const body = kids[0]!;
        const clock = this.point();
        const n = body.outs.length;
        const d = this.blockIface({ kind: "prim", label: `⏲ ${b.mode}`, sub: `${n} held output(s)`, title: `${b.mode}: the body runs in its own time, by the clock (first input)`, ins: n + 1, outs: n });
        this.link(clock, d.ins[0]!);
        body.outs.forEach((o, i) => this.link(o, d.ins[i + 1]!));
        return { ins: [clock, ...body.ins], outs: d.outs };
      }
      case "symbolic": {
        const body = kids[0]!;
        const p = this.point();
        for (const u of this.slotUses.get(b.slot) ?? []) this.link(p, u);
        return { ins: [p, ...body.ins], outs: body.outs };
      }
      default:
        throw new InternalError(`diagram: '${b.kind}' has no structure`);
    }
  }

  /** Draws `root` (the file's own box: never folded itself). */
  draw(root: Box): void {
    const tasks: Task[] = [{ t: "enter", box: root }];
    const results: Iface[] = [];
    while (tasks.length > 0) {
      const task = tasks.pop()!;
      if (task.t === "exit") {
        const kids = results.splice(results.length - task.n, task.n);
        results.push(this.combine(task.box, kids));
        for (let i = task.frames.length - 1; i >= 0; i--) this.d.closeFrame(task.frames[i]!);
        continue;
      }
      const b = task.box;
      const name = b === root ? undefined : this.names.get(b);
      const cx = this.complexity.get(b) ?? complexityOf(b, this.complexity);
      if (name !== undefined && this.fold && cx >= this.foldComplexity) {
        const a = arity(b);
        results.push(this.blockIface({ kind: "link", label: name, title: `${name}: ${a.ins} → ${a.outs} (complexity ${cx}); click to open`, ins: a.ins, outs: a.outs, href: this.linkFor(b) }));
        continue;
      }
      const frames: Frame[] = [];
      if (name !== undefined && cx > 1) frames.push(this.d.openFrame("named", name));
      if (b.kind === "hgroup" || b.kind === "vgroup" || b.kind === "tgroup") frames.push(this.d.openFrame("group", `${b.kind}("${widgetLabel(b.label)}")`));
      if (b.kind === "autodiff") frames.push(this.d.openFrame("autodiff", b.mode));
      const kids = structuralChildren(b);
      if (kids.length === 0) {
        results.push(this.leaf(b));
        for (let i = frames.length - 1; i >= 0; i--) this.d.closeFrame(frames[i]!);
        continue;
      }
      tasks.push({ t: "exit", box: b, frames, n: kids.length });
      for (let i = kids.length - 1; i >= 0; i--) tasks.push({ t: "enter", box: kids[i]! });
    }
    const top = results[0]!;
    // the diagram's own inputs and outputs
    top.ins.forEach((p, i) => {
      const io = this.blockIface({ kind: "input", label: `in${i}`, ins: 0, outs: 1 });
      this.link(io.outs[0]!, p);
    });
    top.outs.forEach((p, i) => {
      const io = this.blockIface({ kind: "output", label: `out${i}`, ins: 1, outs: 0 });
      this.link(p, io.ins[0]!);
    });
    this.resolveWires();
  }

  /** Turns the links between points into wires between block ports, following junctions back to the blocks that send. */
  private resolveWires(): void {
    type Sender = { readonly from: number; readonly feedback: boolean };
    const isJunction = (p: number) => this.points[p]!.block === undefined;
    const incoming = (p: number) => this.incoming.get(p) ?? [];
    // the senders reaching each junction: an iterative post-order walk, memoized (a loop of junctions alone carries nothing)
    const memo = new Map<number, Sender[]>();
    const resolve = (start: number): Sender[] => {
      const state = new Set<number>();
      const stack = [start];
      while (stack.length > 0) {
        const p = stack[stack.length - 1]!;
        if (memo.has(p)) {
          stack.pop();
          continue;
        }
        if (!state.has(p)) {
          state.add(p);
          for (const l of incoming(p)) if (isJunction(l.from) && !memo.has(l.from) && !state.has(l.from)) stack.push(l.from);
          continue;
        }
        stack.pop();
        const acc: Sender[] = [];
        for (const l of incoming(p)) {
          if (!isJunction(l.from)) acc.push(l);
          else for (const s of memo.get(l.from) ?? []) acc.push({ from: s.from, feedback: s.feedback || l.feedback });
        }
        memo.set(p, acc);
      }
      return memo.get(start)!;
    };
    this.points.forEach((pt, idx) => {
      if (pt.block === undefined) return;
      for (const l of incoming(idx)) {
        const senders = isJunction(l.from) ? resolve(l.from).map((s) => ({ from: s.from, feedback: s.feedback || l.feedback })) : [l];
        for (const s of senders) {
          const from = this.points[s.from]!;
          this.d.wire({ from: { block: from.block!, port: from.port! }, to: { block: pt.block, port: pt.port! }, ...(s.feedback ? { feedback: true } : {}) });
        }
      }
    });
  }
}

function num(b: Box): string {
  return b.kind === "int" || b.kind === "real" ? numberText(b.value, b.kind === "int") : "?";
}

/** The label a widget shows: its name without the group path (`h:osc/freq` → `freq`) and metadata. */
function widgetLabel(label: string): string {
  const l = extractMetadata(labelPath(label).name).label;
  return l === "" ? "0x00" : l.replace(/\r?\n/g, " ");
}

function routePairs(b: Box): [number, number][] {
  if (b.kind !== "route" || !b.spec) return [];
  const flat: number[] = [];
  const stack: Box[] = [b.spec];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.kind === "par") stack.push(x.right, x.left);
    else if (x.kind === "int" || x.kind === "real") flat.push(x.value);
  }
  const pairs: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  return pairs;
}

function fileStem(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^\.+/, "");
  return s === "" ? "expr" : s.slice(0, 60);
}

/**
 * The block diagram of an evaluated process: the entry file `process.svg`
 * and one file per folded sub-expression, in the order they are first met.
 */
export function boxDiagrams(process: Box, names: ReadonlyMap<Box, string>, opts: BoxDiagramOptions = {}): DiagramFile[] {
  const foldAt = opts.fold ?? 25;
  const fc = opts.foldComplexity ?? 2;
  const maxBlocks = opts.maxBlocks ?? 1500;
  const complexity = new Map<Box, number>();
  const fileOf = new Map<Box, string>();
  const queue: { box: Box; file: string; title: string }[] = [{ box: process, file: "process.svg", title: "process" }];
  fileOf.set(process, "process.svg");
  const linkFor = (b: Box): string => {
    let f = fileOf.get(b);
    if (!f) {
      const name = names.get(b) ?? "expr";
      f = `${fileStem(name)}-${fileOf.size}.svg`;
      fileOf.set(b, f);
      queue.push({ box: b, file: f, title: name });
    }
    return f;
  };
  const out: DiagramFile[] = [];
  for (let k = 0; k < queue.length; k++) {
    const { box, file, title } = queue[k]!;
    const fold = complexityOf(box, complexity) > foldAt;
    let fb = new FileBuilder(title, names, complexity, fold, fc, linkFor);
    fb.draw(box);
    // a file that is still too large folds every named sub-expression, whatever its size
    if (fb.d.blocks.length > maxBlocks && (!fold || fc > 1)) {
      fb = new FileBuilder(title, names, complexity, true, 1, linkFor);
      fb.draw(box);
    }
    out.push({ file, diagram: fb.d.build() });
  }
  return out;
}
