// Propagation: from an evaluated block diagram (a box made of numbers,
// primitives, the five composition operators, widgets, groups, foreign
// elements, waveforms, soundfiles and routes) to the signals its outputs
// compute, as functions of the program's inputs.
//
//   prop(box, context, inputs) = outputs
//
// is memoized by (box, context, input signals) identity, the context being
// the UI group path and the signals bound to abstraction slots, so a shared
// sub-diagram fed the same signals yields the same signal objects, and
// hash-consing does the rest. `A ~ B` becomes a recursion group whose
// bodies are A's outputs; B reads them through a one-sample delay, which is
// how every recursion in the signal graph is a cycle through `delay1`.

import type { Box, BoxOf } from "../../core/boxes/box.ts";
import { assertNever, isUnevaluated, primArity } from "../../core/boxes/box.ts";
import type { SpanTable } from "../../core/spans.ts";
import { DiagnosticError, diag, type Diagnostic, type Span } from "../../core/diagnostics.ts";
import { expandAutodiff } from "./autodiff.ts";
import { arity } from "../eval/arity.ts";
import type { EvalSpans } from "../eval/eval.ts";
import { freshRecName, isConst, sig, type ClockMode, type MetaEntry, type Nature, type Sig, type UIGroup } from "../../core/signals/signal.ts";
import { typeOf } from "../../core/signals/types.ts";
import { intervalOf } from "../../core/signals/intervals.ts";
import { satInt } from "../../core/signals/fold.ts";
import { extractMetadata, labelPath, resolvePath } from "./labels.ts";

/** Number of inputs and outputs of an evaluated box (the evaluator's own arity, memoized). */
export const arityOf = arity;

export interface PropagateOptions {
  /** Floating-point precision of the compilation: picks the ffunction variant. */
  readonly precision?: "single" | "double" | "quad" | "fixed";
  /** Receives the remarks of fad/rad expansion (undefined points, approximations). */
  readonly onRemark?: (d: Diagnostic) => void;
  /** The evaluation's spans (where boxes come from), read to locate the signals. */
  readonly boxSpans?: EvalSpans;
  /** The compilation's signal spans, written here (first writer wins within the compilation). */
  readonly spans?: SpanTable<Sig>;
}

function bad(kind: string, detail: string): DiagnosticError {
  return new DiagnosticError([diag("FL501", { kind, detail })]);
}

function primInputs(op: BoxOf<"prim">["op"]): number {
  return primArity[op];
}

function numberOf(b: Box): number {
  if (b.kind === "int" || b.kind === "real") return b.value;
  throw bad(b.kind, "a number was expected here");
}

/**
 * Where a box is propagated: its UI group path and the signals bound to the
 * slots of enclosing `symbolic` boxes (abstractions kept as diagrams). `key`
 * identifies the context in memo keys.
 */
interface Ctx {
  readonly path: readonly UIGroup[];
  readonly slots: ReadonlyMap<number, Sig>;
  /** Inside a clock domain whose rate differs (up/downsampling): the sample rate its body reads for `fSamplingFreq`. */
  readonly sr?: Sig;
  readonly key: string;
}

function makeCtx(path: readonly UIGroup[], slots: ReadonlyMap<number, Sig>, sr?: Sig): Ctx {
  const p = path.map((g) => `${g.orient}:${g.label.length}:${g.label}`).join("/");
  const sl = [...slots].map(([k, v]) => `${k}=${v.id}`).join(",");
  return { path, slots, ...(sr ? { sr } : {}), key: `${p}|${sl}|${sr?.id ?? ""}` };
}

const topCtx = makeCtx([], new Map());

/**
 * Propagates the program's process box (with `ins` fresh input signals) and
 * returns its output signals.
 */
export function propagateProcess(process: Box, opts: PropagateOptions = {}): Sig[] {
  const { ins } = arityOf(process);
  const inputs = Array.from({ length: ins }, (_, i) => sig.input(i));
  return new Propagator(opts).prop(process, topCtx, inputs);
}

