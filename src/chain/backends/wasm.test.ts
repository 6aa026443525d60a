// The wasm backend: the binary encoder (checked by the engine's validator),
// the module's interface against the real compiler's, and differential
// agreement with the JS backend on the corpus and the library tests.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Code, encodeModule, OP, OP_FC, sleb, uleb } from "./wasm-encode.ts";
import { structLayout, wasmModule, wasmReference } from "./wasm.ts";
import { compileFir } from "../../driver/compile.ts";
import { loadJs } from "./js.ts";
import { renderDsp } from "./render.ts";
import { compileReference, mathImports, renderReference } from "../../harness/oracle.ts";
import { firstDifference, testSignal } from "../../harness/difftest.ts";
import { extractLibraryTests } from "../../driver/libtests.ts";
import { fir, type Expr, type FirBinOp, type FirModule } from "../../core/fir/fir.ts";
import { verifyModule } from "../../core/fir/verify.ts";
import { projectPath } from "../../core/paths.ts";

describe("wasm binary encoder", () => {
  it("encodes LEB128", () => {
    const u = (v: number) => ((o: number[]) => (uleb(o, v), o))([]);
    const s = (v: number) => ((o: number[]) => (sleb(o, v), o))([]);
    expect(u(0)).toEqual([0]);
    expect(u(127)).toEqual([0x7f]);
    expect(u(128)).toEqual([0x80, 0x01]);
    expect(u(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(u(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(s(-1)).toEqual([0x7f]);
    expect(s(63)).toEqual([0x3f]);
    expect(s(64)).toEqual([0xc0, 0x00]);
    expect(s(-64)).toEqual([0x40]);
    expect(s(-65)).toEqual([0xbf, 0x7f]);
    expect(s(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(s(-2147483648)).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
    expect(() => u(-1)).toThrow(RangeError);
  });

  it("builds valid modules with imports, memory, exports, loops and passive data", async () => {
    // add(a, b) = a + b (i32); sumTo(n) = 0 + 1 + … + (n-1) by a loop; scale(x) = sin(x) * 2 (f64, imported sin); peek(i) reads the data copied by init()
    const add = new Code().op(OP.local_get).u32(0).op(OP.local_get).u32(1).op(OP.i32_add);
    const sum = new Code();
    sum.block(OP.block).block(OP.loop);
    sum.op(OP.local_get).u32(1).op(OP.local_get).u32(0).op(OP.i32_ge_s, OP.br_if).u32(1);
    sum.op(OP.local_get).u32(2).op(OP.local_get).u32(1).op(OP.i32_add, OP.local_set).u32(2);
    sum.op(OP.local_get).u32(1).i32(1).op(OP.i32_add, OP.local_set).u32(1).op(OP.br).u32(0).op(OP.end, OP.end);
    sum.op(OP.local_get).u32(2);
    const scale = new Code().op(OP.local_get).u32(0).op(OP.call).u32(0).f64(2).op(OP.f64_mul);
    const init = new Code().i32(16).i32(0).i32(8).fc(OP_FC.memory_init).u32(0).u32(0);
    const peek = new Code().op(OP.local_get).u32(0).mem(OP.f32_load, 2, 16);
    const bytes = encodeModule({
      imports: [{ module: "env", name: "_sin", type: { params: ["f64"], results: ["f64"] } }],
      functions: [
        { type: { params: ["i32", "i32"], results: ["i32"] }, locals: [], code: add, export: "add" },
        { type: { params: ["i32"], results: ["i32"] }, locals: ["i32", "i32"], code: sum, export: "sumTo" },
        { type: { params: ["f64"], results: ["f64"] }, locals: [], code: scale, export: "scale" },
        { type: { params: [], results: [] }, locals: [], code: init, export: "init" },
        { type: { params: ["i32"], results: ["f32"] }, locals: [], code: peek, export: "peek" },
      ],
      memory: { minPages: 1, export: "memory" },
      data: [new Uint8Array(new Float32Array([1.5, -2.25]).buffer)],
    });
    expect(WebAssembly.validate(bytes)).toBe(true);
    const { instance } = await WebAssembly.instantiate(bytes, { env: { _sin: Math.sin } });
    const ex = instance.exports as Record<string, (...a: number[]) => number>;
    expect(ex.add!(2, -5)).toBe(-3);
    expect(ex.add!(0x7fffffff, 1)).toBe(-0x80000000);
    expect(ex.sumTo!(101)).toBe(5050);
    expect(ex.scale!(1)).toBe(Math.sin(1) * 2);
    expect(ex.peek!(0)).toBe(0);
    ex.init!();
    expect([ex.peek!(0), ex.peek!(4)]).toEqual([1.5, -2.25]);
    expect((instance.exports.memory as WebAssembly.Memory).buffer.byteLength).toBe(65536);
    // a broken body (an i32.add with nothing on the stack) does not validate
    expect(WebAssembly.validate(encodeModule({ imports: [], functions: [{ type: { params: [], results: [] }, locals: [], code: new Code().op(OP.i32_add) }], memory: { minPages: 1 } }))).toBe(false);
  });
});

const src = (text: string) => ({ text, path: "/t/w.dsp" });

describe("wasm backend", () => {
  it("has the real compiler's exports, env import names and JSON fields", async () => {
    const text = 'import("stdfaust.lib"); process = os.osc(440)*hslider("g",0.5,0,1,0.01), (_ : ma.tanh);';
    for (const double of [false, true]) {
      const ref = await compileReference(text, "w", { double });
      const ours = wasmReference(compileFir(src(text), { double }));
      const names = (mod: WebAssembly.Module) => WebAssembly.Module.exports(mod).map((e) => `${e.kind} ${e.name}`).sort();
      expect(names(ours.module)).toEqual(names(ref.module));
      const imports = (mod: WebAssembly.Module) => WebAssembly.Module.imports(mod).map((e) => `${e.module}.${e.name}`).sort();
      // the double functions in both precisions (single widens to them: same samples, a faster call in V8)
      expect(imports(ref.module)).toEqual(double ? ["env._sin", "env._tanh"] : ["env._sinf", "env._tanhf"]);
      expect(imports(ours.module)).toEqual(["env._sin", "env._tanh"]);
      const meta = JSON.parse(ours.json) as typeof ref.meta;
      expect(Object.keys(meta).sort()).toEqual(expect.arrayContaining(["compile_options", "inputs", "meta", "name", "outputs", "size", "ui"]));
      expect(meta.compile_options).toContain(double ? "-double" : "-single");
      expect([meta.inputs, meta.outputs]).toEqual([1, 2]);
      const slider = meta.ui[0]!.items![0]!;
      expect(slider).toMatchObject({ type: "hslider", address: "/w/g", init: 0.5, min: 0, max: 1, step: 0.01 });
      // the index is the zone's byte offset: setting the parameter through memory is seen by getParamValue
      const inst = new WebAssembly.Instance(ours.module, { env: mathImports() });
      const ex = inst.exports as { init(d: number, sr: number): void; getParamValue(d: number, i: number): number; getSampleRate(d: number): number; memory: WebAssembly.Memory };
      ex.init(0, 48000);
      expect(ex.getSampleRate(0)).toBe(48000);
      expect(ex.getParamValue(0, slider.index!)).toBeCloseTo(0.5, 6);
      const view = double ? new Float64Array(ex.memory.buffer, slider.index!, 1) : new Float32Array(ex.memory.buffer, slider.index!, 1);
      expect(view[0]).toBeCloseTo(0.5, 6);
      expect(meta.size).toBeGreaterThan(slider.index!);
    }
  });

  it("lays fields out at fixed aligned offsets (floats first, arrays inline)", () => {
    const m = compileFir(src("process = @(5) : +~_;"), { double: true });
    const { slots, size } = structLayout(m);
    let end = 0;
    for (const s of [...slots.values()].sort((a, b) => a.offset - b.offset)) {
      const cell = s.type === "int" ? 4 : 8;
      expect(s.offset % cell).toBe(0);
      expect(s.offset).toBeGreaterThanOrEqual(end);
      end = s.offset + cell * (s.size ?? 1);
    }
    expect(size).toBe((end + 7) & ~7);
    expect(slots.has("fSampleRate")).toBe(true);
  });

  it("follows the JS backend's integer and cast semantics (division by zero, INT_MIN / -1, wrapping casts, NaN)", () => {
    const i = fir.load("i0");
    const n = fir.load("n"); // -2 .. 2 from the noise input
    const x = fir.load("x");
    const I = (op: FirBinOp, a: Expr, b: Expr) => fir.binop(op, "int", a, b);
    const F = (op: FirBinOp, a: Expr, b: Expr) => fir.binop(op, "float", a, b);
    const INT_MIN = fir.int(-2147483648);
    // float literals are exact float32 values, as the generator guarantees in single precision
    const ints: Expr[] = [
      I("div", fir.int(7), n), I("rem", fir.int(-7), n), I("div", INT_MIN, I("sub", n, fir.int(1))), I("rem", INT_MIN, fir.int(-1)),
      I("div", INT_MIN, fir.int(-1)), I("mul", fir.int(0x7fffffff), n), I("add", fir.int(0x7fffffff), n), I("shl", n, fir.int(30)), I("ashr", n, fir.int(33)),
      I("lshr", n, fir.int(1)), I("xor", n, fir.int(-1)), fir.call("abs", "int", [I("sub", INT_MIN, n)]), fir.call("min", "int", [n, fir.int(0)]), fir.call("max", "int", [n, fir.int(0)]),
      fir.cast("int", F("mul", x, fir.float(1e10))), fir.cast("int", F("mul", x, fir.float(1.5 * 2 ** 64))), fir.cast("int", F("div", x, fir.float(0))), fir.cast("int", F("div", fir.float(0), fir.float(0))),
      fir.cast("int", F("mul", x, fir.float(-3.75))), fir.call("isnan", "int", [F("div", x, x)]), fir.call("isinf", "int", [F("div", x, fir.float(0))]), I("lt", n, fir.int(0)),
    ];
    const floats: Expr[] = [
      fir.call("floor", "float", [F("mul", x, fir.float(3.5))]), fir.call("rint", "float", [F("mul", x, fir.float(2.5))]), F("rem", x, fir.float(0.375)),
      fir.call("round", "float", [F("mul", x, fir.float(2.5))]), fir.call("pow", "float", [fir.call("abs", "float", [x]), fir.float(0.375)]), fir.call("min", "float", [x, fir.float(0)]),
      fir.select("float", I("gt", n, fir.int(0)), fir.call("sin", "float", [x]), fir.call("exp10", "float", [x])), fir.call("copysign", "float", [fir.float(2), x]), fir.call("sqrt", "float", [x]),
    ];
    const outs = [...ints.map((e) => fir.cast("float", e)), ...floats];
    for (const precision of ["single", "double"] as const) {
      const m: FirModule = {
        name: "sem", precision, inputs: 1, outputs: outs.length, fields: [{ name: "iState", type: "int" }], widgets: [], ui: [], metadata: [],
        functions: {
          instanceConstants: [], instanceResetUserInterface: [], instanceClear: [fir.store("iState", fir.int(0))],
          compute: [
            fir.for("i0", fir.int(0), fir.load("count"), [
              fir.declare("x", "float", fir.input(0, i)),
              fir.declare("n", "int", I("sub", fir.cast("int", F("mul", F("add", x, fir.float(1)), fir.float(2))), fir.int(2))),
              fir.store("iState", I("add", fir.load("iState"), n)),
              ...outs.map((e, k) => fir.output(k, i, e)),
            ]),
          ],
        },
      };
      expect(verifyModule(m).map((d) => d.message)).toEqual([]);
      const double = precision === "double";
      const input = testSignal();
      const js = renderDsp(loadJs(m)(), { samples: 600, double, input });
      const w = renderReference(wasmReference(m), { samples: 600, input }).data;
      expect(firstDifference(js, w, 0)).toBeUndefined();
    }
  });

  it("keeps waveforms as data copied at instanceConstants, and rw tables, like the JS backend", () => {
    const text = "process = (waveform{1,2,3.5,-4} : !, _), (waveform{3,-7,9} : !, int), (_ <: rwtable(4, 0.5, int(_*3) % 4, _, int(_*5) % 4));";
    for (const double of [false, true]) {
      const m = compileFir(src(text), { double });
      expect(m.fields.some((f) => f.data)).toBe(true);
      expect(agree(text, "/t/wave.dsp", double)).toBeUndefined();
    }
  });

  it("impulse -backend wasm prints the same text as the JS backend (but the engine name)", async () => {
    const { impulseCommand } = await import("../../cli/commands/impulse.ts");
    const os = await import("node:os");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-wasm-"));
    const dsp = path.join(dir, "i.dsp");
    fs.writeFileSync(dsp, 'import("stdfaust.lib");\nprocess = _ <: fi.lowpass(2, 1000), (+ ~ *(0.5)), @(20), hslider("g", 0.25, 0, 1, 0.01);\n');
    const text = async (backend: string, ...more: string[]) => {
      let out = "";
      await impulseCommand.run([dsp, "-backend", backend, "-n", "64", "-bs", "7", ...more], { out: (t) => void (out += t), err: () => {} });
      return out;
    };
    for (const more of [[], ["-double"]]) {
      const w = await text("wasm", ...more);
      expect(w).toMatch(/^# faustlab \S+ wasm inputs=1 outputs=4/);
      expect(w.replace(" wasm ", " js ")).toBe(await text("js", ...more));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("requires -o for -lang wasm and writes the module with its JSON beside it", async () => {
    const { compileCommand } = await import("../../cli/commands/compile.ts");
    const os = await import("node:os");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-wasm-"));
    const dsp = path.join(dir, "k.dsp");
    fs.writeFileSync(dsp, 'process = hslider("v", 1, 0, 2, 0.1) * _;');
    const io = { out: () => {}, err: () => {} };
    await expect(compileCommand.run([dsp, "-lang", "wasm"], io)).rejects.toThrow(/-o/);
    expect(await compileCommand.run([dsp, "-lang", "wasm", "-double", "-o", path.join(dir, "out", "k.wasm")], io)).toBe(0);
    const bytes = fs.readFileSync(path.join(dir, "out", "k.wasm"));
    expect(WebAssembly.validate(bytes)).toBe(true);
    const meta = JSON.parse(fs.readFileSync(path.join(dir, "out", "k.json"), "utf8"));
    expect(meta).toMatchObject({ name: "k", inputs: 1, outputs: 1 });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("wasm backend in faustwasm's own runtime", () => {
  it("renders our module + JSON as a mono factory, controls addressed through the JSON index, like the real compiler's", async () => {
    const fw = await import("@grame/faustwasm/dist/esm/index.js");
    const text = 'import("stdfaust.lib"); process = _, os.osc(440) * hslider("g", 0.5, 0, 1, 0.01) : + : fi.lowpass(2, 3000);';
    const render = async (module: WebAssembly.Module, json: string, code: Uint8Array) => {
      const factory = { module, json, code, poly: false, cfactory: 0, soundfiles: {} };
      const proc = await new fw.FaustMonoDspGenerator().createOfflineProcessor(44100, 128, factory as unknown as Parameters<InstanceType<typeof fw.FaustMonoDspGenerator>["createOfflineProcessor"]>[2]);
      proc.setParamValue("/fw/g", 0.25);
      expect(proc.getParamValue("/fw/g")).toBe(0.25);
      expect(proc.getParams()).toEqual(["/fw/g"]);
      const input = new Float32Array(700);
      input[0] = 1;
      return proc.render([input], 700)[0]!;
    };
    for (const double of [false, true]) {
      const out = wasmModule(compileFir({ text, path: "/t/fw.dsp" }, { double }));
      const ours = await render(new WebAssembly.Module(out.bytes), out.json, out.bytes);
      const ref = await compileReference(text, "fw", { double });
      const theirs = await render(ref.module, ref.json, new Uint8Array());
      expect(ours.length).toBe(700);
      expect(Math.max(...ours.map(Math.abs))).toBeGreaterThan(0.1);
      for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i]! - theirs[i]!)).toBeLessThan(1e-5);
    }
  }, 30_000);
});

/** Renders a module with the JS backend and, through the reference driver, with the wasm backend. */
function agree(text: string, file: string, double: boolean, name?: string): ReturnType<typeof firstDifference> | "rejected" {
  let m;
  try {
    m = compileFir({ text, path: file }, { double, name });
  } catch {
    return "rejected"; // faustlab does not compile it (covered by the differential runner's own tests)
  }
  const input = m.inputs ? testSignal() : undefined;
  const js = renderDsp(loadJs(m)(), { samples: 1024, double, input });
  const w = renderReference(wasmReference(m), { samples: 1024, input }).data;
  return firstDifference(js, w, double ? 1e-12 : 0);
}

describe("wasm backend agrees with the JS backend", () => {
  it("on a spread of corpus programs (double within 1e-12, single exactly)", () => {
    const corpus = projectPath("corpus");
    const manifest = JSON.parse(fs.readFileSync(path.join(corpus, "manifest.json"), "utf8")) as { path: string; accepted: boolean }[];
    const picked = manifest.filter((e) => e.accepted).filter((_, i) => i % 4 === 0);
    let compared = 0;
    for (const e of picked) {
      const file = path.join(corpus, e.path);
      const text = fs.readFileSync(file, "utf8");
      for (const double of [true, false]) {
        const r = agree(text, file, double);
        if (r === "rejected") continue;
        compared++;
        expect([e.path, double, r]).toEqual([e.path, double, undefined]);
      }
    }
    expect(compared).toBeGreaterThan(10);
  }, 60_000);

  it("on every 12th accepted library test (double within 1e-12)", () => {
    const lib = JSON.parse(fs.readFileSync(projectPath("corpus", "library-manifest.json"), "utf8")) as { tests: { id: string; accepted: boolean }[] };
    const accepted = new Set(lib.tests.filter((t) => t.accepted).map((t) => t.id));
    const tests = extractLibraryTests().filter((t) => accepted.has(t.id)).filter((_, i) => i % 12 === 0);
    let compared = 0;
    for (const t of tests) {
      const r = agree(t.source, `/library-tests/${t.id}.dsp`, true, t.name);
      if (r === "rejected") continue;
      compared++;
      expect([t.id, r]).toEqual([t.id, undefined]);
    }
    expect(compared).toBeGreaterThan(50);
  }, 60_000);
});
