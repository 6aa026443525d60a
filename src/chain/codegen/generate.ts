// FIR generation from normalized signals, with Faust's structure:
//
//   - every signal gets a *level*: literal, init (depends only on constants and
//     the sample rate: computed once in instanceConstants into a struct field),
//     block (depends on controls: computed at the top of compute into a local),
//     sample (computed inside the sample loop);
//   - a signal is *materialized* (given a variable) when it is used more than
//     once, read by a higher level (hoisting), delayed, stateful, or when
//     inlining would nest expressions too deep; otherwise it is inlined at its
//     single use;
//   - a signal read in the past gets a delay line written where the signal is
//     computed: a small array shifted at the end of each sample when its
//     largest delay is ≤ `maxCopyDelay` (Faust's -mcd, 16), else a
//     power-of-two ring buffer indexed by `(IOTA - d) & mask`;
//   - recursion needs nothing special: a projection is its body's value, and
//     the feedback goes through the delay line of that value;
//   - tables are filled in instanceConstants by running their generator (its
//     own scope, with its own state) `size` times; rwtables copy their
//     initial content at instanceClear; waveforms are constant arrays;
//   - controls are struct fields (zones) set by instanceResetUserInterface.
//
// Explicit `fir`/`iir` nodes are first lowered to ordinary signals (lower.ts).
//
// Block reversal (rad over a body with state, `reverse`/`tape` signals): the
// compute call is cut into blocks of at most `tapeBlock` samples; each node
// gets a *phase* (0, or 1 + the phase of the signals a reverse node's tapes
// record), and per block the sample loop of phase 0 runs, then the reverse
// sweep of the reverse nodes of phase 1 (the reversed graph as its own scope,
// its state cleared first, reading the tapes backwards and writing the
// gradient arrays), then the loop of phase 1, and so on. Values crossing
// from one phase's loop to a later one go through block arrays.
//
// Semantics follow src/core/signals/evaluate.ts (int wrap-around, C remainder,
// truncating casts, select2 on int(sel), clamped table indices, enable and
// control holding their last value, delays clamped at 0).
//
// Suspension (enable/control, src/core/signals/conditions.ts): a node with an
// execution condition other than true has its state updates under
// `if (condition)`: its delay-line write and shift (a ring's IOTA still
// advances every sample, as in Faust), a waveform's index, an rwtable's
// write, a clock domain's run, a prefix's first-run flag, a control's hold.
// Pure computations need no guard: a node is read only when its readers run,
// and then its condition holds too. The condition atoms are materialized and
// scheduled before the nodes they guard.

import { DiagnosticError, diag } from "../../core/diagnostics.ts";
import type { MetadataEntry } from "../eval/eval.ts";
import { instantOrder, reachable, tapesOf } from "../../core/signals/graph.ts";
import { condAnd, condAtom, condAtoms, conditionedOrder, conditions, lineShape, valueSource, type Cond, type Conditions } from "../../core/signals/conditions.ts";
import { scheduleSignals, type ScheduleUnit } from "../../core/signals/schedule.ts";
import type { Strategy } from "../../core/schedule.ts";
import { evaluate } from "../../core/signals/evaluate.ts";
import { describe } from "../../core/signals/verify.ts";
import { addressSegment, collectWidgets, flattenUI, shownLabel, type UIItem, type WidgetSig } from "../propagate/ui.ts";
import { assertNever, children, type Sig, type SigOf } from "../../core/signals/signal.ts";
import { typeOf } from "../../core/signals/types.ts";
import { checkProgram, type Interval, type ProgramInfo } from "../../core/signals/intervals.ts";
import { lowerFilters } from "./lower.ts";
import {
  COUNT, fir, MATH_FNS, POLY_FNS, SAMPLE_RATE,
  type Expr, type FieldDecl, type FirModule, type FirWidget, type MathFn, type Precision, type Stmt, type Ty,
} from "../../core/fir/fir.ts";

export interface FirOptions {
  readonly precision?: Precision;
  /** Delays up to this many samples use shifted arrays, longer ones ring buffers (Faust's -mcd; default 16). */
  readonly maxCopyDelay?: number;
  /** Inlined expressions deeper than this get a variable (default 32). */
  readonly maxInlineDepth?: number;
  /**
   * The order of the computations (Faust's -ss): a strategy of src/core/signals/schedule.ts
   * (recursions as units, block rate first). Undefined: the graph's instantaneous post-order
   * from its nodes in DFS pre-order (the order before schedules existed). Every order gives
   * the same samples.
   */
  readonly schedule?: Strategy;
  /** The longest block a reverse sweep covers (rad over a body with state): longer compute calls are cut (default 4096, at most 65536). */
  readonly tapeBlock?: number;
  /** With a schedule: bundle independent recursions of one shape into lockstep units (default true; -no-lockstep). */
  readonly lockstep?: boolean;
}

/** The default and the largest tape block (samples). */
export const TAPE_BLOCK = 4096;
export const MAX_TAPE_BLOCK = 65536;

/** What generation needs of a compiled program (the driver's SignalProgram is one). */
export interface FirInput {
  readonly name: string;
  readonly inputs: number;
  /** The output signals, one per output. */
  readonly outputs: readonly Sig[];
  readonly ui: readonly UIItem[];
  /** Delay-line and table sizes, intervals. */
  readonly info: ProgramInfo;
  readonly metadata?: readonly MetadataEntry[];
}

/** Largest state (sum of field sizes) a module may have: 2^28 cells (the reference's wasm fails well before). */
const MAX_STATE = 2 ** 28;

const LIT = 0;
const INIT = 1;
const BLOCK = 2;
const SAMPLE = 3;

/**
 * The foreign constants and variables generated code knows (every backend):
 * those the standard libraries use, which are all Faust's wasm and JS targets
 * accept. Any other is FL603.
 */
export const FOREIGN_CONSTANTS: Readonly<Record<string, string>> = {
  fSamplingFreq: "the sample rate (ma.SR, pl.SR)",
  SR: "the sample rate (faustlab's alias)",
};
export const FOREIGN_VARIABLES: Readonly<Record<string, string>> = {
  count: "the number of samples of the current compute call (ma.BS, pl.BS, mu.lib)",
};

function unknownForeign(s: SigOf<"fconst" | "fvar">): never {
  const table = s.kind === "fconst" ? FOREIGN_CONSTANTS : FOREIGN_VARIABLES;
  const known = Object.keys(table).map((k) => `'${k}'`).join(" and ");
  throw new DiagnosticError([diag("FL603", { what: s.kind === "fconst" ? "constant" : "variable", name: s.name, known })]);
}

function reject(s: Sig, detail: string): never {
  throw new DiagnosticError([diag("FL600", { what: `a '${s.kind}' signal`, detail })]);
}

const isLiteral = (s: Sig) => s.kind === "int" || s.kind === "float";
/** The lanes of a simd128 vector: f32x4, f64x2 (a bundle runs as a lane loop when its width is a multiple). */
const laneWidth = (p: Precision) => (p === "single" ? 4 : 2);
/** Operations whose operands a lane may hold swapped (the same value, bit for bit). */
const COMMUTATIVE_BINOPS: ReadonlySet<string> = new Set(["add", "mul", "and", "or", "xor", "eq", "ne"]);
const fround = Math.fround;

/** Compiles a program's output signals to a FIR module. Throws DiagnosticError (FL600) on what it cannot compile. */
export function generateFir(p: FirInput, opts: FirOptions = {}): FirModule {
  // explicit fir/iir nodes become ordinary delays, products, sums and recursions (lower.ts)
  const lowered = lowerFilters(p.outputs);
  if (lowered !== p.outputs) p = { ...p, outputs: lowered, info: checkProgram(lowered) };
  const m = new ModuleBuilder(p, opts);
  return m.build();
}

interface Line {
  readonly name: string;
  readonly size: number;
  readonly ring: boolean;
  readonly maxDelay: number;
  /** The ring buffer's counter (one per phase loop). */
  readonly iota?: string;
  /** A lockstep bundle's line: the lanes side by side, element j of lane l at j·k + l (l: the lane loop's variable in its body, a constant outside). */
  readonly lanes?: { readonly k: number; readonly lane: Expr };
}