/** A request of a composite box's step for the outputs of a sub-box: `prop(box, ctx, inputs)`. */
type Request = readonly [Box, Ctx, readonly Sig[]];
/** The computation of one box: yields the requests it needs, one at a time, and returns its outputs. */
type Step = Generator<Request, Sig[], Sig[]>;

interface Frame {
  readonly step: Step;
  readonly box: Box;
  readonly key: string;
}

class Propagator {
  private memo = new Map<string, Sig[]>();
  constructor(private readonly opts: PropagateOptions) {}

  private static keyOf(b: Box, ctx: Ctx, inputs: readonly Sig[]): string {
    return `${b.id}|${ctx.key}|${inputs.map((s) => s.id).join(",")}`;
  }

  /**
   * The outputs of `b` in `ctx` fed `inputs`. The box tree is walked with an explicit stack of
   * steps (generators), not JS recursion, so its depth is bounded by memory only.
   */
  prop(b: Box, ctx: Ctx, inputs: readonly Sig[]): Sig[] {
    const rootKey = Propagator.keyOf(b, ctx, inputs);
    const known = this.memo.get(rootKey);
    if (known) return known;
    const frames: Frame[] = [{ step: this.compute(b, ctx, inputs), box: b, key: rootKey }];
    let value: Sig[] | undefined;
    for (;;) {
      const f = frames[frames.length - 1]!;
      const r = f.step.next(value!);
      value = undefined;
      if (r.done) {
        this.finish(f.box, f.key, r.value);
        frames.pop();
        if (frames.length === 0) return r.value;
        value = r.value;
        continue;
      }
      const [cb, cctx, cin] = r.value;
      const key = Propagator.keyOf(cb, cctx, cin);
      const hit = this.memo.get(key);
      if (hit) value = hit;
      else frames.push({ step: this.compute(cb, cctx, cin), box: cb, key });
    }
  }

  private finish(b: Box, key: string, out: Sig[]): void {
    // Signals remember the innermost source expression that made them (first writer wins).
    this.locate(out, this.spanOfBox(b));
    this.memo.set(key, out);
  }

  /** Where a box comes from, in this compilation: the expression that produced it, else its source. */
  private spanOfBox(b: Box): Span | undefined {
    const t = this.opts.boxSpans;
    return t && (t.evaluated.get(b) ?? t.boxes.get(b));
  }

  /** Records `span` for the signals (first writer wins within the compilation). */
  private locate(out: readonly Sig[], span: Span | undefined): void {
    if (span && this.opts.spans) for (const s of out) if (s.kind !== "input" && s.kind !== "proj") this.opts.spans.set(s, span);
  }

  private widget(label: string, path: readonly UIGroup[]): { label: string; path: UIGroup[]; meta: MetaEntry[] } {
    const lp = labelPath(label);
    const full = resolvePath(path, lp.steps).map((g): UIGroup => {
      const m = extractMetadata(g.label);
      const meta = [...(g.meta ?? []), ...m.meta];
      return { orient: g.orient, label: m.label, ...(meta.length ? { meta } : {}) };
    });
    const { label: name, meta } = extractMetadata(lp.name);
    return { label: name, path: full, meta };
  }

