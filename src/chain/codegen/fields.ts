// FIR analyses every backend shares when it lays out a module's state:
//
//   scalarArrays(m)          the small arrays kept element by element (in locals or variables)
//   fieldUse(body, scalar)   what a function reads and writes, for caching fields in locals
//
// One copy, used by the JS, C/C++ and wasm backends, so that they make the same
// choices (and a change of policy is one edit).

import { FUNCTIONS, firChildren, type Expr, type FirModule, type FirNode, type Stmt } from "../../core/fir/fir.ts";

/** The key of element `k` of a scalarized array in a `fieldUse` result (JS also names its variable so). */
export const elementKey = (name: string, k: number): string => `${name}$${k}`;

/** Arrays of at most 16 elements without constant content, indexed only by in-range int literals in every function. */
export function scalarArrays(m: FirModule): Set<string> {
  const candidates = new Map(m.fields.filter((f) => f.size !== undefined && f.size <= 16 && !f.data).map((f) => [f.name, f.size!]));
  const stack: FirNode[] = FUNCTIONS.flatMap((fn) => [...m.functions[fn]]);
  while (stack.length) {
    const n = stack.pop()!;
    if ((n.kind === "loadArr" || n.kind === "storeArr") && candidates.has(n.name)) {
      const i = n.index;
      if (i.kind !== "int" || i.value < 0 || i.value >= candidates.get(n.name)!) candidates.delete(n.name);
    }
    stack.push(...firChildren(n));
  }
  return new Set(candidates.keys());
}

/**
 * The names a statement list reads or writes, and those it writes, in the
 * order the walk first meets them: a scalar (field or local) by its name, a
 * constant element of an array of `scalar` by `elementKey`, any other array
 * access by the array's name. Callers keep the names they hold in memory.
 */
export function fieldUse(body: readonly Stmt[], scalar: ReadonlySet<string>): { used: Set<string>; stored: Set<string> } {
  const used = new Set<string>();
  const stored = new Set<string>();
  const stack: FirNode[] = [...body];
  const keyOf = (name: string, index: Expr) => (index.kind === "int" && scalar.has(name) ? elementKey(name, index.value) : name);
  while (stack.length) {
    const n = stack.pop()!;
    if (n.kind === "load") used.add(n.name);
    else if (n.kind === "loadArr") used.add(keyOf(n.name, n.index));
    else if (n.kind === "store") (used.add(n.name), stored.add(n.name));
    else if (n.kind === "storeArr") {
      const k = keyOf(n.name, n.index);
      used.add(k);
      stored.add(k);
    }
    stack.push(...firChildren(n));
  }
  return { used, stored };
}