/** A lockstep bundle as generation emits it: one loop over k lanes running lane 0's code on arrays. */
interface LaneBundle {
  readonly k: number;
  /** The lane loop's variable. */
  readonly v: string;
  /** lanes[l][i]: node i of lane l (lane 0's instantaneous order). */
  readonly lanes: readonly (readonly Sig[])[];
  /** What lane 0 reads from outside (canonical), with the value each lane reads in its place. */
  readonly leaves: Map<Sig, Sig[]>;
  /** Positions whose value is read outside the lanes (they get an array of k values). */
  readonly out: Set<number>;
  /** Some lane's line is read from outside (its shifts then run at the end of the sample, in a loop of their own). */
  pastOut: boolean;
}

/** The statement lists of one sample loop (one per phase in the main scope, else one). */
interface PhaseLists {
  readonly loopVar: string;
  /** line writes of values computed outside the loop */
  readonly head: Stmt[];
  readonly loop: Stmt[];
  readonly outputs: Stmt[];
  /** end of each sample: shifts, IOTA, counters */
  readonly end: Stmt[];
  iota?: string;
  first?: string;
}

/** What a reverse sweep's scope reads of the forward one. */
interface ReversedReads {
  /** The level of a tape's source in the forward scope. */
  level(t: SigOf<"tape">): number;
  /** The value of a tape at the current reversed sample. */
  value(t: SigOf<"tape">): Expr;
}

class ModuleBuilder {
  readonly precision: Precision;
  readonly maxCopyDelay: number;
  readonly maxInlineDepth: number;
  readonly schedule: Strategy | undefined;
  readonly lockstep: boolean;
  readonly fields: FieldDecl[] = [];
  readonly widgets: FirWidget[] = [];
  readonly zones = new Map<Sig, string>();
  readonly tables = new Map<Sig, { name: string; size: number; type: Ty }>();
  readonly tableFills: Stmt[] = [];
  readonly resetUI: Stmt[] = [];
  /** instanceConstants parts of the reverse sweeps' scopes */
  readonly extraInit: Stmt[] = [];
  readonly tapeBlock: number;
  /** The gradient arrays of reverse nodes. */
  readonly gradients = new Map<Sig, string>();
  private readonly counters = new Map<string, number>();
  readonly intervals: Map<Sig, Interval>;

  constructor(
    readonly p: FirInput,
    opts: FirOptions,
  ) {
    this.precision = opts.precision ?? "single";
    this.maxCopyDelay = opts.maxCopyDelay ?? 16;
    this.maxInlineDepth = opts.maxInlineDepth ?? 32;
    this.schedule = opts.schedule;
    this.lockstep = opts.lockstep ?? true;
    this.intervals = p.info.intervals;
    this.tapeBlock = opts.tapeBlock ?? TAPE_BLOCK;
    if (!(Number.isInteger(this.tapeBlock) && this.tapeBlock >= 1 && this.tapeBlock <= MAX_TAPE_BLOCK))
      throw new DiagnosticError([diag("FL551", { need: String(this.tapeBlock), limit: MAX_TAPE_BLOCK })]);
  }

  /** The block array a reverse node's sweep writes (one value per sample of the block). */
  gradient(r: Sig): string {
    let name = this.gradients.get(r);
    if (!name) this.gradients.set(r, (name = this.field(typeOf(r).nature === "int" ? "iGrad" : "fGrad", typeOf(r).nature, this.tapeBlock)));
    return name;
  }

  fresh(prefix: string): string {
    const n = this.counters.get(prefix) ?? 0;
    this.counters.set(prefix, n + 1);
    return `${prefix}${n}`;
  }
  field(prefix: string, type: Ty, size?: number, data?: readonly number[]): string {
    const name = this.fresh(prefix);
    this.fields.push({ name, type, ...(size !== undefined ? { size } : {}), ...(data ? { data } : {}) });
    return name;
  }
  lit(type: Ty, v: number): Expr {
    return type === "int" ? fir.int(v) : fir.float(this.precision === "single" ? fround(v) : v);
  }

  build(): FirModule {
    const p = this.p;
    this.makeWidgets();
    const main = new Scope(this, p.outputs, "i0", true);
    main.generate();
    const body: Stmt[] = main.phased ? this.blocks(main) : [...main.block, fir.for("i0", fir.int(0), fir.load(COUNT), [...main.loopHead, ...main.loop, ...main.outputs, ...main.end])];
    const cells = this.fields.reduce((n, f) => n + (f.size ?? 1), 0);
    if (cells > MAX_STATE)
      throw new DiagnosticError([diag("FL600", { what: "this program", detail: `its state needs ${cells} cells (delay lines and tables), more than the limit of ${MAX_STATE}` })]);
    return {
      name: p.name,
      precision: this.precision,
      inputs: p.inputs,
      outputs: p.outputs.length,
      fields: this.fields,
      widgets: this.widgets,
      ui: p.ui,
      metadata: (p.metadata ?? []).map((e) => [e.target ? `${e.target}.${e.key}` : e.key, e.value] as const),
      functions: {
        instanceConstants: [...this.tableFills, ...main.init, ...this.extraInit],
        instanceResetUserInterface: this.resetUI,
        instanceClear: main.clear,
        compute: body,
      },
    };
  }

  /**
   * The compute body of a program with reverse nodes: per block of at most
   * tapeBlock samples, the loop of each phase, each preceded by the reverse
   * sweep of the reverse nodes of that phase.
   */
  private blocks(main: Scope): Stmt[] {
    const B = this.tapeBlock;
    const chunk = this.fresh("iBlock");
    const start = main.blockStart;
    const len = main.blockLength;
    const inner: Stmt[] = [
      fir.declare(start, "int", fir.binop("mul", "int", fir.load(chunk), fir.int(B))),
      fir.declare(len, "int", fir.call("min", "int", [fir.int(B), fir.binop("sub", "int", fir.load(COUNT), fir.load(start))])),
    ];
    main.phaseLists.forEach((ph, q) => {
      const rs = main.reversesOfPhase(q);
      if (rs.length) inner.push(...this.sweep(main, rs, len));
      inner.push(fir.for(ph.loopVar, fir.int(0), fir.load(len), [...ph.head, ...ph.loop, ...ph.outputs, ...ph.end]));
    });
    const chunks = fir.binop("div", "int", fir.binop("add", "int", fir.load(COUNT), fir.int(B - 1)), fir.int(B));
    return [...main.block, fir.for(chunk, fir.int(0), chunks, inner)];
  }

  /** One reverse sweep: the reversed graphs of `rs` run from the block's end, from a zero state, into their gradient arrays. */
  private sweep(main: Scope, rs: readonly SigOf<"reverse">[], len: string): Stmt[] {
    const j = this.fresh("j_rev");
    // the forward sample of reversed sample j: len − 1 − j
    const at = fir.binop("sub", "int", fir.binop("sub", "int", fir.load(len), fir.int(1)), fir.load(j));
    const reads: ReversedReads = {
      level: (t) => main.levelOfNode(main.canon(t.x)),
      value: (t) => {
        const v = main.canon(t.x);
        if (main.levelOfNode(v) <= BLOCK) return main.convert(main.valueExpr(v), typeOf(v).nature, typeOf(t).nature);
        return main.convert(fir.loadArr(main.tapeOf(v), at), typeOf(v).nature, typeOf(t).nature);
      },
    };
    const rev = new Scope(this, rs.map((r) => r.x), j, false, reads);
    rev.generate();
    this.extraInit.push(...rev.init);
    const stores = rs.map((r) => {
      const x = rev.canon(r.x);
      return fir.storeArr(this.gradient(r), at, rev.convert(rev.valueExpr(x), typeOf(x).nature, typeOf(r).nature));
    });
    return [...rev.clear, ...rev.block, fir.for(j, fir.int(0), fir.load(len), [...rev.loopHead, ...rev.loop, ...stores, ...rev.end])];
  }

