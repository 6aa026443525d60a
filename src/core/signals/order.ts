// A structural total order on signals that does not depend on the process's
// history.
//
// Node ids are dense creation numbers: the same program compiled after another
// one gets other ids, and a group's name (`r.17`) comes from a process-wide
// counter. Any canonical order (normalization's sum-of-products order, say)
// that used ids or names would make a compiler's output depend on what the
// process compiled before. This module orders nodes by a structural hash
// instead: kind, parameters (a group's name excluded) and the hashes of the
// children, recursion included:
//
// - an acyclic node: mix(kind, parameters, children's hashes);
// - a projection: mix(index, its group's hash);
// - a group whose bodies do not read its own projections: mix(arity, bodies);
// - a cycle (a strongly connected component of groups, projections and body
//   nodes): hashed in rounds: round 0 hashes each projection of the cycle as
//   mix(index, 0); round 1 as mix(index, round-0 hash of its group); a
//   group's hash is its round-1 hash and every node of the cycle is then
//   hashed once more with the projections as mix(index, group's hash).
//   Structurally equal cycles (same bodies up to renaming) get equal hashes
//   whatever their names and ids.
// - a group declared by `aliasGroup(g2, g)` (normalization rebuilding `g` as
//   `g2`) has g's hash, before and after its bodies are attached: its
//   projections sort the same while the group is under construction and
//   afterwards (which keeps normalization idempotent).
// - a group declared but not yet defined (and not aliased) hashes as its
//   arity only; hashes that depend on it are computed but not memoized.
//
// `compareSignals(a, b)` orders by hash, then by kind, parameters and the
// children's hashes (a collision of the 53-bit hash is then still ordered
// structurally); it returns 0 only for nodes that are structurally equal up to
// their groups' names (bisimilar-looking recursions): callers sort stably
// from an order that depends only on the program.
// Memoized by node id (nodes are immutable once their groups are defined);
// no JS recursion along the graph.

import { children, encodeParam, fieldsOf, isRecDefined, recArity, type RecSig, type Sig } from "./signal.ts";
import { stronglyConnected } from "./graph.ts";

// ---------------------------------------------------------------------------
// Hash mixing: two 32-bit lanes combined into a 53-bit safe integer

/** The structural hashes' mixer (two 32-bit lanes into a 53-bit number): order.ts's signal hash, and cse's hash of its classes. */
export class Mix {
  private a = 0x9e3779b9 | 0;
  private b = 0x85ebca6b | 0;
  num(v: number): this {
    // v is a 53-bit integer (a hash) or a small int
    const lo = v % 0x100000000 | 0;
    const hi = Math.floor(v / 0x100000000) | 0;
    this.word(lo);
    this.word(hi);
    return this;
  }
  str(s: string): this {
    this.word(s.length);
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
    return this;
  }
  private word(w: number): void {
    this.a = Math.imul(this.a ^ w, 0x01000193);
    this.a ^= this.a >>> 15;
    this.b = Math.imul(this.b + w, 0x5bd1e995);
    this.b ^= this.b >>> 13;
    this.b = Math.imul(this.b, 0xc2b2ae35);
  }
  done(): number {
    let a = this.a;
    let b = this.b ^ a;
    a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
    a ^= a >>> 13;
    b = Math.imul(b ^ (b >>> 16), 0xcc9e2d51);
    b ^= b >>> 15;
    return (a >>> 0) * 0x200000 + (b >>> 11);
  }
}

// ---------------------------------------------------------------------------
// Memo and aliases

let memo = new Float64Array(1024).fill(-1);
const aliases = new WeakMap<RecSig, RecSig>();

function stored(s: Sig): number {
  return s.id < memo.length ? memo[s.id]! : -1;
}
function store(s: Sig, h: number): void {
  if (s.id >= memo.length) {
    let n = memo.length;
    while (n <= s.id) n *= 2;
    const m = new Float64Array(n).fill(-1);
    m.set(memo);
    memo = m;
  }
  memo[s.id] = h;
}

/**
 * Declares that group `g2` (declared, maybe not yet defined) rebuilds `origin`:
 * g2 then orders as origin does, now and after its bodies are attached.
 * Normalization uses it for the groups it rebuilds.
 */
export function aliasGroup(g2: RecSig, origin: RecSig): void {
  if (g2 === origin || aliases.has(g2)) return;
  aliases.set(g2, aliases.get(origin) ?? origin);
}

/** The edges the hash follows: a group's bodies (or its alias), other nodes' children. */
function edges(s: Sig): readonly Sig[] {
  if (s.kind !== "rec") return children(s);
  const a = aliases.get(s);
  if (a) return [a];
  return isRecDefined(s) ? s.bodies : [];
}

