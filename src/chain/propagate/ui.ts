// The user-interface description of a program, shaped like the JSON Faust
// writes: a tree of groups (`vgroup`, `hgroup`, `tgroup`) holding widgets
// with `type`, `label`, `address`, `meta`, and `init/min/max/step` (sliders,
// numeric entries) or `min/max` (bargraphs).
//
// Widgets are collected from the output signals: a widget that no output
// depends on is not part of the interface. The root is a vertical group named
// after the program, unless the whole interface already sits in one group,
// which then is the root (as Faust does). An empty label shows as `0x00`. Addresses are `/root/group/…/label`
// with blanks and the characters `# * , / ? [ ] { } ( )` of each label
// replaced by `_`.

import { evaluate } from "../../core/signals/evaluate.ts";
import { reachable } from "../../core/signals/graph.ts";
import type { Sig, SigOf, UIGroup } from "../../core/signals/signal.ts";

export type WidgetSig =
  | SigOf<"button">
  | SigOf<"checkbox">
  | SigOf<"hslider">
  | SigOf<"vslider">
  | SigOf<"nentry">
  | SigOf<"hbargraph">
  | SigOf<"vbargraph">
  | SigOf<"soundfile">;

export interface UIWidget {
  readonly type: WidgetSig["kind"];
  readonly label: string;
  readonly address: string;
  readonly meta?: readonly Record<string, string>[];
  readonly init?: number;
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
}

export interface UIGroupItem {
  readonly type: "vgroup" | "hgroup" | "tgroup";
  readonly label: string;
  /** The group's metadata, sorted by key as Faust's JSON has them (absent when none). */
  meta?: Record<string, string>[];
  readonly items: UIItem[];
}

export type UIItem = UIWidget | UIGroupItem;

const widgetKinds = new Set(["button", "checkbox", "hslider", "vslider", "nentry", "hbargraph", "vbargraph", "soundfile"]);

export function isWidget(s: Sig): s is WidgetSig {
  return widgetKinds.has(s.kind);
}

/** The widgets the outputs depend on, in depth-first order of first use. */
export function collectWidgets(outputs: readonly Sig[]): WidgetSig[] {
  return reachable(outputs).filter((s): s is WidgetSig => isWidget(s));
}

/** One address segment: Faust replaces these characters of a label by `_`. */
export function addressSegment(label: string): string {
  return label.replace(/[ #*,/?[\]{}()]/g, "_");
}

/** The value of a constant signal (widget parameters are constant expressions). */
function constantValue(s: Sig): number {
  if (s.kind === "int" || s.kind === "float") return s.value;
  return evaluate([s], { samples: 1 })[0]![0]!;
}

/** Faust shows an empty group or widget label as `0x00`, and line breaks in labels as blanks. */
export function shownLabel(label: string): string {
  return label === "" ? "0x00" : label.replace(/\r?\n/g, " ");
}

function groupType(g: UIGroup): UIGroupItem["type"] {
  return g.orient === "h" ? "hgroup" : g.orient === "t" ? "tgroup" : "vgroup";
}

function sortedMeta(meta: readonly (readonly [string, string])[]): Record<string, string>[] | undefined {
  if (meta.length === 0) return undefined;
  return [...meta].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, v]) => ({ [k]: v }));
}

/** Builds the interface tree of a program whose outputs are `outputs`. */
export function buildUI(outputs: readonly Sig[], programName: string): UIItem[] {
  const root: UIGroupItem = { type: "vgroup", label: programName, items: [] };
  const unnamedBargraphs = { hbargraph: 0, vbargraph: 0 };
  for (const w of collectWidgets(outputs)) {
    let group = root;
    for (const g of w.path) {
      const type = groupType(g);
      const label = shownLabel(g.label);
      let next = group.items.find((i): i is UIGroupItem => "items" in i && i.type === type && i.label === label);
      if (!next) {
        // meta before items, as in Faust's JSON (an undefined key is not written)
        next = { type, label, meta: undefined, items: [] };
        group.items.push(next);
      }
      // a group's metadata, from any of the places it is opened (first value of a key wins)
      for (const [k, v] of g.meta ?? []) if (!next.meta?.some((e) => k in e)) next.meta = sortedMeta([...(next.meta ?? []).map((e) => Object.entries(e)[0]!), [k, v]]);
      group = next;
    }
    // An unnamed bargraph is named after its type and a counter: vbargraph0, vbargraph1, …
    const item = widgetItem(w);
    if (w.label === "" && (w.kind === "hbargraph" || w.kind === "vbargraph")) group.items.push({ ...item, label: `${w.kind}${unnamedBargraphs[w.kind]++}` });
    else group.items.push(item);
  }
  // A single top-level group is the root itself.
  const top = root.items.length === 1 && "items" in root.items[0]! ? (root.items[0] as UIGroupItem) : root;
  addAddresses(top, "");
  return [top];
}

function widgetItem(w: WidgetSig): UIWidget {
  const base = { type: w.kind, label: shownLabel(w.label), address: "", ...(w.meta.length ? { meta: sortedMeta(w.meta) } : {}) };
  switch (w.kind) {
    case "hslider":
    case "vslider":
    case "nentry":
      return { ...base, init: constantValue(w.init), min: constantValue(w.min), max: constantValue(w.max), step: constantValue(w.step) };
    case "hbargraph":
    case "vbargraph":
      return { ...base, min: constantValue(w.min), max: constantValue(w.max) };
    default:
      return base;
  }
}

function addAddresses(g: UIGroupItem, prefix: string): void {
  const here = `${prefix}/${addressSegment(g.label)}`;
  g.items.forEach((item, i) => {
    if ("items" in item) addAddresses(item, here);
    else g.items[i] = { ...item, address: `${here}/${addressSegment(item.label)}` };
  });
}

/** All widgets of a UI tree, depth first. */
export function flattenUI(items: readonly UIItem[]): UIWidget[] {
  const out: UIWidget[] = [];
  const walk = (i: UIItem) => {
    if ("items" in i) i.items.forEach(walk);
    else out.push(i);
  };
  items.forEach(walk);
  return out;
}