  /** Zones and addresses of the widgets, as buildUI lays them out. */
  private makeWidgets(): void {
    const ws = collectWidgets(this.p.outputs);
    const byAddress = new Map(flattenUI(this.p.ui).map((w) => [w.address, w]));
    const groupKey = (w: WidgetSig) => (w.path.length ? `${w.path[0]!.orient}:${shownLabel(w.path[0]!.label)}` : "");
    const single = ws.length > 0 && ws.every((w) => w.path.length > 0 && groupKey(w) === groupKey(ws[0]!));
    const unnamed = { hbargraph: 0, vbargraph: 0 };
    for (const w of ws) {
      if (w.kind === "soundfile") reject(w, "soundfiles are not supported yet");
      let label = shownLabel(w.label);
      if (w.label === "" && (w.kind === "hbargraph" || w.kind === "vbargraph")) label = `${w.kind}${unnamed[w.kind]++}`;
      const groups = w.path.map((g) => shownLabel(g.label));
      // without one enclosing group, buildUI's root is the program's own group (its `declare name`, else the file's)
      const segs = single ? [...groups, label] : [this.p.ui[0]?.label ?? this.p.name, ...groups, label];
      const address = "/" + segs.map(addressSegment).join("/");
      const item = byAddress.get(address);
      const cv = (s: Sig | undefined, dflt: number) => (s === undefined ? dflt : isLiteral(s) ? (s as SigOf<"int">).value : evaluate([s], { samples: 1 })[0]![0]!);
      const isSlider = w.kind === "hslider" || w.kind === "vslider" || w.kind === "nentry";
      const isBar = w.kind === "hbargraph" || w.kind === "vbargraph";
      const init = item?.init ?? (isSlider ? cv(w.init, 0) : 0);
      const min = item?.min ?? (isSlider || isBar ? cv(w.min, 0) : 0);
      const max = item?.max ?? (isSlider || isBar ? cv(w.max, 1) : 1);
      const step = item?.step ?? (isSlider ? cv(w.step, 0) : 0);
      const prefix = { button: "fButton", checkbox: "fCheckbox", hslider: "fHslider", vslider: "fVslider", nentry: "fEntry", hbargraph: "fHbargraph", vbargraph: "fVbargraph" }[w.kind];
      const zone = this.field(prefix, "float");
      this.zones.set(w, zone);
      this.widgets.push({ kind: w.kind, label, address, zone, init, min, max, step });
      this.resetUI.push(fir.store(zone, this.lit("float", isSlider ? init : 0)));
    }
  }

  /** The field holding a table's content, filling it at instanceConstants the first time. */
  table(t: Sig): { name: string; size: number; type: Ty } {
    const hit = this.tables.get(t);
    if (hit) return hit;
    if (t.kind !== "table") return reject(t, "not a table");
    const size = this.p.info.tables.get(t) ?? (t.size.kind === "int" ? t.size.value : NaN);
    if (!(size >= 1)) reject(t, "table size is not a known positive constant");
    const type = typeOf(t.gen).nature;
    const name = this.field(type === "int" ? "itbl" : "ftbl", type, size);
    const entry = { name, size, type };
    this.tables.set(t, entry);
    const gen = new Scope(this, [t.gen], this.fresh("i_tbl"), false);
    gen.generate();
    const k = gen.loopVar;
    const root = gen.canon(t.gen);
    const value = gen.convert(gen.valueExpr(root), typeOf(root).nature, type);
    this.tableFills.push(
      fir.block([...gen.clear, ...gen.init, ...gen.block, fir.for(k, fir.int(0), fir.int(size), [...gen.loopHead, ...gen.loop, fir.storeArr(name, fir.load(k), value), ...gen.end])]),
    );
    return entry;
  }
}

/** One signal graph compiled to statement lists: the main program, or a table generator. */
class Scope {
  /** instanceConstants part (level init) */
  readonly init: Stmt[] = [];
  /** state reset */
  readonly clear: Stmt[] = [];
  /** before the sample loop (level block) */
  readonly block: Stmt[] = [];
  /** The sample loops: one, or one per phase in a main scope with reverse nodes. */
  readonly phaseLists: PhaseLists[];
  /** Whether this main scope has reverse nodes (its compute is cut into blocks, see ModuleBuilder.blocks). */
  phased = false;
  /** The phase loop being emitted. */
  private cur = 0;
  private readonly phase = new Map<Sig, number>();
  /** Block arrays of values read by a later phase, tape arrays of the signals reverse sweeps read. */
  private readonly crossArrays = new Map<Sig, string>();
  private readonly tapes = new Map<Sig, string>();
  private readonly tapeSources = new Set<Sig>();
  /** The live reverse nodes (a main scope's). */
  private readonly reverses: SigOf<"reverse">[] = [];
  readonly blockStart: string;
  readonly blockLength: string;

  private readonly canonMemo = new Map<Sig, Sig>();
  private readonly level = new Map<Sig, number>();
  private readonly uses = new Map<Sig, number>();
  private readonly userLevel = new Map<Sig, number>();
  private readonly maxDelay = new Map<Sig, number>();
  private readonly lines = new Map<Sig, Line>();
  private readonly value = new Map<Sig, Expr>();
  private readonly materialize = new Set<Sig>();
  private readonly hoisted = new Map<string, Expr>();
  /** The fields holding each clock domain's outputs. */
  private readonly holds = new Map<Sig, readonly string[]>();
  /** Values read by a clock domain's body (materialized: the body reads their variables). */
  private readonly domainIns = new Set<Sig>();
  /** The lockstep bundle of each node of its lanes. */
  private readonly laneOf = new Map<Sig, LaneBundle>();
  /** Where sample-level code goes while a lane loop's body is emitted. */
  private laneBody: Stmt[] | undefined;
  /** The outside values lane 0 reads from its lane's array while a lane loop's body is emitted (not hoisted). */
  private readonly laneRead = new Set<Sig>();
  /** The execution conditions of this scope's nodes (enable/control), and their atoms. */
  private conds: Conditions = { any: false, exec: () => [] };
  private readonly atoms = new Set<Sig>();

  constructor(
    readonly mod: ModuleBuilder,
    readonly roots: readonly Sig[],
    readonly loopVar: string,
    readonly isMain: boolean,
    /** In the scope of a reverse sweep: how its tapes are read. */
    private readonly reversed?: ReversedReads,
    /** In a clock domain's body: what each `din` reads, and its level. */
    private readonly bound: ReadonlyMap<Sig, { readonly expr: Expr; readonly level: number }> = new Map(),
  ) {
    this.phaseLists = [{ loopVar, head: [], loop: [], outputs: [], end: [] }];
    this.blockStart = isMain ? mod.fresh("iBlockStart") : "";
    this.blockLength = isMain ? mod.fresh("iBlockLength") : "";
  }

  private ph(): PhaseLists {
    return this.phaseLists[this.cur]!;
  }
  get loopHead(): Stmt[] {
    return this.ph().head;
  }
  get loop(): Stmt[] {
    return this.ph().loop;
  }
  get outputs(): Stmt[] {
    return this.ph().outputs;
  }
  get end(): Stmt[] {
    return this.ph().end;
  }
  /** The input/output sample index of the current loop. */
  private sampleIndex(): Expr {
    const i = fir.load(this.ph().loopVar);
    return this.phased ? fir.binop("add", "int", fir.load(this.blockStart), i) : i;
  }
  levelOfNode(s: Sig): number {
    return this.level.get(s) ?? SAMPLE;
  }
  /** The reverse nodes whose sweep precedes the loop of phase q. */
  reversesOfPhase(q: number): SigOf<"reverse">[] {
    return this.reverses.filter((r) => (this.phase.get(r) ?? 0) === q);
  }
  /** The tape array of a forward signal a sweep reads. */
  tapeOf(v: Sig): string {
    return this.tapes.get(v)!;
  }

  private get precision() {
    return this.mod.precision;
  }

  /** The node whose value a node has: projections, outputs, attach, bargraphs and no-op casts are transparent. */
  canon(s: Sig): Sig {
    const hit = this.canonMemo.get(s);
    if (hit) return hit;
    const c = valueSource(s);
    this.canonMemo.set(s, c);
    return c;
  }

  private ty(s: Sig): Ty {
    return typeOf(s).nature;
  }

  /** Children whose current value a canonical node uses, and the signals it reads in the past (with the delay). */
  private deps(s: Sig): { now: readonly Sig[]; past: [Sig, number][] } {
    switch (s.kind) {
      case "delay1":
        return { now: [], past: [[s.x, 1]] };
      case "delay": {
        const a = s.amount;
        if (a.kind === "int") return { now: [], past: [[s.x, Math.max(0, a.value)]] };
        const d = this.mod.p.info.delays.get(s);
        if (d === undefined) return reject(s, "the delay has no known maximum (interval analysis did not size it)");
        return { now: [a], past: [[s.x, d]] };
      }
      case "prefix":
        return { now: [s.init], past: [[s.x, 1]] };
      case "rdtable":
        return { now: [s.index], past: [] };
      case "rwtable":
        return { now: [s.windex, s.wvalue, s.rindex], past: [] };
      case "waveform":
      case "button":
      case "checkbox":
      case "hslider":
      case "vslider":
      case "nentry":
      case "int":
      case "float":
      case "input":
      case "fconst":
      case "fvar":
        return { now: [], past: [] };
      case "table":
      case "rec":
      case "reverse":
      case "tape":
      case "din":
        return { now: [], past: [] };
      case "clocked":
        // the body is compiled in its own scope (emitDomain); here: its clock and the values it reads
        return { now: [s.clock, ...s.ins], past: [] };
      case "clockout":
        return { now: [s.domain], past: [] };
      case "soundfile":
      case "sflength":
      case "sfrate":
      case "sfbuffer":
        return reject(s, "soundfiles are not supported yet");
      default:
        return { now: children(s), past: [] };
    }
  }

