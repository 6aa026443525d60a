// The reference: the real Faust compiler (libfaust 2.88.0 inside
// @grame/faustwasm 0.18.4), used as faustlab's oracle. It compiles a program to
// wasm and renders it with our own driver, so that single and double
// precision both come back exactly as the module computed them.

import fs from "node:fs";
import path from "node:path";
import { libfaustDir } from "../driver/stdlib.ts";
import { cCopysign, cFmax, cFmin, cIsinf, cIsnan, cRemainder, cRint, cRound } from "../core/signals/cmath.ts";

// The ESM build: the bare specifier resolves to a CommonJS build without exports.
type FaustwasmModule = typeof import("@grame/faustwasm/dist/esm/index.js");
type LibFaustInstance = InstanceType<FaustwasmModule["LibFaust"]>;
type FaustModule = Awaited<ReturnType<FaustwasmModule["instantiateFaustModuleFromFile"]>>;

export interface ReferenceOptions {
  /** Compile with -double (samples are 64-bit floats). */
  readonly double?: boolean;
  /** Extra folders searched by import() and library(), before the standard library. */
  readonly includeDirs?: readonly string[];
  /** Folder of the program's own file, searched first (as Faust does). */
  readonly sourceDir?: string;
  /** Extra compiler arguments, passed through verbatim. */
  readonly extraArgs?: readonly string[];
}

export type { CompiledReference, ReferenceMeta, ReferenceUIItem } from "../chain/backends/dsp-json.ts";
import type { CompiledReference, ReferenceMeta } from "../chain/backends/dsp-json.ts";

export class OracleError extends Error {
  constructor(
    message: string,
    readonly stage: "compile" | "render",
  ) {
    super(message);
  }
}

let quiet = false;
let libfaust: Promise<{ lib: LibFaustInstance; module: FaustModule }> | undefined;

/** Loads libfaust once per process. Emscripten's console noise on compile errors is swallowed. */
async function loadLibfaust(): Promise<{ lib: LibFaustInstance; module: FaustModule }> {
  libfaust ??= (async () => {
    const fw: FaustwasmModule = await import("@grame/faustwasm/dist/esm/index.js");
    // Emscripten binds console.error and console.log when the module is created;
    // bind it to dispatchers that stay quiet while libfaust is compiling.
    const { error, log } = console;
    console.error = (...a: unknown[]) => {
      if (!quiet) error.apply(console, a);
    };
    console.log = (...a: unknown[]) => {
      if (!quiet) log.apply(console, a);
    };
    let module: FaustModule;
    try {
      module = await fw.instantiateFaustModuleFromFile(path.join(libfaustDir(), "libfaust-wasm.js"));
    } finally {
      console.error = error;
      console.log = log;
    }
    return { lib: new fw.LibFaust(module), module };
  })();
  return libfaust;
}

/** The version string of the embedded libfaust ("2.88.0"). */
export async function referenceVersion(): Promise<string> {
  return (await loadLibfaust()).lib.version();
}

let mirrorCount = 0;
/** Host folder → its virtual folder and the stamp (mtime, size) of each file copied. */
const mirrored = new Map<string, { vdir: string; stamps: Map<string, string> }>();
/** Bounds of the mirror, so that a program sitting in a big folder stays cheap. */
const MIRROR_DEPTH = 2;
const MIRROR_MAX_FILES = 2000;

/**
 * Mirrors a host folder's .lib/.dsp files into libfaust's virtual file system
 * and returns the virtual path. Called before every compilation: files added
 * or changed since the last call (by modification time and size) are copied
 * again, so a long-running process never compiles against stale libraries.
 */
function mirrorDir(module: FaustModule, hostDir: string): string {
  const abs = path.resolve(hostDir);
  let entry = mirrored.get(abs);
  if (!entry) {
    entry = { vdir: `/faustlab-include/${mirrorCount++}`, stamps: new Map() };
    mirrored.set(abs, entry);
  }
  const { vdir, stamps } = entry;
  const FS = module.FS;
  const mkdirs = (p: string) => {
    let cur = "";
    for (const part of p.split("/").filter(Boolean)) {
      cur += "/" + part;
      try {
        FS.mkdir(cur);
      } catch {
        /* exists */
      }
    }
  };
  let files = 0;
  const walk = (host: string, virt: string, depth: number) => {
    mkdirs(virt);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(host, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (files >= MIRROR_MAX_FILES) return;
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      const h = path.join(host, e.name);
      if (e.isDirectory() && depth < MIRROR_DEPTH) walk(h, `${virt}/${e.name}`, depth + 1);
      else if (e.isFile() && /\.(lib|dsp)$/.test(e.name)) {
        files++;
        let stamp: string;
        try {
          const st = fs.statSync(h);
          stamp = `${st.mtimeMs}:${st.size}`;
        } catch {
          continue;
        }
        if (stamps.get(h) === stamp) continue;
        FS.writeFile(`${virt}/${e.name}`, fs.readFileSync(h));
        stamps.set(h, stamp);
      }
    }
  };
  walk(abs, vdir, 0);
  return vdir;
}

