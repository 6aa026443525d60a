// The diagram model shared by the box diagrams (boxes.ts) and the signal-graph
// pictures (signals.ts): blocks with numbered input and output ports, wires
// from an output port to an input port, and frames (named sub-expressions, UI
// groups, recursion groups, LTI regions) that nest. Layout is elkjs's
// (layout.ts); drawing is svg.ts. Nothing here knows where a block came from.

import { InternalError } from "../../src/core/assert.ts";

/** What a block stands for; svg.ts's style sheet gives each its look. */
export type BlockKind =
  | "prim" // an operator or function
  | "number" // a constant
  | "widget" // a UI element
  | "foreign" // ffunction / fconstant / fvariable
  | "table" // waveform, rdtable, rwtable, soundfile
  | "cut" // `!`: a wire that ends
  | "input" // an input of the whole diagram
  | "output" // an output of the whole diagram
  | "link" // a folded sub-expression: a box linking to its own file
  | "delay" // a delay (signal graphs)
  | "signal" // any other signal operation (signal graphs)
  | "section"; // a realized filter section (signal graphs)

export interface Block {
  readonly id: string;
  readonly kind: BlockKind;
  /** The text in the block (one or two lines). */
  readonly label: string;
  /** A second line (a widget's range, a section's structure). */
  readonly sub?: string;
  /** Tooltip text. */
  readonly title?: string;
  readonly ins: number;
  readonly outs: number;
  /** A folded block's link (a sibling file). */
  readonly href?: string;
}

export type FrameKind = "named" | "group" | "recursion" | "region" | "autodiff";

export interface Frame {
  readonly id: string;
  readonly kind: FrameKind;
  readonly label: string;
  readonly title?: string;
  /** Block and frame ids directly inside. */
  readonly members: string[];
}

export interface Wire {
  readonly from: { readonly block: string; readonly port: number };
  readonly to: { readonly block: string; readonly port: number };
  /** A feedback wire of `~` (drawn with its one-sample delay mark). */
  readonly feedback?: boolean;
  /** A label on the wire (a delay amount in signal graphs). */
  readonly label?: string;
}

export interface Diagram {
  readonly title: string;
  readonly blocks: Block[];
  readonly frames: Frame[];
  readonly wires: Wire[];
  /** Ids of the members of the top level (blocks and frames not inside a frame). */
  readonly top: string[];
}

/** A diagram under construction; ids are dense and in creation order, so a diagram's text does not depend on the process. */
export class DiagramBuilder {
  private next = 0;
  readonly blocks: Block[] = [];
  readonly frames: Frame[] = [];
  readonly wires: Wire[] = [];
  readonly top: string[] = [];
  private readonly open: Frame[] = [];

  constructor(readonly title: string) {}

  private place(id: string): void {
    const f = this.open[this.open.length - 1];
    (f ? f.members : this.top).push(id);
  }

  block(b: Omit<Block, "id">): Block {
    const block: Block = { ...b, id: `b${this.next++}` };
    this.blocks.push(block);
    this.place(block.id);
    return block;
  }

  /** Opens a frame: blocks created until `closeFrame` go inside it. */
  openFrame(kind: FrameKind, label: string, title?: string): Frame {
    const frame: Frame = { id: `f${this.next++}`, kind, label, members: [], ...(title !== undefined ? { title } : {}) };
    this.frames.push(frame);
    this.place(frame.id);
    this.open.push(frame);
    return frame;
  }

  closeFrame(frame: Frame): void {
    const f = this.open.pop();
    if (f !== frame) throw new InternalError("diagram frames closed out of order");
    // an empty frame (only wires inside) is dropped
    if (frame.members.length === 0) {
      this.frames.splice(this.frames.indexOf(frame), 1);
      const parent = this.open[this.open.length - 1];
      const list = parent ? parent.members : this.top;
      list.splice(list.indexOf(frame.id), 1);
    }
  }

  wire(w: Wire): void {
    this.wires.push(w);
  }

  build(): Diagram {
    return { title: this.title, blocks: this.blocks, frames: this.frames, wires: this.wires, top: this.top };
  }
}