  /** Liveness from the roots (not entering table generators), then levels, uses, lines and materialization. */
  generate(): void {
    // the nodes of this scope's clock domain (a domain's body is its own scope)
    this.conds = conditions(this.roots);
    // no lockstep bundles under enable/control (a suspended lane would need a guard of its own)
    const lockstep = this.mod.lockstep && !this.conds.any;
    // without -ss: the graph's own order, unless lockstep bundles are found (then depth-first, bundled)
    let sched: ReturnType<typeof scheduleSignals> | ReturnType<typeof instantOrder> = this.mod.schedule === undefined ? instantOrder(this.roots, true) : scheduleSignals(this.roots, this.mod.schedule, { lockstep });
    if (this.mod.schedule === undefined && lockstep && !("cycle" in sched)) {
      const b = scheduleSignals(this.roots, 0, { lockstep: true });
      if (!("cycle" in b) && b.units.some((u) => u.lanes && u.lanes.length % laneWidth(this.mod.precision) === 0)) sched = b;
    }
    if ("cycle" in sched) reject(sched.cycle[0]!, "it is on an instantaneous cycle");
    if (this.conds.any) {
      // the atoms of a condition before the nodes it guards
      sched = conditionedOrder(sched.order, this.conds);
      if ("cycle" in sched) reject(sched.cycle[0]!, "it is on an instantaneous cycle through the condition of an enable or a control");
    }
    // live nodes: a worklist over original nodes
    const live = new Set<Sig>();
    const work = [...this.roots];
    while (work.length) {
      const s = work.pop()!;
      if (live.has(s)) continue;
      live.add(s);
      switch (s.kind) {
        case "proj":
          work.push(s.group.bodies[s.index]!);
          break;
        case "attach":
          work.push(s.x, s.y);
          break;
        case "output":
        case "hbargraph":
        case "vbargraph":
          work.push(s.x);
          break;
        case "reverse":
          if (this.isMain) {
            this.phased = true;
            this.reverses.push(s);
            for (const t of tapesOf([s.x])) {
              this.tapeSources.add(this.canon(t.x));
              work.push(t.x);
            }
          }
          break;
        default:
          if (this.canon(s) !== s) work.push(this.canon(s));
          else {
            const { now, past } = this.deps(s);
            work.push(...now, ...past.map(([x]) => x));
          }
      }
    }
    const order = sched.order.filter((s) => live.has(s));
    // levels and uses
    const use = (c: Sig, lvl: number) => {
      const x = this.canon(c);
      this.uses.set(x, (this.uses.get(x) ?? 0) + 1);
      this.userLevel.set(x, Math.max(this.userLevel.get(x) ?? 0, lvl));
    };
    for (const s of order) {
      if (s.kind === "hbargraph" || s.kind === "vbargraph") {
        const x = this.canon(s.x);
        use(x, this.level.get(x) ?? SAMPLE);
        continue;
      }
      if (this.canon(s) !== s || s.kind === "rec" || s.kind === "table") continue;
      const { now, past } = this.deps(s);
      const lvl = this.levelOf(s, now);
      this.level.set(s, lvl);
      for (const c of now) use(c, lvl);
      if (s.kind === "clocked") for (const c of s.ins) this.domainIns.add(this.canon(c));
      for (const [x, d] of past) {
        const cx = this.canon(x);
        this.maxDelay.set(cx, Math.max(this.maxDelay.get(cx) ?? 0, d));
      }
    }
    for (const r of this.roots) use(r, SAMPLE);
    if (this.conds.any)
      for (const s of order)
        if (this.canon(s) === s && this.level.has(s))
          for (const a of condAtoms(this.conds.exec(s))) {
            const x = this.canon(a);
            this.atoms.add(x);
            use(x, SAMPLE);
          }
    if ("units" in sched && !this.phased) this.prepareBundles(sched.units, order);
    const laneLeaves = new Set<Sig>();
    for (const b of new Set(this.laneOf.values())) for (const [c0, cs] of b.leaves) laneLeaves.add(c0).add(cs[0]!), cs.forEach((c) => laneLeaves.add(c));
    const crossing = this.phased ? this.phases(order) : new Set<Sig>();
    for (const v of this.tapeSources) use(v, SAMPLE);
    // materialization and inline depth
    const depth = new Map<Sig, number>();
    for (const s of order) {
      if (this.canon(s) !== s || !this.level.has(s)) continue;
      if (isLiteral(s)) continue;
      const uses = this.uses.get(s) ?? 0;
      const lvl = this.level.get(s)!;
      const cheap = s.kind === "input" || s.kind === "button" || s.kind === "checkbox" || s.kind === "hslider" || s.kind === "vslider" || s.kind === "nentry" || s.kind === "waveform" || s.kind === "delay1" || (s.kind === "delay" && s.amount.kind === "int");
      let d = 1;
      for (const c of this.deps(s).now) {
        const cc = this.canon(c);
        if (!this.materialize.has(cc)) d = Math.max(d, 1 + (depth.get(cc) ?? 0));
      }
      const must =
        s.kind === "rwtable" ||
        s.kind === "clocked" ||
        (this.domainIns.has(s) && !cheap) ||
        (laneLeaves.has(s) && !cheap) ||
        s.kind === "enable" ||
        s.kind === "control" ||
        (this.atoms.has(s) && lvl === SAMPLE && s.kind !== "input") ||
        this.maxDelay.has(s) ||
        (!cheap && uses >= 2) ||
        (!cheap && (this.userLevel.get(s) ?? 0) > lvl) ||
        (lvl === SAMPLE && (crossing.has(s) || this.tapeSources.has(s))) ||
        d > this.mod.maxInlineDepth;
      if (must) this.materialize.add(s);
      else depth.set(s, d);
    }
    // lane 0 of a bundle materializes what any lane does; its lines hold the k lanes
    for (const b of new Set(this.laneOf.values()))
      b.lanes[0]!.forEach((s0, i) => {
        if (b.lanes.some((l) => this.materialize.has(l[i]!))) this.materialize.add(s0);
      });
    // delay lines (the shifts of a suspended node's line come after the emission, under its condition)
    const laneShifts = new Map<LaneBundle, Stmt[]>();
    const suspendedShifts: [Sig, number, Stmt[]][] = [];
    for (const [x, d] of this.maxDelay) {
      const b = this.laneOf.get(x);
      if (b && !b.lanes[0]!.includes(x)) continue; // lane 0's line holds every lane
      this.cur = this.phase.get(x) ?? 0;
      const { ring, size } = lineShape(d, this.mod.maxCopyDelay);
      const type = this.ty(x);
      const k = b?.k ?? 1;
      const name = this.mod.field(type === "int" ? (ring ? "iVec" : "iRec") : ring ? "fVec" : "fRec", type, size * k);
      this.clear.push(this.zeroArray(name, size * k, type));
      const ph = this.ph();
      if (ring && !ph.iota) {
        ph.iota = this.mod.field("IOTA", "int");
        this.clear.push(fir.store(ph.iota, fir.int(0)));
      }
      const line: Line = { name, size, ring, maxDelay: d, ...(ring ? { iota: ph.iota } : {}), ...(b ? { lanes: { k: b.k, lane: fir.load(b.v) } } : {}) };
      this.lines.set(x, line);
      if (b) {
        // outside the lane loop, lane l's node reads lane l of the line
        const i = b.lanes[0]!.indexOf(x);
        b.lanes.forEach((ns, l) => l > 0 && this.lines.set(ns[i]!, { ...line, lanes: { k: b.k, lane: fir.int(l) } }));
      }
      if (!ring) {
        // shift: name[j] = name[j-1] for j = d … 1 (a bundle's at the end of its lane loop's body, or
        // in a lane loop at the end of the sample when the line is read outside its lanes)
        let shifts = this.end;
        if (b && !(shifts = laneShifts.get(b)!)) laneShifts.set(b, (shifts = []));
        else if (!b && this.cond(x).length) suspendedShifts.push([x, this.cur, (shifts = [])]);
        const view: Line = b?.pastOut ? { ...line, lanes: { k: b.k, lane: fir.load(`${b.v}_end`) } } : line;
        const at = (j: Expr) => this.lineIndex(view, j);
        if (d <= 8) for (let j = d; j >= 1; j--) shifts.push(fir.storeArr(name, at(fir.int(j)), fir.loadArr(name, at(fir.int(j - 1)))));
        else {
          const kv = this.mod.fresh("j");
          const j = fir.binop("sub", "int", fir.int(d), fir.load(kv));
          shifts.push(fir.for(kv, fir.int(0), fir.int(d), [fir.storeArr(name, at(j), fir.loadArr(name, at(fir.binop("sub", "int", j, fir.int(1)))))]));
        }
      }
    }
    for (const ph of this.phaseLists) if (ph.iota) ph.end.push(fir.store(ph.iota, fir.binop("add", "int", fir.load(ph.iota), fir.int(1))));
    // emission in schedule order
    const emitted = new Set<LaneBundle>();
    for (const s of order) {
      this.cur = this.phase.get(this.canon(s)) ?? 0;
      if (s.kind === "hbargraph" || s.kind === "vbargraph") {
        const x = this.canon(s.x);
        const zone = this.mod.zones.get(s);
        if (zone) this.listFor(this.level.get(x) ?? SAMPLE).push(fir.store(zone, this.convert(this.valueExpr(x), this.ty(x), "float")));
        continue;
      }
      const b = this.laneOf.get(s);
      if (b) {
        if (!emitted.has(b)) (emitted.add(b), this.emitBundle(b, laneShifts.get(b) ?? []));
        continue;
      }
      if (this.canon(s) !== s || !this.level.has(s)) continue;
      if (this.materialize.has(s)) this.emit(s);
      const line = this.lines.get(s);
      if (line) {
        const lvl = this.level.get(s)!;
        const write = this.writeLine(line, this.valueExpr(s));
        // a suspended node's write goes in the loop, after its condition's atoms
        if (this.cond(s).length) this.loop.push(...this.guarded(this.cond(s), [write]));
        else (lvl === SAMPLE ? this.loop : this.loopHead).push(write);
      }
      if (this.level.get(s) === SAMPLE) this.record(s, crossing);
    }
    for (const [x, q, shifts] of suspendedShifts) {
      this.cur = q;
      this.end.push(...this.guarded(this.cond(x), shifts));
    }
    if (this.isMain)
      this.roots.forEach((r, i) => {
        const x = this.canon(r);
        this.cur = this.phase.get(x) ?? 0;
        this.outputs.push(fir.output(i, this.sampleIndex(), this.convert(this.valueExpr(x), this.ty(x), "float")));
      });
  }