  private *compute(b: Box, ctx: Ctx, inputs: readonly Sig[]): Step {
    if (isUnevaluated(b)) throw bad(b.kind, "the box is not evaluated");
    const path = ctx.path;
    const need = (n: number) => {
      if (inputs.length !== n) throw bad(b.kind, `expected ${n} inputs, got ${inputs.length}`);
    };
    switch (b.kind) {
      case "int":
        return [sig.int(b.value)];
      case "real":
        return [sig.float(b.value)];
      case "wire":
        need(1);
        return [inputs[0]!];
      case "cut":
        need(1);
        return [];
      case "prim":
        need(primInputs(b.op));
        return [this.prim(b.op, inputs)];
      case "seq": {
        const mid = (yield [b.left, ctx, inputs]);
        return (yield [b.right, ctx, mid]);
      }
      case "par": {
        // A chain of parallel compositions (par(i, N, f) nests N deep) is one step: its operands
        // left to right, each fed its slice of the inputs (slicing level by level is quadratic).
        // An operand's outputs take the span of its innermost enclosing par that has one, as if
        // each inner par had been propagated by itself.
        const out: Sig[] = [];
        let at = 0;
        const stack: [Box, Span | undefined][] = [[b, undefined]];
        while (stack.length) {
          const [o, around] = stack.pop()!;
          if (o.kind === "par") {
            const here = o === b ? undefined : (this.spanOfBox(o) ?? around);
            stack.push([o.right, here], [o.left, here]);
            continue;
          }
          const n = arityOf(o).ins;
          const r = yield [o, ctx, inputs.slice(at, at + n)];
          at += n;
          this.locate(r, around);
          for (const s of r) out.push(s);
        }
        return out;
      }
      case "split": {
        const mid = (yield [b.left, ctx, inputs]);
        const r = arityOf(b.right);
        if (mid.length === 0 && r.ins > 0) throw bad("split", "nothing to split");
        const fanned = Array.from({ length: r.ins }, (_, i) => mid[i % mid.length]!);
        return (yield [b.right, ctx, fanned]);
      }
      case "merge": {
        const mid = (yield [b.left, ctx, inputs]);
        const r = arityOf(b.right);
        const sums: Sig[] = [];
        for (let i = 0; i < r.ins; i++) {
          let acc: Sig | undefined;
          for (let j = i; j < mid.length; j += r.ins) acc = acc ? sig.add(acc, mid[j]!) : mid[j]!;
          sums.push(acc ?? sig.int(0));
        }
        return (yield [b.right, ctx, sums]);
      }
      case "rec": {
        const l = arityOf(b.left);
        const r = arityOf(b.right);
        const group = sig.group(freshRecName("r"), l.outs);
        const projs = Array.from({ length: l.outs }, (_, i) => sig.proj(group, i));
        const fed = (yield [
          b.right,
          ctx,
          projs.slice(0, r.ins).map((p) => sig.delay1(p)),
        ]);
        const bodies = (yield [b.left, ctx, [...fed, ...inputs]]);
        sig.defineRec(group, bodies);
        return projs;
      }
      case "hgroup":
      case "vgroup":
      case "tgroup": {
        // the group's metadata ([m:1], [style:knob], …) go with it to the UI (JSON, buildUserInterface)
        const { label, meta } = extractMetadata(b.label);
        const orient = b.kind === "hgroup" ? "h" : b.kind === "vgroup" ? "v" : "t";
        return (yield [b.body, makeCtx([...path, { orient, label, ...(meta.length ? { meta } : {}) }], ctx.slots, ctx.sr), inputs]);
      }
      case "button":
      case "checkbox": {
        const w = this.widget(b.label, path);
        return [sig[b.kind](w.label, { path: w.path, meta: w.meta })];
      }
      case "hslider":
      case "vslider":
      case "nentry": {
        const w = this.widget(b.label, path);
        const [init, min, max, step] = [b.init, b.min, b.max, b.step].map((x) => this.constant(x));
        return [sig[b.kind](w.label, init!, min!, max!, step!, { path: w.path, meta: w.meta })];
      }
      case "hbargraph":
      case "vbargraph": {
        need(1);
        const w = this.widget(b.label, path);
        return [sig[b.kind](w.label, this.constant(b.min), this.constant(b.max), inputs[0]!, { path: w.path, meta: w.meta })];
      }
      case "soundfile": {
        need(2);
        const w = this.widget(b.label, path);
        const sf = sig.soundfile(w.label, { path: w.path, meta: w.meta });
        const [part, index] = inputs as [Sig, Sig];
        const chans = numberOf(b.chans);
        return [sig.sflength(sf, part), sig.sfrate(sf, part), ...Array.from({ length: chans }, (_, c) => sig.sfbuffer(sf, sig.int(c), part, index))];
      }
      case "ffunction": {
        need(b.argTypes.length);
        const variant = { single: 0, double: 1, quad: 2, fixed: 3 }[this.opts.precision ?? "single"];
        const name = b.names[Math.min(variant, b.names.length - 1)]!;
        const params: Nature[] = b.argTypes.map((t) => (t === "int" ? "int" : "float"));
        return [sig.ffun(name, b.type, params, inputs, b.include, b.library)];
      }
      case "fconstant":
        // inside an up/downsampling domain, the sample rate is the domain's
        if (ctx.sr && b.name === "fSamplingFreq") return [ctx.sr];
        return [sig.fconst(b.type, b.name, b.include)];
      case "fvariable":
        return [sig.fvar(b.type, b.name, b.include)];
      case "waveform": {
        const values = b.values.map((v) => this.constant(v));
        return [sig.int(values.length), sig.waveform(values)];
      }
      case "route": {
        const ins = numberOf(b.ins);
        const outs = numberOf(b.outs);
        need(ins);
        const pairs = b.spec ? this.numbers(b.spec) : Array.from({ length: 2 * Math.min(ins, outs) }, (_, i) => (i >> 1) + 1);
        const acc: (Sig | undefined)[] = Array.from({ length: outs }, () => undefined);
        for (let k = 0; k + 1 < pairs.length; k += 2) {
          const src = pairs[k]!;
          const dst = pairs[k + 1]!;
          if (src >= 1 && src <= ins && dst >= 1 && dst <= outs) {
            const s = inputs[src - 1]!;
            acc[dst - 1] = acc[dst - 1] ? sig.add(acc[dst - 1]!, s) : s;
          }
        }
        return acc.map((s) => s ?? sig.int(0));
      }
      case "autodiff": {
        // fad/rad: the body and the seed read the same inputs (the box has max of their inputs)
        const a = arityOf(b.body);
        const s = arityOf(b.seed);
        need(Math.max(a.ins, s.ins));
        const primals = yield [b.body, ctx, inputs.slice(0, a.ins)];
        const seeds = yield [b.seed, ctx, inputs.slice(0, s.ins)];
        return expandAutodiff(b.mode === "rad" ? "rad" : "fad", primals, seeds, { span: this.spanOfBox(b), onRemark: this.opts.onRemark, spanOf: this.opts.spans?.lookup });
      }
      case "slot": {
        const bound = ctx.slots.get(b.index);
        if (!bound) throw bad("slot", `slot ${b.index} is used outside its abstraction`);
        return [bound];
      }
      case "symbolic": {
        // An abstraction kept as a diagram: its first input is bound to the slot.
        if (b.slot.kind !== "slot") throw bad("symbolic", "its first field must be a slot");
        if (inputs.length < 1) throw bad("symbolic", "it needs at least one input");
        const slots = new Map(ctx.slots).set(b.slot.index, inputs[0]!);
        return (yield [b.body, makeCtx(path, slots, ctx.sr), inputs.slice(1)]);
      }
      case "clocked":
        return yield* this.clockDomain(b, ctx, inputs);
      default:
        return assertNever(b);
    }
  }

