// Source spans of one compilation.
//
// Boxes and signals are hash-consed and live as long as the process: one node
// stands for the equal expressions of every program that builds it, so where
// it comes from is not a property of the node but of a compilation. A
// `SpanTable` maps nodes to the span of their first occurrence in one
// compilation (first writer wins within it); the compilation owns it and
// hands it down the chain (parser → evaluator → propagation → passes), so a
// program's diagnostics never point into a file of another program.
//
//   table.set(node, span)   records a span unless the node has one already
//   table.get(node)         the span, if any
//   table.addLayer(map)     consults a read-only table (a parsed file's spans) after the earlier ones

import type { Span } from "./diagnostics.ts";

export class SpanTable<K extends object> {
  private readonly own = new Map<K, Span>();
  private readonly layers: ReadonlyMap<K, Span>[] = [];
  private readonly layerSet = new Set<ReadonlyMap<K, Span>>();

  /** Adds a read-only table, consulted after the entries and tables before it (once per table). */
  addLayer(m: ReadonlyMap<K, Span>): void {
    if (this.layerSet.has(m)) return;
    this.layerSet.add(m);
    this.layers.push(m);
  }

  set(k: K, span: Span | undefined): void {
    if (span && this.get(k) === undefined) this.own.set(k, span);
  }

  get(k: K): Span | undefined {
    const s = this.own.get(k);
    if (s !== undefined) return s;
    for (const l of this.layers) {
      const t = l.get(k);
      if (t !== undefined) {
        this.own.set(k, t); // the answer does not change: remember it
        return t;
      }
    }
    return undefined;
  }

  /** `get` as a function. */
  readonly lookup = (k: K): Span | undefined => this.get(k);
}

/** A lookup of spans (a table's `lookup`, or none). */
export type SpanOf<K> = (k: K) => Span | undefined;

export const noSpans: SpanOf<object> = () => undefined;