  /**
   * The lockstep bundles of the schedule that can run as one loop over their lanes: a multiple of
   * the lanes of a simd128 vector (4 in single precision, 2 in double), every lane's
   * nodes live, at sample level, corresponding operand by operand (a commutative operation's
   * operands possibly swapped: the same value), each outside value lane 0 reads matched by one value
   * per lane, the same delay line sizes, and no lane node read in the past from outside its lane
   * (a lane's line shifts inside the lane loop). Others are emitted node by node.
   */
  private prepareBundles(units: readonly ScheduleUnit[], order: readonly Sig[]): void {
    const found: LaneBundle[] = [];
    // lanes a simd128 vector holds (f32x4, f64x2): a narrower or ragged bundle's loop runs lane by lane
    // and costs more than its scalar code (benchmarks/README.md), so it stays scalar
    const width = laneWidth(this.precision);
    for (const u of units) {
      if (!u.lanes || u.lanes.length % width !== 0) continue;
      const k = u.lanes.length;
      const lanes: Sig[][] = Array.from({ length: k }, (_, l) => u.nodes.filter((_, j) => j % k === l));
      const pos = lanes.map((ns) => new Map(ns.map((n, i) => [n, i])));
      const leaves = new Map<Sig, Sig[]>();
      const matches = (l: number, a: Sig, b: Sig, probe: boolean): boolean => {
        const i = pos[0]!.get(a);
        if (i !== undefined) return pos[l]!.get(b) === i;
        if (pos[l]!.has(b)) return false;
        const a0 = this.canon(a);
        const bl = this.canon(b);
        if (pos[0]!.has(a0) || pos[l]!.has(bl) || this.ty(a0) !== this.ty(bl)) return false;
        if (a0.kind === "table" && a0 !== bl) return false;
        const got = leaves.get(a0)?.[l];
        if (got !== undefined && got !== bl) return false;
        if (!probe) {
          let cs = leaves.get(a0);
          if (!cs) leaves.set(a0, (cs = Array.from({ length: k }, (_, m) => (m === 0 ? a0 : undefined!))));
          cs[l] = bl;
        }
        return true;
      };
      const ok = lanes[0]!.every((s0, i) =>
        lanes.every((ns, l) => {
          const sl = ns[i]!;
          if (sl.kind !== s0.kind) return false;
          if (this.canon(s0) !== s0) return this.canon(sl) !== sl && pos[l]!.get(this.canon(sl)) === pos[0]!.get(this.canon(s0));
          if (s0.kind === "rec") return true; // a group: its bodies are the lane's nodes
          if (this.canon(sl) !== sl || this.level.get(s0) !== SAMPLE || this.level.get(sl) !== SAMPLE) return false;
          if (this.maxDelay.get(s0) !== this.maxDelay.get(sl)) return false;
          if (l === 0) return true;
          const c0 = children(s0);
          const cl = children(sl);
          if (c0.length !== cl.length) return false;
          let pairs = c0.map((a, j) => [a, cl[j]!] as const);
          const commutative = (s0.kind === "binop" && COMMUTATIVE_BINOPS.has(s0.op)) && c0.length === 2;
          if (!pairs.every(([a, b]) => matches(l, a, b, true))) {
            if (!commutative) return false;
            pairs = [[c0[0]!, cl[1]!], [c0[1]!, cl[0]!]];
            if (!pairs.every(([a, b]) => matches(l, a, b, true))) return false;
          }
          for (const [a, b] of pairs) matches(l, a, b, false);
          return true;
        }),
      );
      if (!ok || [...leaves.values()].some((cs) => cs.some((c) => c === undefined))) continue;
      const b: LaneBundle = { k, v: this.mod.fresh("l"), lanes, leaves, out: new Set(), pastOut: false };
      for (const ns of lanes) for (const n of ns) this.laneOf.set(n, b);
      found.push(b);
    }
    if (!found.length) return;
    // what is read from outside a lane: a current value gets an array; a past one reads the bundle's line
    const laneIdx = (x: Sig) => {
      const b = this.laneOf.get(x);
      if (!b) return undefined;
      for (let l = 0; l < b.k; l++) {
        const i = b.lanes[l]!.indexOf(x);
        if (i >= 0) return { b, l, i };
      }
      return undefined;
    };
    const readOutside = (x: Sig) => {
      const w = laneIdx(this.canon(x));
      if (w) w.b.out.add(w.i);
    };
    for (const s of order) {
      if (s.kind === "hbargraph" || s.kind === "vbargraph") {
        readOutside(s.x);
        continue;
      }
      if (this.canon(s) !== s || !this.level.has(s)) continue;
      const me = laneIdx(s);
      const { now, past } = this.deps(s);
      for (const c of now) {
        const w = laneIdx(this.canon(c));
        if (w && (!me || me.b !== w.b || me.l !== w.l)) w.b.out.add(w.i);
      }
      for (const [x] of past) {
        const w = laneIdx(this.canon(x));
        if (w && (!me || me.b !== w.b || me.l !== w.l)) w.b.pastOut = true;
      }
    }
    for (const r of this.roots) readOutside(r);
  }