/** The hash of kind and parameters with the given hashes of the children (in `children` order) and of a projection's group. */
function nodeHash(s: Sig, childHash: (c: Sig) => number): number {
  const m = new Mix().str(s.kind);
  if (s.kind === "rec") {
    const a = aliases.get(s);
    if (a) return childHash(a);
    m.num(recArity(s));
    if (!isRecDefined(s)) return m.str("undefined").done();
    for (const b of s.bodies) m.num(childHash(b));
    return m.done();
  }
  const rec = s as unknown as Record<string, unknown>;
  for (const [name, type] of fieldsOf(s.kind)) {
    const v = rec[name];
    if (type === "sig" || type === "group") m.num(childHash(v as Sig));
    else if (type === "sigs") {
      const list = v as readonly Sig[];
      m.num(list.length);
      for (const c of list) m.num(childHash(c));
    } else if (type !== "name") m.str(encodeParam(type, v));
  }
  return m.done();
}

// ---------------------------------------------------------------------------
// The hash: Tarjan's components over the nodes not yet hashed, dependencies first

/** The structural hash of a signal (a non-negative 53-bit integer). */
export function structuralHash(root: Sig): number {
  const h0 = stored(root);
  if (h0 >= 0) return h0;
  if (root.kind !== "rec") {
    // fast path: a node whose children (a projection's group) are hashed already
    const cs = children(root);
    if (cs.every((c) => stored(c) >= 0)) {
      const h = nodeHash(root, stored);
      store(root, h);
      return h;
    }
  }
  // hashes depending on an undefined, unaliased group: valid for this call only
  const local = new Map<Sig, number>();
  const tainted = new Set<Sig>();
  const get = (c: Sig): number => {
    const h = stored(c);
    return h >= 0 ? h : local.get(c)!;
  };
  const put = (s: Sig, h: number, taint: boolean) => {
    if (taint) {
      tainted.add(s);
      local.set(s, h);
    } else store(s, h);
  };
  const done = (c: Sig) => stored(c) >= 0 || local.has(c);

  stronglyConnected(
    [root],
    edges,
    (comp, vEdges) => {
      const v = comp[comp.length - 1]!;
      if (comp.length === 1 && !vEdges.includes(v)) {
        const taint = (v.kind === "rec" && !aliases.has(v) && !isRecDefined(v)) || (tainted.size > 0 && vEdges.some((c) => tainted.has(c)));
        put(v, nodeHash(v, get), taint);
      } else hashCycle(comp, get, put, tainted);
    },
    done,
  );
  return get(root);
}

/** Hashes a cyclic component in rounds (see the header). */
function hashCycle(comp: readonly Sig[], get: (c: Sig) => number, put: (s: Sig, h: number, taint: boolean) => void, tainted: ReadonlySet<Sig>): void {
  const inComp = new Set(comp);
  // post-order within the component, a projection of a group of the component being a leaf
  const order: Sig[] = [];
  const seen = new Set<Sig>();
  for (const start of comp) {
    if (seen.has(start)) continue;
    const st: [Sig, number][] = [[start, 0]];
    seen.add(start);
    while (st.length) {
      const top = st[st.length - 1]!;
      const [n, i] = top;
      const cs = n.kind === "proj" && inComp.has(n.group) ? [] : edges(n);
      if (i < cs.length) {
        top[1]++;
        const c = cs[i]!;
        if (inComp.has(c) && !seen.has(c)) {
          seen.add(c);
          st.push([c, 0]);
        }
        continue;
      }
      st.pop();
      order.push(n);
    }
  }
  const taint = comp.some((n) => edges(n).some((c) => tainted.has(c) || (c.kind === "rec" && !aliases.has(c) && !isRecDefined(c))));
  let groupHash = new Map<Sig, number>(); // of the previous round
  let cur = new Map<Sig, number>();
  const round = (r: number) => {
    cur = new Map();
    const h = (c: Sig) => cur.get(c) ?? get(c);
    for (const n of order) {
      // a projection of the cycle: its group's hash of the previous round (a constant in round 0)
      if (n.kind === "proj" && inComp.has(n.group)) cur.set(n, nodeHash(n, (g) => (r > 0 ? groupHash.get(g)! : 0)));
      else cur.set(n, nodeHash(n, h));
    }
  };
  round(0);
  groupHash = cur;
  round(1);
  groupHash = cur;
  round(2);
  for (const n of comp) put(n, n.kind === "rec" ? groupHash.get(n)! : cur.get(n)!, taint);
}

// ---------------------------------------------------------------------------
// The order

/**
 * A total preorder on signals independent of ids and group names: by
 * structural hash, then kind, parameters and children's hashes. 0 only for
 * the same node or structurally equal ones (up to group names).
 */
export function compareSignals(a: Sig, b: Sig): number {
  if (a === b) return 0;
  const ha = structuralHash(a);
  const hb = structuralHash(b);
  if (ha !== hb) return ha < hb ? -1 : 1;
  // a collision (or structurally equal nodes): kind, parameters, then children
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  for (const [name, type] of fieldsOf(a.kind)) {
    if (type === "sig" || type === "sigs" || type === "group" || type === "name") continue;
    const pa = encodeParam(type, ra[name]);
    const pb = encodeParam(type, rb[name]);
    if (pa !== pb) return pa < pb ? -1 : 1;
  }
  const ca = edges(a);
  const cb = edges(b);
  if (ca.length !== cb.length) return ca.length - cb.length;
  for (let i = 0; i < ca.length; i++) {
    const x = structuralHash(ca[i]!);
    const y = structuralHash(cb[i]!);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