let nameCounter = 0;

/**
 * Compiles a program with the real compiler. The factory name is the program
 * name (it is the label of the top UI group, as `faust` uses the file name);
 * libfaust is called directly, so nothing is cached between calls.
 */
export async function compileReference(source: string, name: string, opts: ReferenceOptions = {}): Promise<CompiledReference> {
  const { lib, module } = await loadLibfaust();
  const args: string[] = ["-lang", "wasm-i", "-ftz", "0"];
  if (opts.double) args.push("-double");
  for (const d of [...(opts.sourceDir ? [opts.sourceDir] : []), ...(opts.includeDirs ?? [])]) {
    args.push("-I", mirrorDir(module, d));
  }
  args.push(...(opts.extraArgs ?? []));
  nameCounter++;
  const t0 = performance.now();
  let wasm: { cfactory: number; data: { size(): number; get(i: number): number; delete(): void }; json: string };
  try {
    quiet = true;
    wasm = lib.createDSPFactory(name, source, args.join(" "), true);
  } catch {
    const message = lib.getErrorAfterException() || "unknown compilation error";
    lib.cleanupAfterException();
    throw new OracleError(message.trim(), "compile");
  } finally {
    quiet = false;
  }
  const compileMs = performance.now() - t0;
  const n = wasm.data.size();
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = wasm.data.get(i);
  wasm.data.delete();
  const json = wasm.json;
  lib.deleteDSPFactory(wasm.cfactory);
  const wasmModule = new WebAssembly.Module(bytes);
  return { name, module: wasmModule, json, meta: JSON.parse(json) as ReferenceMeta, double: !!opts.double, compileMs };
}

// ---- C semantics for the math functions the module imports from JS ----
// (one definition for every engine: src/core/signals/cmath.ts)

export { cCopysign, cIsinf, cRemainder, cRound } from "../core/signals/cmath.ts";

const unary: Record<string, (x: number) => number> = {
  acos: Math.acos,
  asin: Math.asin,
  atan: Math.atan,
  ceil: Math.ceil,
  cos: Math.cos,
  exp: Math.exp,
  floor: Math.floor,
  log: Math.log,
  log10: Math.log10,
  round: cRound,
  rint: cRint,
  sin: Math.sin,
  sqrt: Math.sqrt,
  tan: Math.tan,
  acosh: Math.acosh,
  asinh: Math.asinh,
  atanh: Math.atanh,
  cosh: Math.cosh,
  sinh: Math.sinh,
  tanh: Math.tanh,
  isnan: cIsnan,
  isinf: cIsinf,
  fabs: Math.abs,
  exp10: (x) => Math.pow(10, x),
};
const binary: Record<string, (x: number, y: number) => number> = {
  atan2: Math.atan2,
  fmod: (x, y) => x % y,
  pow: Math.pow,
  remainder: cRemainder,
  copysign: cCopysign,
  max_: cFmax,
  min_: cFmin,
};

/** The `env` imports of a Faust wasm module, with C semantics. */
export function mathImports(): Record<string, WebAssembly.ImportValue> {
  const env: Record<string, WebAssembly.ImportValue> = { _abs: (x: number) => Math.abs(x | 0) | 0 };
  for (const [k, f] of Object.entries(unary)) {
    env[`_${k}`] = f;
    env[`_${k}f`] = f;
  }
  for (const [k, f] of Object.entries(binary)) {
    env[`_${k}`] = f;
    env[`_${k}f`] = f;
  }
  return env;
}

export interface RenderOptions {
  readonly samples: number;
  readonly sampleRate?: number;
  readonly blockSize?: number;
  /** Input signal per channel; defaults to a unit impulse on every input. */
  readonly input?: (channel: number, index: number) => number;
  /** Control values by address (`/lowpass/freq`), set after init; the others stay at their defaults. */
  readonly controls?: Readonly<Record<string, number>>;
}

export interface Rendering {
  readonly inputs: number;
  readonly outputs: number;
  /** One array per output, the samples as the module computed them (float32 values widened exactly). */
  readonly data: Float64Array[];
}