  /**
   * A lockstep bundle: the values its lanes read from outside in arrays of k (filled at their
   * level; constants as data), then one loop over the lanes running lane 0's code, whose lines
   * hold every lane, storing what is read outside into arrays of k that the readers index.
   */
  private emitBundle(b: LaneBundle, shifts: readonly Stmt[]): void {
    const lane = fir.load(b.v);
    const saved = new Map<Sig, Expr | undefined>();
    for (const [c0, cs] of b.leaves) {
      if (cs.every((c) => c === c0)) continue;
      const type = this.ty(c0);
      const prefix = type === "int" ? "iLane" : "fLane";
      let arr: string;
      if (cs.every(isLiteral)) {
        const vs = cs.map((c) => (c as SigOf<"float">).value);
        arr = this.mod.field(prefix, type, b.k, type === "int" ? vs.map((v) => v | 0) : this.precision === "single" ? vs.map(fround) : vs);
      } else {
        arr = this.mod.field(prefix, type, b.k);
        const lvl = Math.max(INIT, ...cs.map((c) => (isLiteral(c) ? INIT : (this.level.get(c) ?? SAMPLE))));
        const list = this.listFor(lvl);
        cs.forEach((c, l) => list.push(fir.storeArr(arr, fir.int(l), this.valueExpr(c))));
      }
      saved.set(c0, this.value.get(c0));
      this.value.set(c0, fir.loadArr(arr, lane));
      this.laneRead.add(c0);
    }
    const outs = new Map<number, string>();
    for (const i of [...b.out].sort((x, y) => x - y)) {
      const t = this.ty(b.lanes[0]![i]!);
      outs.set(i, this.mod.field(t === "int" ? "iLaneOut" : "fLaneOut", t, b.k));
    }
    const body: Stmt[] = [];
    this.laneBody = body;
    b.lanes[0]!.forEach((s0, i) => {
      if (this.canon(s0) !== s0) return;
      if (this.materialize.has(s0)) this.emit(s0);
      const line = this.lines.get(s0);
      if (line) body.push(this.writeLine(line, this.valueExpr(s0)));
      const out = outs.get(i);
      if (out) body.push(fir.storeArr(out, lane, this.valueExpr(s0)));
    });
    if (!b.pastOut) body.push(...shifts);
    else if (shifts.length) this.end.push(fir.for(`${b.v}_end`, fir.int(0), fir.int(b.k), shifts));
    this.laneBody = undefined;
    this.loop.push(fir.for(b.v, fir.int(0), fir.int(b.k), body));
    // after the loop, lane 0's node reads lane 0 of its line
    for (const s0 of b.lanes[0]!) {
      const line = this.lines.get(s0);
      if (line?.lanes) this.lines.set(s0, { ...line, lanes: { k: b.k, lane: fir.int(0) } });
    }
    for (const [c0, v] of saved) {
      if (v === undefined) this.value.delete(c0);
      else this.value.set(c0, v);
      this.laneRead.delete(c0);
    }
    for (const [i, out] of outs) b.lanes.forEach((ns, l) => this.value.set(ns[i]!, fir.loadArr(out, fir.int(l))));
  }

  /**
   * The phase of every live node (see the header): at least those of its
   * operands, 1 + those a reverse node's tapes record, and a delayed signal in
   * the phase of its readers (its line is read in their loop). Returns the
   * sample-level nodes a later phase reads (they get block arrays).
   */
  private phases(order: readonly Sig[]): Set<Sig> {
    const nodes = order.filter((s) => this.canon(s) === s && this.level.has(s));
    const P = (c: Sig) => this.phase.get(this.canon(c)) ?? 0;
    const reverses = nodes.filter((s) => s.kind === "reverse").length;
    for (let changed = true; changed; ) {
      changed = false;
      const raise = (s: Sig, p: number) => {
        if (p <= (this.phase.get(s) ?? 0)) return;
        if (p > reverses) throw new DiagnosticError([diag("FL553", { node: describe(s) })]);
        this.phase.set(s, p);
        changed = true;
      };
      for (const s of nodes) {
        const { now, past } = this.deps(s);
        let p = 0;
        for (const c of now) p = Math.max(p, P(c));
        for (const [x] of past) p = Math.max(p, P(x));
        if (s.kind === "reverse") for (const t of tapesOf([s.x])) p = Math.max(p, P(t.x) + 1);
        raise(s, p);
        for (const [x] of past) raise(this.canon(x), P(s));
      }
    }
    const top = Math.max(0, ...this.phase.values());
    for (let q = 1; q <= top; q++) this.phaseLists.push({ loopVar: this.mod.fresh("i_phase"), head: [], loop: [], outputs: [], end: [] });
    const crossing = new Set<Sig>();
    for (const s of nodes)
      for (const c of this.deps(s).now) {
        const x = this.canon(c);
        if (P(x) < P(s) && x.kind !== "input" && x.kind !== "reverse" && this.level.get(x) === SAMPLE) crossing.add(x);
      }
    for (const r of this.roots) if (P(r) > 0) this.phase.set(this.canon(r), P(r));
    return crossing;
  }

  /** After a sample-level node is emitted: its block array (read by later phases) and its tape (read by sweeps). */
  private record(s: Sig, crossing: ReadonlySet<Sig>): void {
    const type = this.ty(s);
    const B = this.mod.tapeBlock;
    const at = fir.load(this.ph().loopVar);
    if (this.tapeSources.has(s)) {
      const name = this.mod.field(type === "int" ? "iTape" : "fTape", type, B);
      this.loop.push(fir.storeArr(name, at, this.valueExpr(s)));
      this.tapes.set(s, name);
    }
    if (crossing.has(s)) {
      const name = this.mod.field(type === "int" ? "iBlk" : "fBlk", type, B);
      this.loop.push(fir.storeArr(name, at, this.valueExpr(s)));
      this.crossArrays.set(s, name);
    }
  }

  /** The execution condition of a canonical node (true: []). */
  private cond(s: Sig): Cond {
    return this.conds.any ? this.conds.exec(s) : [];
  }

  /** A condition as an int expression (each clause: one of its atoms ≠ 0), or undefined for true. */
  private guardExpr(c: Cond): Expr | undefined {
    if (c.length === 0) return undefined;
    const atom = (a: Sig) => {
      const x = this.canon(a);
      return fir.binop("ne", this.ty(x), this.valueExpr(x), this.mod.lit(this.ty(x), 0));
    };
    const clause = (cl: readonly Sig[]) => cl.map(atom).reduce((p, q) => fir.binop("or", "int", p, q));
    return c.map(clause).reduce((p, q) => fir.binop("and", "int", p, q));
  }

  /** `stmts` run only when `c` holds. */
  private guarded(c: Cond, stmts: Stmt[]): Stmt[] {
    const g = this.guardExpr(c);
    return g ? [fir.if(g, stmts)] : stmts;
  }

  private levelOf(s: Sig, now: readonly Sig[]): number {
    const kids = () => now.reduce((l, c) => Math.max(l, this.level.get(this.canon(c)) ?? SAMPLE), INIT);
    switch (s.kind) {
      case "int":
      case "float":
        return LIT;
      case "input":
      case "delay1":
      case "delay":
      case "prefix":
      case "rwtable":
      case "waveform":
      case "enable":
      case "control":
      case "clocked":
      case "clockout":
        return SAMPLE;
      case "din": {
        const b = this.bound.get(s);
        return b ? b.level : reject(s, "a value of a clock domain's body read outside the body");
      }
      case "fconst":
        return INIT;
      case "fvar":
      case "button":
      case "checkbox":
      case "hslider":
      case "vslider":
      case "nentry":
        return BLOCK;
      case "ffun":
        return s.args.length === 0 ? SAMPLE : kids();
      case "reverse":
        return SAMPLE;
      case "tape":
        return this.reversed && this.reversed.level(s) <= BLOCK ? BLOCK : SAMPLE;
      default:
        return kids();
    }
  }

  private listFor(lvl: number): Stmt[] {
    return lvl <= INIT ? this.init : lvl === BLOCK ? this.block : (this.laneBody ?? this.loop);
  }

  private zeroArray(name: string, size: number, type: Ty): Stmt {
    // small arrays are cleared element by element (constant indices let a backend keep them in scalars)
    if (size <= 16) return fir.block(Array.from({ length: size }, (_, j) => fir.storeArr(name, fir.int(j), this.mod.lit(type, 0))));
    const k = this.mod.fresh("j");
    return fir.for(k, fir.int(0), fir.int(size), [fir.storeArr(name, fir.load(k), this.mod.lit(type, 0))]);
  }

  /** The array index of element `j` of a line (a bundle's: of the current lane). */
  private lineIndex(line: Line, j: Expr): Expr {
    if (!line.lanes) return j;
    const { k, lane } = line.lanes;
    if (j.kind === "int" && lane.kind === "int") return fir.int(j.value * k + lane.value);
    const row = j.kind === "int" ? fir.int(j.value * k) : fir.binop("mul", "int", j, fir.int(k));
    return row.kind === "int" && row.value === 0 ? lane : fir.binop("add", "int", row, lane);
  }

  private writeLine(line: Line, v: Expr): Stmt {
    return fir.storeArr(line.name, this.lineIndex(line, line.ring ? fir.binop("and", "int", fir.load(line.iota!), fir.int(line.size - 1)) : fir.int(0)), v);
  }

