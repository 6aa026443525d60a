// The canonical text form of a signal graph (roots = the output signals).
//
//   printSignals(roots) → text;   parseSignals(text) (parse.ts) rebuilds the same node objects.
//
// Format, one statement per line, values named %0, %1, … in print order:
//   %0 = input 0
//   %1 = proj @y, 0                 ; a recursion's signal, named by its group (forward reference allowed)
//   %2 = mul %0, %1                 ; binop/math1/math2 print their operator as the mnemonic
//   rec @y(1) {                     ; a recursion group with its arity
//     %3 = delay1 %1
//     %4 = add %0, %3
//     yield %4                      ; the bodies, in order
//   }
//   return %2                       ; the roots
// Each other kind prints `%n = kind f1, f2, …` with its schema fields in order:
// children as %n, lists as [..], floats always with '.'/'e' (or nan, inf, -inf),
// ints in decimal, strings/paths/metadata as JSON. The order is `segments()`:
// post-order from each root, with recursion groups printed as blocks after the
// root that first reaches them; a block holds the nodes on the group's cycles
// (`groupMembers`) first reached from it, the other nodes it needs are printed
// just before it. Deterministic: it depends only on the graph.

import { groupMembers, segments } from "./graph.ts";
import { encodeParam, fieldsOf, formatGroupName, recArity, SCHEMA, type RecSig, type Sig } from "./signal.ts";

export interface PrintOptions {
  /**
   * Print recursion groups under local names `@r0`, `@r1`, … in order of
   * first mention, instead of their global names (which depend on what else
   * the process created). The text is then the same in every process, as
   * golden tests need; parsing it builds an isomorphic graph with those names.
   */
  readonly localGroupNames?: boolean;
}

export function printSignals(roots: readonly Sig[], opts: PrintOptions = {}): string {
  return printSignalsNamed(roots, opts).text;
}

/** The canonical text and the local name (`%3`, or `@r0` for groups) it gives each node. */
export function printSignalsNamed(roots: readonly Sig[], opts: PrintOptions = {}): { text: string; name: (s: Sig) => string } {
  const names = new Map<Sig, string>();
  const lines: string[] = [];
  const local = new Map<RecSig, string>();
  const groupName = (g: RecSig): string => {
    if (!opts.localGroupNames) return formatGroupName(g.name);
    let n = local.get(g);
    if (n === undefined) local.set(g, (n = `@r${local.size}`));
    return n;
  };
  const ref = (s: Sig) => (s.kind === "rec" ? groupName(s) : names.get(s)!);
  const stmt = (s: Sig, indent: string) => {
    const name = `%${names.size}`;
    names.set(s, name);
    const schema = SCHEMA[s.kind] as { mnemonic?: string };
    const rec = s as unknown as Record<string, unknown>;
    const head = schema.mnemonic ? (rec[schema.mnemonic] as string) : s.kind;
    const args: string[] = [];
    for (const [field, type] of fieldsOf(s.kind)) {
      if (field === schema.mnemonic) continue;
      const v = rec[field];
      if (type === "sig") args.push(ref(v as Sig));
      else if (type === "group") args.push(groupName(v as RecSig));
      else if (type === "sigs") args.push(`[${(v as readonly Sig[]).map(ref).join(", ")}]`);
      else args.push(encodeParam(type, v));
    }
    lines.push(`${indent}${name} = ${head}${args.length ? " " + args.join(", ") : ""}`);
  };
  for (const seg of segments(roots)) {
    const g = seg.root;
    if (g.kind === "rec") {
      // nodes off the group's cycles go before the block (they never depend on its members)
      const members = new Set(groupMembers(g));
      for (const s of seg.nodes) if (!members.has(s)) stmt(s, "");
      lines.push(`rec ${groupName(g)}(${recArity(g)}) {`);
      for (const s of seg.nodes) if (s !== g && members.has(s)) stmt(s, "  ");
      lines.push(`  yield ${g.bodies.map(ref).join(", ")}`);
      lines.push("}");
    } else for (const s of seg.nodes) stmt(s, "");
  }
  lines.push(`return ${roots.map(ref).join(", ")}`);
  return { text: lines.join("\n") + "\n", name: (s) => (s.kind === "rec" ? groupName(s) : (names.get(s) ?? `?${s.kind}#${s.id}`)) };
}
