// Widget and group labels: Faust's label-path grammar and `[key:value]`
// metadata.
//
//   label  = name | path name          path  = '/' rpath? | rpath
//   rpath  = (gname '/')+              gname = '..' | '.' | ('h:'|'v:'|'t:') name
//
// A label is a name, possibly preceded by group steps: `h:A/v:B/freq` puts
// `freq` in the vertical group B inside the horizontal group A; `../x` moves
// one group up; a leading `/` restarts from the root. A segment without a
// one-letter group prefix ends the path: the rest (slashes included) is the
// name, so `foo/bar` is one name. Metadata `[key:value]` (or `[key]`, an empty
// value) may appear anywhere in a name, its value possibly holding nested
// brackets; it is removed from the label.

import type { MetaEntry, UIGroup } from "../../core/signals/signal.ts";

export interface LabelPath {
  /** The group steps, top-down; `root` first when the label was absolute. */
  readonly steps: readonly ({ readonly kind: "root" } | { readonly kind: "parent" } | { readonly kind: "group"; readonly group: UIGroup })[];
  readonly name: string;
}

/** Splits a label into its group steps and its final name (metadata still inside). */
export function labelPath(label: string): LabelPath {
  const steps: LabelPath["steps"][number][] = [];
  let rest = label;
  for (;;) {
    if (rest.length === 0) return { steps, name: "" };
    if (rest[0] === "/") {
      steps.push({ kind: "root" });
      rest = rest.slice(1);
    } else if (rest.startsWith("./")) {
      rest = rest.slice(2);
    } else if (rest.startsWith("../")) {
      steps.push({ kind: "parent" });
      rest = rest.slice(3);
    } else if (rest[1] === ":") {
      const g = rest[0]!.toLowerCase();
      const orient = g === "h" ? "h" : g === "t" ? "t" : "v";
      const slash = rest.indexOf("/", 2);
      const name = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
      steps.push({ kind: "group", group: { orient, label: name } });
      rest = slash < 0 ? "" : rest.slice(slash + 1);
      if (slash < 0) return { steps, name: "" };
    } else return { steps, name: rest };
  }
}

/** Applies a label's steps to the current group path (top-down), returning the widget's path. */
export function resolvePath(current: readonly UIGroup[], steps: LabelPath["steps"]): UIGroup[] {
  let path = [...current];
  for (const s of steps) {
    if (s.kind === "root") path = [];
    else if (s.kind === "parent") path.pop();
    else path.push(s.group);
  }
  return path;
}

/**
 * Removes `[key:value]` metadata from a label. Returns the label with the
 * brackets removed and surrounding blanks trimmed, and the entries in source
 * order. An unterminated `[` is kept as text.
 */
export function extractMetadata(label: string): { label: string; meta: MetaEntry[] } {
  const meta: MetaEntry[] = [];
  let out = "";
  let i = 0;
  while (i < label.length) {
    const c = label[i]!;
    if (c === "[") {
      // The matching bracket: metadata values may hold brackets of their own ("[tooltip: see [1].]").
      let close = -1;
      for (let j = i + 1, depth = 1; j < label.length; j++) {
        if (label[j] === "[") depth++;
        else if (label[j] === "]" && --depth === 0) {
          close = j;
          break;
        }
      }
      if (close < 0) {
        out += label.slice(i);
        break;
      }
      const body = label.slice(i + 1, close);
      const colon = body.indexOf(":");
      if (colon < 0) meta.push([body.trim(), ""]);
      else meta.push([body.slice(0, colon).trim(), body.slice(colon + 1).trim()]);
      i = close + 1;
    } else {
      out += c;
      i++;
    }
  }
  return { label: out.trim(), meta };
}
