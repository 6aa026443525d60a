// The JavaScript backend: FIR module → JavaScript source text, and an
// in-process loader (`new Function`) for tests, the CLI and benchmarks.
//
//   jsSource(m)        the text of an ES module (`export default create`), self-contained
//   loadJs(m)          a factory () => DspInstance, from the same text (without the export line)
//
// Fields are closure variables of the instance (scalars as numbers, arrays as
// typed arrays: Int32Array for ints, Float32Array/Float64Array for floats
// according to the precision). Ints wrap with `| 0` and Math.imul; in single
// precision every float operation is wrapped in Math.fround. C math functions
// with no exact JavaScript equivalent (round, rint, remainder, copysign) come
// from the runtime prelude, which embeds the one definition of them that every
// engine uses (src/core/signals/cmath.ts).

import { formatFloat } from "../../core/signals/signal.ts";
import { cCopysign, cRemainder, cRint, cRound } from "../../core/signals/cmath.ts";
import type { DspInstance } from "../../core/fir/runtime.ts";
import { assertNever, COUNT, FUNCTIONS, SAMPLE_RATE, type Expr, type FirModule, type MathFn, type Stmt } from "../../core/fir/fir.ts";
import { elementKey, fieldUse, scalarArrays } from "../codegen/fields.ts";

/** The runtime prelude: helper functions with C semantics, as source text. */
function prelude(): string {
  return [
    "const $f64 = new Float64Array(1), $u32 = new Uint32Array($f64.buffer);",
    "function signBit(x) { $f64[0] = x; return ($u32[1] >>> 31) === 1; }",
    `const $round = ${String(cRound)};`,
    `const $remainder = ${String(cRemainder)};`,
    `const $copysign = ${String(cCopysign)};`,
    `const $rint = ${String(cRint)};`,
    "function $idiv(a, b) { return b === 0 ? 0 : (a / b) | 0; }",
    "function $irem(a, b) { return b === 0 ? 0 : (a % b) | 0; }",
  ].join("\n");
}

/** Functions whose result on float32 arguments is itself a float32 (so Math.fround would be the identity). */
const EXACT_FNS: ReadonlySet<MathFn> = new Set(["abs", "ceil", "floor", "rint", "round", "min", "max", "fmod", "remainder", "copysign"]);

const num = (v: number): string => {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "(-Infinity)";
  const s = Object.is(v, -0) ? "-0" : String(v);
  return s.startsWith("-") ? `(${s})` : s;
};

class JsWriter {
  /** Names used in place of fields (compute works on local copies). */
  alias = new Map<string, string>();
  constructor(
    readonly single: boolean,
    /** Small arrays only ever indexed by constants: one variable per element (`name$k`). */
    readonly scalar: ReadonlySet<string> = new Set(),
  ) {}

  private n(name: string): string {
    return this.alias.get(name) ?? name;
  }

  /** `name[index]` as JavaScript. */
  private elem(name: string, index: Expr): string {
    if (this.scalar.has(name) && index.kind === "int") return this.n(elementKey(name, index.value));
    return `${this.n(name)}[${this.expr(index)}]`;
  }