  private readLine(x: Sig, d: Expr | number): Expr {
    const line = this.lines.get(this.canon(x))!;
    // d: a number, or a variable amount already clamped by delayAmount
    const amount = typeof d === "number" ? fir.int(d) : d;
    if (!line.ring) return fir.loadArr(line.name, this.lineIndex(line, amount));
    return fir.loadArr(line.name, this.lineIndex(line, fir.binop("and", "int", fir.binop("sub", "int", fir.load(line.iota!), amount), fir.int(line.size - 1))));
  }

  /** A variable delay amount as an index offset: max(0, int(amount)) (and at most the line's delay in a shifted array), hoisted to the amount's level. */
  private delayAmount(amount: Sig, x: Sig): Expr {
    const a = this.canon(amount);
    const line = this.lines.get(this.canon(x))!;
    let m = fir.call("max", "int", [this.operand(a, "int"), fir.int(0)]);
    if (!line.ring) m = fir.call("min", "int", [m, fir.int(line.maxDelay)]);
    const lvl = this.laneRead.has(a) ? SAMPLE : (this.level.get(a) ?? SAMPLE);
    if (lvl >= SAMPLE) return m;
    const key = `${a.id}:${line.ring ? "ring" : line.maxDelay}`;
    const hit = this.hoisted.get(key);
    if (hit) return hit;
    let v: Expr;
    if (lvl <= INIT) {
      const name = this.mod.field("iConst", "int");
      this.init.push(fir.store(name, m));
      v = fir.load(name);
    } else {
      const name = this.mod.fresh("iSlow");
      this.block.push(fir.declare(name, "int", m));
      v = fir.load(name);
    }
    this.hoisted.set(key, v);
    return v;
  }

  /** Emits the computation of a materialized node at its level and records its variable. */
  private emit(s: Sig): void {
    const lvl = this.level.get(s)!;
    const type = this.ty(s);
    const list = this.listFor(lvl);
    switch (s.kind) {
      case "clocked": {
        const run: Stmt[] = [];
        this.emitDomain(s, run);
        list.push(...this.guarded(this.cond(s), run));
        return;
      }
      case "enable":
      case "control": {
        // x when the node runs and y ≠ 0 (enable's condition has y already), else the held value
        const hold = this.mod.field(type === "int" ? "iHold" : "fHold", type);
        this.clear.push(fir.store(hold, this.mod.lit(type, 0)));
        list.push(...this.guarded(condAnd(this.cond(s), condAtom(s.y)), [fir.store(hold, this.operand(s.x, type))]));
        this.value.set(s, fir.load(hold));
        return;
      }
      case "rwtable": {
        const t = this.mod.table(s.table);
        // the written table has its initial content's nature, as in Faust: written values are
        // converted to it (an int table truncates them), reads converted to the rwtable's nature
        const arr = this.mod.field(t.type === "int" ? "itbw" : "ftbw", t.type, t.size);
        const k = this.mod.fresh("j");
        this.clear.push(fir.for(k, fir.int(0), fir.int(t.size), [fir.storeArr(arr, fir.load(k), fir.loadArr(t.name, fir.load(k)))]));
        list.push(...this.guarded(this.cond(s), [fir.storeArr(arr, this.tableIndex(s.windex, t.size), this.operand(s.wvalue, t.type))]));
        this.bind(s, lvl, type, this.convert(fir.loadArr(arr, this.tableIndex(s.rindex, t.size)), t.type, type), list);
        return;
      }
      default:
        this.bind(s, lvl, type, this.build(s), list);
    }
  }

  /**
   * A clock domain: its body compiled in a scope of its own (own state, advancing
   * only when it runs), run under a guard or a loop in this scope's sample:
   *   ondemand with a clock in [0, 1]:  if (int(clock) != 0) { body }
   *   ondemand, upsampling:             for (k = 0; k < int(clock); k++) { body }  (upsampling: the
   *                                     block inputs are 0 but in the last iteration)
   *   downsampling:                     if (int(clock) != 0 && counter == 0) { body }; counter = (counter + 1) % int(clock)
   * The body's outputs go to hold fields (0 at clear) that the clockout nodes read.
   */
  private emitDomain(s: SigOf<"clocked">, list: Stmt[]): void {
    const clk = this.mod.fresh("iClock");
    list.push(fir.declare(clk, "int", this.operand(s.clock, "int")));
    const counted = s.mode === "upsampling" || (s.mode === "ondemand" && !this.isFlag(s.clock));
    const k = this.mod.fresh("k");
    const bound = new Map<Sig, { expr: Expr; level: number }>();
    for (const d of reachable(s.outs, true)) {
      if (d.kind !== "din") continue;
      if (d.index >= s.ins.length || s.ins[d.index] !== d.x) reject(d, `not the value ${d.index} of its clock domain`);
      const x = this.canon(d.x);
      const v = this.convert(this.valueExpr(x), this.ty(x), this.ty(d));
      if (s.mode === "upsampling" && d.index < s.inputs) {
        const last = fir.binop("eq", "int", fir.load(k), fir.binop("sub", "int", fir.load(clk), fir.int(1)));
        bound.set(d, { expr: fir.select(this.ty(d), last, v, this.mod.lit(this.ty(d), 0)), level: SAMPLE });
      } else bound.set(d, { expr: v, level: this.level.get(x) ?? SAMPLE });
    }
    const body = new Scope(this.mod, s.outs, this.mod.fresh("i_clk"), false, undefined, bound);
    body.generate();
    this.init.push(...body.init);
    this.clear.push(...body.clear);
    this.block.push(...body.block);
    const holds = s.outs.map((o) => {
      const x = body.canon(o);
      const type = this.ty(x);
      const name = this.mod.field(type === "int" ? "iHold" : "fHold", type);
      this.clear.push(fir.store(name, this.mod.lit(type, 0)));
      return { name, value: body.valueExpr(x) };
    });
    this.holds.set(s, holds.map((h) => h.name));
    const run = [...body.loopHead, ...body.loop, ...holds.map((h) => fir.store(h.name, h.value)), ...body.end];
    if (counted) list.push(fir.for(k, fir.int(0), fir.load(clk), run));
    else if (s.mode === "ondemand") list.push(fir.if(fir.binop("ne", "int", fir.load(clk), fir.int(0)), run));
    else {
      const counter = this.mod.field("iDSCounter", "int");
      this.clear.push(fir.store(counter, fir.int(0)));
      const fires = fir.binop("and", "int", fir.binop("ne", "int", fir.load(clk), fir.int(0)), fir.binop("eq", "int", fir.load(counter), fir.int(0)));
      list.push(fir.if(fires, run));
      list.push(fir.store(counter, fir.binop("rem", "int", fir.binop("add", "int", fir.load(counter), fir.int(1)), fir.load(clk))));
    }
  }

  /** Whether a clock's interval lies in [0, 1] (ondemand then runs its body at most once: a guard, not a loop). */
  private isFlag(clock: Sig): boolean {
    const itv = this.mod.intervals.get(clock) ?? this.mod.intervals.get(this.canon(clock));
    return itv !== undefined && itv.lo >= 0 && itv.hi <= 1;
  }

  private bind(s: Sig, lvl: number, type: Ty, v: Expr, list: Stmt[]): void {
    if (lvl <= INIT) {
      const name = this.mod.field(type === "int" ? "iConst" : "fConst", type);
      list.push(fir.store(name, v));
      this.value.set(s, fir.load(name));
    } else {
      const name = this.mod.fresh(lvl === BLOCK ? (type === "int" ? "iSlow" : "fSlow") : type === "int" ? "iTemp" : "fTemp");
      list.push(fir.declare(name, type, v));
      this.value.set(s, fir.load(name));
    }
  }

  /** The expression giving the current value of a canonical node (its variable, or its inlined computation). */
  valueExpr(s: Sig): Expr {
    const arr = this.crossArrays.get(s);
    if (arr && (this.phase.get(s) ?? 0) !== this.cur) return fir.loadArr(arr, fir.load(this.ph().loopVar));
    const v = this.value.get(s);
    if (v) return v;
    return this.build(s);
  }

  /** The value of child `c`, converted to `type`. */
  private operand(c: Sig, type: Ty): Expr {
    const x = this.canon(c);
    return this.convert(this.valueExpr(x), this.ty(x), type);
  }

  convert(e: Expr, from: Ty, to: Ty): Expr {
    if (from === to) return e;
    if (e.kind === "int" && to === "float") return this.mod.lit("float", e.value);
    return fir.cast(to, e);
  }

