// The text form (WAT, `-lang wast`) of a module built by the wasm backend,
// printed from the same module description the binary encoder reads
// (wasm-encode.ts's WasmModuleSpec), so the text and the binary are one
// module: `wat2wasm` of the text gives back the encoder's bytes.
//
//   printWast(spec) → "(module\n  (type …) (import …) (func …) (memory …) (export …) (data …))\n"
//
// Layout follows wasm2wat: types, imports, functions, memory, exports, data;
// function bodies in the flat (linear) instruction form, indented inside
// blocks. Imported and exported functions are named after their import or
// export (`$_sin`, `$compute`), others by index comments; calls use the names.
// Function bodies are kept as instruction bytes by the encoder (wasm-encode's
// `Code`), so they are decoded here with the same opcode tables; bytes this
// decoder does not know throw (a backend bug, never user input).
// Float constants print as the shortest decimal that reads back to the same
// bits (JS number printing; `inf`, `nan`, `nan:0x…` for other payloads).

import { OP, OP_FC, OP_FD, moduleTypes, VALTYPE, type FuncType, type ValType, type WasmModuleSpec } from "./wasm-encode.ts";

/** Opcode → WAT mnemonic, from the encoder's own tables (`i32_load` → `i32.load`, `br_if` stays). */
const typed = /^(i32|i64|f32|f64|local|global|memory|data)_/;
const mnemonic = (name: string) => (typed.test(name) ? name.replace("_", ".") : name);
const NAMES = new Map<number, string>(Object.entries(OP).map(([k, v]) => [v, mnemonic(k)]));
const FC_NAMES = new Map<number, string>(Object.entries(OP_FC).map(([k, v]) => [v, mnemonic(k)]));
// v128_load → v128.load, f32x4_add → f32x4.add
const FD_NAMES = new Map<number, string>(Object.entries(OP_FD).map(([k, v]) => [v, k.replace("_", ".")]));
const VALTYPE_NAMES = new Map<number, ValType>(Object.entries(VALTYPE).map(([k, v]) => [v, k as ValType]));

/** Natural alignment (log2 of the access size) of each load and store. */
const NATURAL_ALIGN = new Map<number, number>([
  [OP.i32_load, 2],
  [OP.f32_load, 2],
  [OP.f64_load, 3],
  [OP.i32_store, 2],
  [OP.f32_store, 2],
  [OP.f64_store, 3],
]);

class Reader {
  at = 0;
  constructor(private readonly bytes: readonly number[]) {}
  get done(): boolean {
    return this.at >= this.bytes.length;
  }
  byte(): number {
    if (this.at >= this.bytes.length) throw new RangeError("wast: truncated instruction");
    return this.bytes[this.at++]!;
  }
  u32(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      scale *= 128;
      if (!(b & 0x80)) return result;
    }
  }
  sleb(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (!(b & 0x80)) {
        if (b & 0x40) result -= 1n << shift;
        return result;
      }
    }
  }
  raw(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.byte();
    return out;
  }
}

/** A float constant's text from its little-endian bytes. */
function floatText(bytes: Uint8Array, size: 4 | 8): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, size);
  const v = size === 4 ? view.getFloat32(0, true) : view.getFloat64(0, true);
  if (Number.isNaN(v)) {
    const negative = (bytes[size - 1]! & 0x80) !== 0;
    const payload = size === 4 ? BigInt(view.getUint32(0, true) & 0x7fffff) : view.getBigUint64(0, true) & ((1n << 52n) - 1n);
    const canonical = size === 4 ? 0x400000n : 1n << 51n;
    return `${negative ? "-" : ""}nan${payload === canonical ? "" : `:0x${payload.toString(16)}`}`;
  }
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (Object.is(v, -0)) return "-0";
  return String(v).replace("e+", "e");
}

const typeText = (t: FuncType) =>
  `(func${t.params.length ? ` (param ${t.params.join(" ")})` : ""}${t.results.length ? ` (result ${t.results.join(" ")})` : ""})`;