  private F(s: string): string {
    return this.single ? `Math.fround(${s})` : s;
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case "int":
        return num(e.value);
      case "float":
        return num(e.value);
      case "load":
        return this.n(e.name);
      case "loadArr":
        return this.elem(e.name, e.index);
      case "input":
        return `$in${e.chan}[${this.expr(e.index)}]`;
      case "binop": {
        const a = this.expr(e.x);
        const b = this.expr(e.y);
        const int = e.type === "int";
        switch (e.op) {
          case "add":
            return int ? `((${a} + ${b}) | 0)` : this.F(`(${a} + ${b})`);
          case "sub":
            return int ? `((${a} - ${b}) | 0)` : this.F(`(${a} - ${b})`);
          case "mul":
            return int ? `Math.imul(${a}, ${b})` : this.F(`(${a} * ${b})`);
          case "div":
            return int ? `$idiv(${a}, ${b})` : this.F(`(${a} / ${b})`);
          case "rem":
            return int ? `$irem(${a}, ${b})` : `(${a} % ${b})`; // fmod is exact
          case "shl":
            return `(${a} << ${b})`;
          case "ashr":
            return `(${a} >> ${b})`;
          case "lshr":
            return `((${a} >>> ${b}) | 0)`;
          case "and":
            return `(${a} & ${b})`;
          case "or":
            return `(${a} | ${b})`;
          case "xor":
            return `(${a} ^ ${b})`;
          case "gt":
            return `(${a} > ${b} ? 1 : 0)`;
          case "lt":
            return `(${a} < ${b} ? 1 : 0)`;
          case "ge":
            return `(${a} >= ${b} ? 1 : 0)`;
          case "le":
            return `(${a} <= ${b} ? 1 : 0)`;
          case "eq":
            return `(${a} === ${b} ? 1 : 0)`;
          case "ne":
            return `(${a} !== ${b} ? 1 : 0)`;
          default:
            return assertNever(e.op);
        }
      }
      case "cast":
        return e.to === "int" ? `(${this.expr(e.x)} | 0)` : this.F(this.expr(e.x));
      case "call": {
        const args = e.args.map((a) => this.expr(a));
        const [a, b] = args;
        if (e.type === "int") {
          switch (e.fn) {
            case "abs":
              return `(Math.abs(${a}) | 0)`;
            case "min":
              return `Math.min(${a}, ${b})`;
            case "max":
              return `Math.max(${a}, ${b})`;
            case "isnan":
              return `(Number.isNaN(${a}) ? 1 : 0)`;
            case "isinf":
              return `(${a} === Infinity || ${a} === -Infinity ? 1 : 0)`;
            default:
              break;
          }
        }
        let call: string;
        switch (e.fn) {
          case "exp10":
            call = `Math.pow(10, ${a})`;
            break;
          case "rint":
            call = `$rint(${a})`;
            break;
          case "round":
            call = `$round(${a})`;
            break;
          case "remainder":
            call = `$remainder(${a}, ${b})`;
            break;
          case "copysign":
            call = `$copysign(${a}, ${b})`;
            break;
          case "fmod":
            call = `(${a} % ${b})`;
            break;
          case "isnan":
          case "isinf":
            // typed int above; a float-typed isnan is ill-formed FIR
            call = `NaN`;
            break;
          default:
            call = `Math.${e.fn}(${args.join(", ")})`;
        }
        // these give a value exactly representable in the arguments' format: no rounding needed
        return EXACT_FNS.has(e.fn) ? call : this.F(call);
      }
      case "select":
        return `(${this.expr(e.cond)} !== 0 ? ${this.expr(e.a)} : ${this.expr(e.b)})`;
      default:
        return assertNever(e);
    }
  }

  stmts(body: readonly Stmt[], indent: string, out: string[]): void {
    for (const s of body) {
      switch (s.kind) {
        case "declare":
          out.push(`${indent}let ${s.name} = ${this.expr(s.value)};`);
          break;
        case "store":
          out.push(`${indent}${this.n(s.name)} = ${this.expr(s.value)};`);
          break;
        case "storeArr":
          out.push(`${indent}${this.elem(s.name, s.index)} = ${this.expr(s.value)};`);
          break;
        case "output":
          out.push(`${indent}$out${s.chan}[${this.expr(s.index)}] = ${this.expr(s.value)};`);
          break;
        case "for":
          out.push(`${indent}for (let ${s.name} = ${this.expr(s.from)}; ${s.name} < ${this.expr(s.to)}; ${s.name}++) {`);
          this.stmts(s.body, indent + "  ", out);
          out.push(`${indent}}`);
          break;
        case "if":
          out.push(`${indent}if (${this.expr(s.cond)} !== 0) {`);
          this.stmts(s.then, indent + "  ", out);
          if (s.else.length) {
            out.push(`${indent}} else {`);
            this.stmts(s.else, indent + "  ", out);
          }
          out.push(`${indent}}`);
          break;
        case "block":
          out.push(`${indent}{`);
          this.stmts(s.body, indent + "  ", out);
          out.push(`${indent}}`);
          break;
        default:
          assertNever(s);
      }
    }
  }
}

