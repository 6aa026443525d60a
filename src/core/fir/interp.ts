// The FIR interpreter: runs a module without generating JavaScript text, for
// debugging and for testing FIR passes. Each function body is compiled once to
// closures over one Float64Array of scalar slots (fields and locals, by name)
// and the module's typed arrays; the semantics are the JS backend's (int
// wrap-around, C remainder and division by zero giving 0, Math.fround after
// every float operation in single precision), so both agree sample for sample.

import { cMath1, cMath2 } from "../signals/cmath.ts";
import type { Math1Op, Math2Op } from "../signals/signal.ts";
import type { DspInstance } from "./runtime.ts";
import { assertNever, COUNT, FUNCTIONS, MATH_FNS, SAMPLE_RATE, type Expr, type FirModule, type FunctionName, type Stmt } from "./fir.ts";
import { InternalError } from "../assert.ts";

type Num = () => number;
type Run = () => void;

export function interpret(m: FirModule): () => DspInstance {
  return () => new Interpreter(m).instance();
}

class Interpreter {
  private readonly slots = new Map<string, number>();
  private readonly vars: Float64Array;
  private readonly arrays = new Map<string, Int32Array | Float32Array | Float64Array>();
  private ins: ArrayLike<number>[] = [];
  private outs: { [i: number]: number }[] = [];
  private readonly fns: Record<FunctionName, Run>;
  private readonly single: boolean;

  constructor(readonly m: FirModule) {
    this.single = m.precision === "single";
    const names = new Set<string>([SAMPLE_RATE, COUNT]);
    const collect = (body: readonly Stmt[]) => {
      for (const s of body) {
        if (s.kind === "declare") names.add(s.name);
        else if (s.kind === "for") (names.add(s.name), collect(s.body));
        else if (s.kind === "if") (collect(s.then), collect(s.else));
        else if (s.kind === "block") collect(s.body);
      }
    };
    const FloatArr = this.single ? Float32Array : Float64Array;
    for (const f of m.fields) {
      if (f.size === undefined) names.add(f.name);
      else {
        const a = f.type === "int" ? new Int32Array(f.size) : new FloatArr(f.size);
        if (f.data) a.set(f.data);
        this.arrays.set(f.name, a);
      }
    }
    for (const fn of FUNCTIONS) collect(m.functions[fn]);
    [...names].forEach((n, i) => this.slots.set(n, i));
    this.vars = new Float64Array(names.size);
    this.fns = Object.fromEntries(FUNCTIONS.map((fn) => [fn, this.block(m.functions[fn])])) as Record<FunctionName, Run>;
  }

  private slot(name: string): number {
    const k = this.slots.get(name);
    if (k === undefined) throw new InternalError(`FIR interpreter: unknown variable '${name}'`);
    return k;
  }
  private array(name: string) {
    const a = this.arrays.get(name);
    if (!a) throw new InternalError(`FIR interpreter: unknown array '${name}'`);
    return a;
  }

