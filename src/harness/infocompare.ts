// Comparing faustlab's view of a program (inputs, outputs, UI widgets) with the
// reference compiler's JSON description. Used by the info agreement tests and
// the conformance runner.

import type { ReferenceMeta, ReferenceUIItem } from "./oracle.ts";
import type { SignalProgram } from "../driver/signals.ts";
import { flattenUI, type UIItem } from "../chain/propagate/ui.ts";

export interface WidgetKey {
  readonly type: string;
  readonly label: string;
  readonly address: string;
  readonly init?: number;
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
}

/** The widgets of the reference's UI description, depth first. */
export function referenceWidgets(items: readonly ReferenceUIItem[]): WidgetKey[] {
  const out: WidgetKey[] = [];
  const walk = (i: ReferenceUIItem) => {
    if (i.items) i.items.forEach(walk);
    else {
      const w: { -readonly [K in keyof WidgetKey]: WidgetKey[K] } = { type: i.type, label: i.label, address: i.address ?? "" };
      for (const k of ["init", "min", "max", "step"] as const) if (i[k] !== undefined) w[k] = i[k];
      out.push(w);
    }
  };
  items.forEach(walk);
  return out;
}

function ourWidgets(ui: readonly UIItem[]): WidgetKey[] {
  return flattenUI(ui).map((w) => ({ type: w.type, label: w.label, address: w.address, init: w.init, min: w.min, max: w.max, step: w.step }));
}

/** Widget parameters are FAUSTFLOAT in the reference: equal when they agree as float32. */
function sameNumber(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a === b || Math.fround(a) === Math.fround(b) || Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a));
}

function sameWidget(a: WidgetKey, b: WidgetKey): boolean {
  return (
    a.type === b.type &&
    a.label === b.label &&
    a.address === b.address &&
    sameNumber(a.init, b.init) &&
    sameNumber(a.min, b.min) &&
    sameNumber(a.max, b.max) &&
    sameNumber(a.step, b.step)
  );
}

export interface InfoDifference {
  readonly what: "inputs" | "outputs" | "ui";
  readonly detail: string;
}

/** What the reference says of a program: its arity and its widgets. */
export interface ExpectedInfo {
  readonly inputs: number;
  readonly outputs: number;
  readonly widgets: readonly WidgetKey[];
}

export function expectedInfo(ref: ReferenceMeta): ExpectedInfo {
  return { inputs: ref.inputs, outputs: ref.outputs, widgets: referenceWidgets(ref.ui) };
}

/**
 * The differences between our program description and the reference's
 * (empty when they agree). Widgets are compared as a multiset: the order of
 * items in Faust's JSON follows its code generator, not the source.
 */
export function compareInfo(ours: Pick<SignalProgram, "inputs" | "outputs" | "ui">, ref: ExpectedInfo): InfoDifference[] {
  const diffs: InfoDifference[] = [];
  if (ours.inputs !== ref.inputs) diffs.push({ what: "inputs", detail: `${ours.inputs} instead of ${ref.inputs}` });
  if (ours.outputs.length !== ref.outputs) diffs.push({ what: "outputs", detail: `${ours.outputs.length} instead of ${ref.outputs}` });
  const a = ourWidgets(ours.ui);
  const b = ref.widgets;
  const unmatched = [...b];
  const extra: WidgetKey[] = [];
  for (const w of a) {
    const k = unmatched.findIndex((r) => sameWidget(w, r));
    if (k >= 0) unmatched.splice(k, 1);
    else extra.push(w);
  }
  if (extra.length || unmatched.length) {
    const show = (w: WidgetKey) => `${w.type} ${w.address}${w.init !== undefined ? ` ${w.init}/${w.min}/${w.max}/${w.step}` : w.min !== undefined ? ` ${w.min}/${w.max}` : ""}`;
    diffs.push({
      what: "ui",
      detail: [...extra.map((w) => `extra ${show(w)}`), ...unmatched.map((w) => `missing ${show(w)}`)].slice(0, 6).join("; "),
    });
  }
  return diffs;
}