  /**
   * `ondemand(C)`, `upsampling(C)`, `downsampling(C)` fed (clock, xs…): C's
   * outputs in a clock domain of their own. The body reads what comes from
   * outside only through `din` nodes: its block inputs xs, then the values it
   * captures (the signals bound to enclosing slots, and the sample rate: SR·H
   * in upsampling, SR/H in downsampling, compounded when nested). A constant
   * clock simplifies: 0 (or, for ondemand and upsampling, below 0: no run)
   * gives 0s, 1 gives C itself.
   */
  private *clockDomain(b: BoxOf<"clocked">, ctx: Ctx, inputs: readonly Sig[]): Step {
    const a = arityOf(b.body);
    if (inputs.length !== a.ins + 1) throw bad(b.kind, `expected ${a.ins + 1} inputs, got ${inputs.length}`);
    const mode = b.mode as ClockMode;
    const [clock, ...xs] = inputs as [Sig, ...Sig[]];
    if (isConst(clock)) {
      const h = clock.kind === "int" ? clock.value : Math.trunc(clock.value) | 0;
      const transparent = h === 1 || (mode === "downsampling" && h === -1);
      const silent = mode === "downsampling" ? h === 0 : h <= 0;
      if (transparent || silent) {
        const outs = yield [b.body, ctx, xs];
        return silent ? outs.map((o) => (typeOf(o).nature === "int" ? sig.int(0) : sig.float(0))) : outs;
      }
    }
    const values: Sig[] = [...xs];
    const capture = (v: Sig): Sig => {
      values.push(v);
      return sig.din(v, values.length - 1);
    };
    const bodyIns = xs.map((x, k) => sig.din(x, k));
    const slots = new Map([...ctx.slots].map(([k, v]) => [k, capture(v)] as const));
    const outerSR = ctx.sr ?? sig.fconst("int", "fSamplingFreq", "<math.h>");
    const h = sig.intcast(clock);
    const sr =
      mode === "upsampling" ? capture(sig.mul(outerSR, h))
      : mode === "downsampling" ? capture(sig.div(outerSR, h))
      : ctx.sr && capture(ctx.sr);
    const outs = yield [b.body, makeCtx(ctx.path, slots, sr), bodyIns];
    const domain = sig.clocked(mode, clock, values, xs.length, outs);
    return outs.map((_, i) => sig.clockout(domain, i));
  }