export const impulse = (_channel: number, index: number): number => (index === 0 ? 1 : 0);

/** A live instance of a reference module with its audio buffers laid out after the DSP struct. */
export interface ReferenceInstance {
  /** Calls compute(count) on the current buffers (count <= blockSize). */
  compute(count: number): void;
  /** The k-th input buffer (length blockSize); re-fetch after compute, memory may move. */
  input(k: number): Float32Array | Float64Array;
  output(k: number): Float32Array | Float64Array;
}

export function instantiateReference(c: CompiledReference, sampleRate: number, blockSize: number, controls: Readonly<Record<string, number>> = {}): ReferenceInstance {
  const { inputs, outputs, size } = c.meta;
  if (/"type":\s*"soundfile"/.test(c.json))
    throw new OracleError("the program reads a soundfile; the reference driver loads no sound files, so it does not render it", "render");
  let instance: WebAssembly.Instance;
  try {
    const env = mathImports();
    const needed = WebAssembly.Module.imports(c.module).filter((i) => i.module === "env" && !(i.name in env) && i.kind === "function");
    if (needed.length) throw new OracleError(`the module imports functions faustlab does not provide: ${needed.map((i) => i.name).join(", ")}`, "render");
    instance = new WebAssembly.Instance(c.module, { env });
  } catch (e) {
    throw new OracleError((e as Error).message, "render");
  }
  const ex = instance.exports as {
    memory: WebAssembly.Memory;
    init(dsp: number, sr: number): void;
    compute(dsp: number, count: number, ins: number, outs: number): void;
  };
  const mem = ex.memory;
  const bs = blockSize;
  const sampleBytes = c.double ? 8 : 4;
  const align = (x: number) => (x + 15) & ~15;
  const ptrs = align(size);
  const bufs = align(ptrs + 4 * (inputs + outputs));
  const end = bufs + (inputs + outputs) * bs * sampleBytes;
  if (end > mem.buffer.byteLength) mem.grow(Math.ceil((end - mem.buffer.byteLength) / 65536));
  const view = new DataView(mem.buffer);
  const bufAddr = (k: number) => bufs + k * bs * sampleBytes;
  for (let k = 0; k < inputs + outputs; k++) view.setInt32(ptrs + 4 * k, bufAddr(k), true);
  const Arr = c.double ? Float64Array : Float32Array;
  ex.init(0, sampleRate);
  if (Object.keys(controls).length) {
    const zones = new Map<string, number>();
    const walk = (items: readonly { address?: string; index?: number; items?: readonly unknown[] }[]) => {
      for (const it of items) {
        if (it.address !== undefined && it.index !== undefined) zones.set(it.address, it.index);
        if (it.items) walk(it.items as never);
      }
    };
    walk(c.meta.ui);
    for (const [address, v] of Object.entries(controls)) {
      const at = zones.get(address);
      if (at === undefined) continue;
      if (c.double) view.setFloat64(at, v, true);
      else view.setFloat32(at, v, true);
    }
  }
  return {
    compute(count) {
      try {
        ex.compute(0, count, ptrs, ptrs + 4 * inputs);
      } catch (e) {
        throw new OracleError(`compute trapped: ${(e as Error).message}`, "render");
      }
    },
    input: (k) => new Arr(mem.buffer, bufAddr(k), bs),
    output: (k) => new Arr(mem.buffer, bufAddr(inputs + k), bs),
  };
}

/** Renders a compiled module block by block, every control at its default value. */
export function renderReference(c: CompiledReference, opts: RenderOptions): Rendering {
  const sr = opts.sampleRate ?? 44100;
  const bs = Math.max(1, opts.blockSize ?? 512);
  const input = opts.input ?? impulse;
  const { inputs, outputs } = c.meta;
  const inst = instantiateReference(c, sr, bs, opts.controls);
  const data = Array.from({ length: outputs }, () => new Float64Array(opts.samples));
  for (let pos = 0; pos < opts.samples; pos += bs) {
    const count = Math.min(bs, opts.samples - pos);
    for (let k = 0; k < inputs; k++) {
      const a = inst.input(k);
      for (let i = 0; i < count; i++) a[i] = input(k, pos + i);
    }
    inst.compute(count);
    for (let k = 0; k < outputs; k++) {
      const a = inst.output(k);
      const d = data[k]!;
      for (let i = 0; i < count; i++) d[pos + i] = a[i]!;
    }
  }
  return { inputs, outputs, data };
}