  private tableIndex(i: Sig, size: number): Expr {
    const x = this.canon(i);
    const e = this.operand(x, "int");
    const itv = this.mod.intervals.get(i) ?? this.mod.intervals.get(x);
    if (itv && itv.lo > -1 && itv.hi < size) return e;
    return fir.call("min", "int", [fir.call("max", "int", [e, fir.int(0)]), fir.int(size - 1)]);
  }

  private build(s: Sig): Expr {
    const type = this.ty(s);
    switch (s.kind) {
      case "int":
      case "float":
        return this.mod.lit(type, s.value);
      case "input":
        return this.isMain ? fir.input(s.index, this.sampleIndex()) : this.mod.lit("float", 0);
      case "delay1":
        return this.convert(this.readLine(s.x, 1), this.ty(this.canon(s.x)), type);
      case "delay": {
        const x = this.canon(s.x);
        const d = s.amount.kind === "int" ? Math.max(0, s.amount.value) : this.delayAmount(s.amount, x);
        return this.convert(this.readLine(x, d), this.ty(x), type);
      }
      case "prefix": {
        const ph = this.ph();
        // a suspended prefix has its own first-run flag
        let first = ph.first;
        if (this.cond(s).length) {
          first = this.mod.field("iFirst", "int");
          this.clear.push(fir.store(first, fir.int(1)));
          ph.end.push(...this.guarded(this.cond(s), [fir.store(first, fir.int(0))]));
        } else if (!first) {
          first = ph.first = this.mod.field("iFirst", "int");
          this.clear.push(fir.store(first, fir.int(1)));
          ph.end.push(fir.store(first, fir.int(0)));
        }
        const x = this.canon(s.x);
        return fir.select(type, fir.load(first), this.operand(s.init, type), this.convert(this.readLine(x, 1), this.ty(x), type));
      }
      case "binop": {
        const op = s.op;
        switch (op) {
          case "add":
          case "sub":
          case "mul":
            return fir.binop(op, type, this.operand(s.x, type), this.operand(s.y, type));
          case "div":
            return fir.binop("div", "float", this.operand(s.x, "float"), this.operand(s.y, "float"));
          case "rem":
            return fir.binop("rem", type, this.operand(s.x, type), this.operand(s.y, type));
          case "shl":
          case "ashr":
          case "lshr":
          case "and":
          case "or":
          case "xor":
            return fir.binop(op, "int", this.operand(s.x, "int"), this.operand(s.y, "int"));
          case "gt":
          case "lt":
          case "ge":
          case "le":
          case "eq":
          case "ne": {
            const t: Ty = this.ty(this.canon(s.x)) === "float" || this.ty(this.canon(s.y)) === "float" ? "float" : "int";
            return fir.binop(op, t, this.operand(s.x, t), this.operand(s.y, t));
          }
          default:
            return assertNever(op);
        }
      }
      case "math1": {
        if (s.op === "abs") return fir.call("abs", type, [this.operand(s.x, type)]);
        if (s.op === "isnan" || s.op === "isinf") return fir.call(s.op, "int", [this.operand(s.x, "float")]);
        return fir.call(s.op, "float", [this.operand(s.x, "float")]);
      }
      case "math2": {
        if (s.op === "min" || s.op === "max") return fir.call(s.op, type, [this.operand(s.x, type), this.operand(s.y, type)]);
        return fir.call(s.op, "float", [this.operand(s.x, "float"), this.operand(s.y, "float")]);
      }
      case "intcast":
        return this.operand(s.x, "int");
      case "floatcast":
        return this.operand(s.x, "float");
      case "select2":
        return fir.select(type, this.operand(s.sel, "int"), this.operand(s.b, type), this.operand(s.a, type));
      case "rdtable": {
        const t = this.mod.table(s.table);
        return this.convert(fir.loadArr(t.name, this.tableIndex(s.index, t.size)), t.type, type);
      }
      case "waveform": {
        const values = s.values.map((v) => (isLiteral(v) ? (v as SigOf<"int">).value : reject(s, "a waveform value is not a constant")));
        const data = type === "int" ? values.map((v) => v | 0) : this.precision === "single" ? values.map(fround) : values;
        const arr = this.mod.field(type === "int" ? "itbl" : "ftbl", type, values.length, data);
        const idx = this.mod.field("iWave", "int");
        this.clear.push(fir.store(idx, fir.int(0)));
        this.end.push(...this.guarded(this.cond(s), [fir.store(idx, fir.binop("rem", "int", fir.binop("add", "int", fir.load(idx), fir.int(1)), fir.int(values.length)))]));
        const v = fir.loadArr(arr, fir.load(idx));
        this.value.set(s, v);
        return v;
      }
      case "fconst":
        if (!(s.name in FOREIGN_CONSTANTS)) return unknownForeign(s);
        return this.convert(fir.load(SAMPLE_RATE), "int", type);
      case "fvar":
        // Faust's `count`: the number of samples of the current compute call
        if (!(s.name in FOREIGN_VARIABLES)) return unknownForeign(s);
        if (this.isMain) return this.convert(fir.load(COUNT), "int", type);
        return reject(s, `foreign variable '${s.name}' read in a table generator or a clock domain's body (no compute call there)`);
      case "ffun":
        return this.ffun(s);
      case "button":
      case "checkbox":
      case "hslider":
      case "vslider":
      case "nentry": {
        const zone = this.mod.zones.get(s);
        if (!zone) return this.mod.lit("float", s.kind === "button" || s.kind === "checkbox" ? 0 : isLiteral(s.init) ? (s.init as SigOf<"float">).value : 0);
        return fir.load(zone);
      }
      case "enable":
      case "control":
      case "rwtable":
        // stateful: always materialized by emit()
        return reject(s, "internal: stateful signal not materialized");
      case "clocked":
        return reject(s, "not a sample value");
      case "clockout": {
        const hold = this.holds.get(s.domain)?.[s.index];
        if (!hold) return reject(s, "internal: clock domain not emitted before its output");
        return this.convert(fir.load(hold), this.ty(this.canon((s.domain as SigOf<"clocked">).outs[s.index]!)), type);
      }
      case "din": {
        const b = this.bound.get(s);
        return b ? b.expr : reject(s, "a value of a clock domain's body read outside the body");
      }
      case "output":
      case "attach":
      case "hbargraph":
      case "vbargraph":
      case "proj":
        return this.valueExpr(this.canon(s));
      case "table":
      case "rec":
      case "soundfile":
      case "sflength":
      case "sfrate":
      case "sfbuffer":
        return reject(s, "not a sample value");
      case "fir":
      case "iir":
      case "sos":
        return reject(s, "internal: filter node not lowered");
      case "reverse":
        if (!this.isMain) return reject(s, "a reverse inside a reversed graph");
        return this.convert(fir.loadArr(this.mod.gradient(s), fir.load(this.ph().loopVar)), typeOf(s).nature, type);
      case "tape":
        if (!this.reversed) return reject(s, "a tape outside a reversed graph");
        return this.reversed.value(s);
      default:
        return assertNever(s);
    }
  }

  private ffun(s: SigOf<"ffun">): Expr {
    const fn = cFunction(s.name);
    if (!fn) return reject(s, `unknown foreign function '${s.name}'`);
    const arity = MATH_FNS[fn];
    if (s.args.length !== arity) return reject(s, `foreign function '${s.name}' takes ${arity} arguments, given ${s.args.length}`);
    const type = this.ty(s);
    if (POLY_FNS.has(fn)) {
      const t: Ty = s.params.every((p) => p === "int") && s.ret === "int" ? "int" : "float";
      return this.convert(fir.call(fn, t, s.args.map((a) => this.operand(a, t))), t, type);
    }
    const ret: Ty = fn === "isnan" || fn === "isinf" ? "int" : "float";
    return this.convert(fir.call(fn, ret, s.args.map((a) => this.operand(a, "float"))), ret, type);
  }
}

/** The FIR function a C math function name stands for (sinf, powl, fabs, fmaxf …), if any. */
export function cFunction(name: string): MathFn | undefined {
  const alias: Record<string, MathFn> = { fabs: "abs", fmin: "min", fmax: "max", abs: "abs" };
  const known = (n: string): MathFn | undefined => alias[n] ?? (n in MATH_FNS ? (n as MathFn) : undefined);
  return known(name) ?? (/[fl]$/.test(name) ? known(name.slice(0, -1)) : undefined);
}