/** A name usable as a WAT identifier (`$` followed by idchars), or undefined. */
const ident = (name: string | undefined) => (name !== undefined && /^[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+$/.test(name) ? `$${name}` : undefined);

/** A string literal (printable ASCII as is, other bytes as \hh). */
function stringText(bytes: Uint8Array): string {
  let s = '"';
  for (const b of bytes) s += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\${b.toString(16).padStart(2, "0")}`;
  return s + '"';
}

/** The instructions of one function body, one a line, indented by nesting. */
function bodyText(code: readonly number[], funcName: (index: number) => string, indent: string): string[] {
  const r = new Reader(code);
  const lines: string[] = [];
  let depth = 0;
  const line = (text: string) => lines.push(indent + "  ".repeat(depth) + text);
  while (!r.done) {
    const op = r.byte();
    if (op === 0xfc) {
      const sub = r.u32();
      const name = FC_NAMES.get(sub);
      if (name === undefined) throw new RangeError(`wast: unknown instruction 0xfc ${sub}`);
      if (sub === OP_FC.memory_init) {
        const data = r.u32();
        r.byte(); // memory index 0
        line(`${name} ${data}`);
      } else if (sub === OP_FC.data_drop) line(`${name} ${r.u32()}`);
      else line(name);
      continue;
    }
    if (op === 0xfd) {
      const sub = r.u32();
      const name = FD_NAMES.get(sub);
      if (name === undefined) throw new RangeError(`wast: unknown instruction 0xfd ${sub}`);
      if (sub === OP_FD.v128_load || sub === OP_FD.v128_store) {
        const align = r.u32();
        const offset = r.u32();
        line(`${name}${offset ? ` offset=${offset}` : ""} align=${2 ** align}`);
      } else line(name);
      continue;
    }
    const name = NAMES.get(op);
    if (name === undefined) throw new RangeError(`wast: unknown opcode 0x${op.toString(16)}`);
    switch (op) {
      case OP.block:
      case OP.loop:
      case OP.if: {
        const bt = r.byte();
        const result = bt === 0x40 ? "" : ` (result ${VALTYPE_NAMES.get(bt) ?? `?${bt}`})`;
        line(name + result);
        depth++;
        break;
      }
      case OP.else:
        depth--;
        line(name);
        depth++;
        break;
      case OP.end:
        depth--;
        line(name);
        break;
      case OP.br:
      case OP.br_if:
      case OP.local_get:
      case OP.local_set:
      case OP.local_tee:
        line(`${name} ${r.u32()}`);
        break;
      case OP.call:
        line(`${name} ${funcName(r.u32())}`);
        break;
      case OP.i32_const:
      case OP.i64_const:
        line(`${name} ${r.sleb()}`);
        break;
      case OP.f32_const:
        line(`${name} ${floatText(r.raw(4), 4)}`);
        break;
      case OP.f64_const:
        line(`${name} ${floatText(r.raw(8), 8)}`);
        break;
      default: {
        const natural = NATURAL_ALIGN.get(op);
        if (natural !== undefined) {
          const align = r.u32();
          const offset = r.u32();
          line(`${name}${offset ? ` offset=${offset}` : ""}${align !== natural ? ` align=${2 ** align}` : ""}`);
        } else line(name);
      }
    }
  }
  return lines;
}

/** The module as WAT text. */
export function printWast(spec: WasmModuleSpec): string {
  const { types, importTypes, funcTypes } = moduleTypes(spec);
  const nimports = spec.imports.length;
  // function names: imports by their field name, defined functions by their export (when unique and a valid identifier)
  const names = new Map<number, string>();
  const taken = new Set<string>();
  const name = (index: number, wanted: string | undefined) => {
    const id = ident(wanted);
    if (id && !taken.has(id)) {
      taken.add(id);
      names.set(index, id);
    }
  };
  spec.imports.forEach((im, i) => name(i, im.name));
  spec.functions.forEach((f, i) => name(nimports + i, f.export));
  const funcName = (index: number) => names.get(index) ?? String(index);
  const label = (index: number) => names.get(index) ?? `(;${index};)`;

  const out: string[] = ["(module"];
  types.forEach((t, i) => out.push(`  (type (;${i};) ${typeText(t)})`));
  spec.imports.forEach((im, i) => out.push(`  (import ${stringText(new TextEncoder().encode(im.module))} ${stringText(new TextEncoder().encode(im.name))} (func ${label(i)} (type ${importTypes[i]})))`));
  spec.functions.forEach((f, i) => {
    const t = f.type;
    const head = [`(func ${label(nimports + i)} (type ${funcTypes[i]})`];
    if (t.params.length) head.push(`(param ${t.params.join(" ")})`);
    if (t.results.length) head.push(`(result ${t.results.join(" ")})`);
    out.push(`  ${head.join(" ")}`);
    if (f.locals.length) out.push(`    (local ${f.locals.join(" ")})`);
    const body = bodyText(f.code.bytes, funcName, "    ");
    if (body.length) out.push(...body);
    out[out.length - 1] += ")";
  });
  const { minPages, maxPages } = spec.memory;
  out.push(`  (memory (;0;) ${minPages}${maxPages !== undefined ? ` ${maxPages}` : ""})`);
  spec.functions.forEach((f, i) => {
    if (f.export !== undefined) out.push(`  (export ${stringText(new TextEncoder().encode(f.export))} (func ${funcName(nimports + i)}))`);
  });
  if (spec.memory.export !== undefined) out.push(`  (export ${stringText(new TextEncoder().encode(spec.memory.export))} (memory 0))`);
  (spec.data ?? []).forEach((d, i) => out.push(`  (data (;${i};) ${stringText(d)})`));
  out[out.length - 1] += ")";
  return out.join("\n") + "\n";
}