  /** A numeric box (widget parameter, waveform value) as a constant signal. */
  private constant(b: Box): Sig {
    if (b.kind === "int") return sig.int(b.value);
    if (b.kind === "real") return sig.float(b.value);
    const out = this.prop(b, topCtx, []);
    if (out.length !== 1) throw bad(b.kind, "a single constant was expected");
    return out[0]!;
  }

  /** The numbers of a parallel composition of numbers (route specifications). */
  private numbers(b: Box): number[] {
    const out: number[] = [];
    const stack = [b];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.kind === "par") stack.push(n.right, n.left);
      else out.push(numberOf(n));
    }
    return out;
  }

  private prim(op: BoxOf<"prim">["op"], a: readonly Sig[]): Sig {
    const [x, y, z, w, v] = a as Sig[];
    switch (op) {
      case "add":
      case "sub":
      case "mul":
      case "div":
      case "rem":
      case "and":
      case "or":
      case "xor":
      case "lt":
      case "le":
      case "gt":
      case "ge":
      case "eq":
      case "ne":
        return sig.binop(op, x!, y!);
      case "lsh":
        return sig.shl(x!, y!);
      case "rsh":
        return sig.ashr(x!, y!);
      case "pow":
        return sig.math2("pow", x!, y!);
      case "delay":
        return sig.delay(x!, y!);
      case "mem":
        return sig.delay1(x!);
      case "prefix":
        return sig.prefix(x!, y!);
      case "int":
        return sig.intcast(x!);
      case "float":
        return sig.floatcast(x!);
      case "rdtable":
        return sig.rdtable(sig.table(x!, y!), z!);
      case "rwtable":
        return sig.rwtable(sig.table(x!, y!), z!, w!, v!);
      case "select2":
        return sig.select2(x!, y!, z!);
      case "select3":
        return sig.select3(x!, y!, z!, w!);
      case "attach":
        return sig.attach(x!, y!);
      case "enable":
        // Faust's enable(x, y) is control(x·y, y): x·y when y ≠ 0, else held
        return sig.enable(sig.binop("mul", x!, y!), y!);
      case "control":
        return sig.control(x!, y!);
      case "assertbounds":
        // assertbounds(lo, hi, x) is x, with an interval promise the typing stage checks.
        return z!;
      case "lowest":
      case "highest": {
        // Faust's lowest(x)/highest(x): a bound of x's interval (the interval analysis of
        // x's graph), a constant of x's nature
        const i = intervalOf(x!);
        const v = op === "lowest" ? i.lo : i.hi;
        return typeOf(x!).nature === "int" ? sig.int(satInt(v)) : sig.float(v);
      }
      case "acos":
      case "asin":
      case "atan":
      case "cos":
      case "sin":
      case "tan":
      case "exp":
      case "log":
      case "log10":
      case "sqrt":
      case "abs":
      case "floor":
      case "ceil":
      case "rint":
      case "round":
        return sig.math1(op, x!);
      case "atan2":
      case "min":
      case "max":
      case "fmod":
      case "remainder":
        return sig.math2(op, x!, y!);
      default:
        return assertNever(op);
    }
  }
}