/** The body shared by the module text and the in-process loader: defines `create`. */
function jsBody(m: FirModule): string {
  const scalar = scalarArrays(m);
  const w = new JsWriter(m.precision === "single", scalar);
  const floatArr = m.precision === "single" ? "Float32Array" : "Float64Array";
  const out: string[] = [
    `// ${JSON.stringify(m.name)}: generated by faustlab (${m.precision} precision, ${m.inputs} inputs, ${m.outputs} outputs)`,
    prelude(),
    `const $ui = ${JSON.stringify(m.ui)};`,
    `const $meta = ${JSON.stringify(m.metadata)};`,
    "function create() {",
    `  let ${SAMPLE_RATE} = 0;`,
  ];
  for (const f of m.fields) {
    const arr = f.type === "int" ? "Int32Array" : floatArr;
    if (f.size === undefined) out.push(`  let ${f.name} = 0;`);
    else if (scalar.has(f.name)) out.push(`  let ${Array.from({ length: f.size }, (_, k) => `${elementKey(f.name, k)} = 0`).join(", ")};`);
    else if (f.data) out.push(`  const ${f.name} = new ${arr}([${f.data.map((v) => formatFloat(v).replace(/^nan$/, "NaN").replace(/^-?inf$/, (x) => (x[0] === "-" ? "-Infinity" : "Infinity"))).join(", ")}]);`);
    else out.push(`  const ${f.name} = new ${arr}(${f.size});`);
  }
  for (const fn of FUNCTIONS) {
    if (fn === "compute") {
      out.push(`  function compute(${COUNT}, inputs, outputs) {`);
      for (let i = 0; i < m.inputs; i++) out.push(`    const $in${i} = inputs[${i}];`);
      for (let i = 0; i < m.outputs; i++) out.push(`    const $out${i} = outputs[${i}];`);
      // the fields compute uses, as locals (scalars written back at the end)
      const { used, stored } = fieldUse(m.functions.compute, scalar);
      const writeBack: string[] = [];
      const vars: { name: string; array: boolean }[] = [{ name: SAMPLE_RATE, array: false }];
      for (const f of m.fields) {
        if (f.size === undefined) vars.push({ name: f.name, array: false });
        else if (scalar.has(f.name)) for (let k = 0; k < f.size; k++) vars.push({ name: elementKey(f.name, k), array: false });
        else vars.push({ name: f.name, array: true });
      }
      for (const v of vars) {
        if (!used.has(v.name)) continue;
        const local = `$l_${v.name}`;
        w.alias.set(v.name, local);
        out.push(`    ${v.array ? "const" : "let"} ${local} = ${v.name};`);
        if (!v.array && stored.has(v.name)) writeBack.push(`    ${v.name} = ${local};`);
      }
      w.stmts(m.functions[fn], "    ", out);
      out.push(...writeBack);
      w.alias.clear();
    } else {
      out.push(`  function ${fn}() {`);
      w.stmts(m.functions[fn], "    ", out);
    }
    out.push("  }");
  }
  const zone = (v: string) => (m.precision === "single" ? `Math.fround(${v})` : `+${v}`);
  out.push("  const $set = {");
  for (const wd of m.widgets) out.push(`    ${JSON.stringify(wd.address)}: (v) => { ${wd.zone} = ${zone("v")}; },`);
  out.push("  };", "  const $get = {");
  for (const wd of m.widgets) out.push(`    ${JSON.stringify(wd.address)}: () => ${wd.zone},`);
  out.push(
    "  };",
    "  return {",
    `    getNumInputs: () => ${m.inputs},`,
    `    getNumOutputs: () => ${m.outputs},`,
    `    getSampleRate: () => ${SAMPLE_RATE},`,
    `    init(sr) { this.instanceInit(sr); },`,
    `    instanceInit(sr) { ${SAMPLE_RATE} = sr | 0; instanceConstants(); instanceResetUserInterface(); instanceClear(); },`,
    `    instanceConstants(sr) { ${SAMPLE_RATE} = sr | 0; instanceConstants(); },`,
    "    instanceResetUserInterface,",
    "    instanceClear,",
    "    compute,",
    "    setParamValue(address, v) { const f = $set[address]; if (f) f(v); },",
    "    getParamValue(address) { const f = $get[address]; return f ? f() : 0; },",
    "    getParams: () => Object.keys($set),",
    "    getUI: () => $ui,",
    "    buildUserInterface(ui) {",
    "      const open = { vgroup: 'openVerticalBox', hgroup: 'openHorizontalBox', tgroup: 'openTabBox' };",
    "      const add = { button: 'addButton', checkbox: 'addCheckButton', hslider: 'addHorizontalSlider', vslider: 'addVerticalSlider', nentry: 'addNumEntry', hbargraph: 'addHorizontalBargraph', vbargraph: 'addVerticalBargraph' };",
    "      const walk = (item) => {",
    "        if (item.items) { ui[open[item.type]]?.(item.label); item.items.forEach(walk); ui.closeBox?.(); }",
    "        else if (item.type === 'hbargraph' || item.type === 'vbargraph') ui[add[item.type]]?.(item.label, item.address, item.min, item.max);",
    "        else if (item.type === 'button' || item.type === 'checkbox') ui[add[item.type]]?.(item.label, item.address);",
    "        else ui[add[item.type]]?.(item.label, item.address, item.init, item.min, item.max, item.step);",
    "      };",
    "      $ui.forEach(walk);",
    "    },",
    "    getMeta: () => $meta,",
    "  };",
    "}",
  );
  return out.join("\n") + "\n";
}

/** The JavaScript module text: `import create from "./x.js"; const dsp = create(); dsp.init(44100); dsp.compute(n, ins, outs)`. */
export function jsSource(m: FirModule): string {
  return jsBody(m) + "export default create;\n";
}

/** Compiles the module's JavaScript in-process; returns the instance factory. */
export function loadJs(m: FirModule): () => DspInstance {
  const body = jsBody(m);
  return new Function(body + "return create;")() as () => DspInstance;
}

export type { DspInstance };