  private expr(e: Expr): Num {
    const v = this.vars;
    const F = this.single ? Math.fround : (x: number) => x;
    switch (e.kind) {
      case "int":
      case "float": {
        const c = e.value;
        return () => c;
      }
      case "load": {
        const k = this.slot(e.name);
        return () => v[k]!;
      }
      case "loadArr": {
        const a = this.array(e.name);
        const i = this.expr(e.index);
        return () => a[i()]!;
      }
      case "input": {
        const i = this.expr(e.index);
        const c = e.chan;
        return () => this.ins[c]![i()]!;
      }
      case "binop": {
        const a = this.expr(e.x);
        const b = this.expr(e.y);
        const int = e.type === "int";
        switch (e.op) {
          case "add":
            return int ? () => (a() + b()) | 0 : () => F(a() + b());
          case "sub":
            return int ? () => (a() - b()) | 0 : () => F(a() - b());
          case "mul":
            return int ? () => Math.imul(a(), b()) : () => F(a() * b());
          case "div":
            return int
              ? () => {
                  const y = b();
                  return y === 0 ? 0 : (a() / y) | 0;
                }
              : () => F(a() / b());
          case "rem":
            return int
              ? () => {
                  const x = a();
                  const y = b();
                  return y === 0 ? 0 : (x % y) | 0;
                }
              : () => F(a() % b());
          case "shl":
            return () => a() << b();
          case "ashr":
            return () => a() >> b();
          case "lshr":
            return () => (a() >>> b()) | 0;
          case "and":
            return () => a() & b();
          case "or":
            return () => a() | b();
          case "xor":
            return () => a() ^ b();
          case "gt":
            return () => (a() > b() ? 1 : 0);
          case "lt":
            return () => (a() < b() ? 1 : 0);
          case "ge":
            return () => (a() >= b() ? 1 : 0);
          case "le":
            return () => (a() <= b() ? 1 : 0);
          case "eq":
            return () => (a() === b() ? 1 : 0);
          case "ne":
            return () => (a() !== b() ? 1 : 0);
          default:
            return assertNever(e.op);
        }
      }
      case "cast": {
        const x = this.expr(e.x);
        return e.to === "int" ? () => x() | 0 : () => F(x());
      }
      case "call": {
        const args = e.args.map((a) => this.expr(a));
        const a = args[0]!;
        const b = args[1] ?? (() => 0);
        if (e.type === "int") {
          switch (e.fn) {
            case "abs":
              return () => Math.abs(a()) | 0;
            case "min":
              return () => Math.min(a(), b());
            case "max":
              return () => Math.max(a(), b());
            case "isnan":
              return () => (Number.isNaN(a()) ? 1 : 0);
            case "isinf":
              return () => {
                const x = a();
                return x === Infinity || x === -Infinity ? 1 : 0;
              };
            default:
              break;
          }
        }
        // Float calls: the C semantics shared by every engine (src/core/signals/cmath.ts).
        if (MATH_FNS[e.fn] === 2) {
          const g = cMath2(e.fn as Math2Op);
          return () => F(g(a(), b()));
        }
        const g = cMath1(e.fn as Math1Op);
        return () => F(g(a()));
      }
      case "select": {
        const c = this.expr(e.cond);
        const a = this.expr(e.a);
        const b = this.expr(e.b);
        return () => (c() !== 0 ? a() : b());
      }
      default:
        return assertNever(e);
    }
  }

  private block(body: readonly Stmt[]): Run {
    const steps = body.map((s) => this.stmt(s));
    const n = steps.length;
    return () => {
      for (let i = 0; i < n; i++) steps[i]!();
    };
  }

  private stmt(s: Stmt): Run {
    const v = this.vars;
    switch (s.kind) {
      case "declare":
      case "store": {
        const k = this.slot(s.name);
        const x = this.expr(s.value);
        return () => {
          v[k] = x();
        };
      }
      case "storeArr": {
        const a = this.array(s.name);
        const i = this.expr(s.index);
        const x = this.expr(s.value);
        return () => {
          a[i()] = x();
        };
      }
      case "output": {
        const i = this.expr(s.index);
        const x = this.expr(s.value);
        const c = s.chan;
        return () => {
          this.outs[c]![i()] = x();
        };
      }
      case "for": {
        const k = this.slot(s.name);
        const from = this.expr(s.from);
        const to = this.expr(s.to);
        const body = this.block(s.body);
        return () => {
          for (v[k] = from(); v[k]! < to(); v[k] = v[k]! + 1) body();
        };
      }
      case "if": {
        const c = this.expr(s.cond);
        const a = this.block(s.then);
        const b = this.block(s.else);
        return () => (c() !== 0 ? a() : b());
      }
      case "block":
        return this.block(s.body);
      default:
        return assertNever(s);
    }
  }

  instance(): DspInstance {
    const m = this.m;
    const v = this.vars;
    const sr = this.slot(SAMPLE_RATE);
    const count = this.slot(COUNT);
    const zones = new Map(m.widgets.map((w) => [w.address, this.slot(w.zone)]));
    const F = this.single ? Math.fround : (x: number) => +x;
    const self: DspInstance = {
      getNumInputs: () => m.inputs,
      getNumOutputs: () => m.outputs,
      getSampleRate: () => v[sr]!,
      init: (rate) => self.instanceInit(rate),
      instanceInit: (rate) => {
        self.instanceConstants(rate);
        self.instanceResetUserInterface();
        self.instanceClear();
      },
      instanceConstants: (rate) => {
        v[sr] = rate | 0;
        this.fns.instanceConstants();
      },
      instanceResetUserInterface: () => this.fns.instanceResetUserInterface(),
      instanceClear: () => this.fns.instanceClear(),
      compute: (n, inputs, outputs) => {
        this.ins = inputs;
        this.outs = outputs;
        v[count] = n;
        this.fns.compute();
      },
      setParamValue: (address, value) => {
        const k = zones.get(address);
        if (k !== undefined) v[k] = F(value);
      },
      getParamValue: (address) => {
        const k = zones.get(address);
        return k === undefined ? 0 : v[k]!;
      },
      getParams: () => [...zones.keys()],
      getUI: () => m.ui,
    };
    return self;
  }
}
