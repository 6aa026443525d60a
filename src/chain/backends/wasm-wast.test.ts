// The wasm text form (-lang wast): wabt's wat2wasm (a devDependency, used only
// here) reads our text back to exactly the encoder's bytes, on the corpus and
// on library tests, in single and double precision; constants and names print
// as WAT requires; the CLI prints it or writes it atomically. A module the
// engine rejects becomes the diagnostic FL613.
import fs from "node:fs";
import path from "node:path";
import wabtInit from "wabt";
import { beforeAll, describe, expect, it } from "vitest";
import { DiagnosticError, render } from "../../core/diagnostics.ts";
import { extractLibraryTests } from "../../driver/libtests.ts";
import { runCli, tempTree } from "../../cli/testutil.ts";
import { compileFir } from "../../driver/compile.ts";
import { compileWasm, wasmModule } from "./wasm.ts";
import { Code, OP, OP_FC, encodeModule, type WasmModuleSpec } from "./wasm-encode.ts";
import { printWast } from "./wasm-wast.ts";
import { projectPath } from "../../core/paths.ts";

let wabt: Awaited<ReturnType<typeof wabtInit>>;
beforeAll(async () => {
  wabt = await wabtInit();
});

/** wat2wasm of the text (LEBs minimal, as our encoder writes them). */
function assemble(text: string): Uint8Array {
  const mod = wabt.parseWat("faustlab.wast", text, { bulk_memory: true, sat_float_to_int: true });
  try {
    mod.validate();
    return mod.toBinary({ canonicalize_lebs: true }).buffer;
  } finally {
    mod.destroy();
  }
}

const corpusDir = projectPath("corpus");

describe("wasm text form", () => {
  it("reads back to the encoder's bytes: corpus and every 40th library test, single and double", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(corpusDir, "manifest.json"), "utf8")) as { path: string; accepted: boolean }[];
    const sources = [
      ...manifest.filter((e) => e.accepted).map((e) => ({ text: fs.readFileSync(path.join(corpusDir, e.path), "utf8"), path: path.join(corpusDir, e.path) })),
      ...extractLibraryTests()
        .filter((_, i) => i % 40 === 0)
        .map((t) => ({ text: t.source, path: `/library-tests/${t.id}.dsp`, name: t.name })),
    ];
    let checked = 0;
    const mismatches: string[] = [];
    for (const src of sources)
      for (const double of [false, true]) {
        let m;
        try {
          m = compileFir(src, { double });
        } catch (e) {
          if (e instanceof DiagnosticError) continue; // rejected programs have no module
          throw e;
        }
        const w = wasmModule(m);
        const back = assemble(printWast(w.spec));
        if (Buffer.compare(Buffer.from(back), Buffer.from(w.bytes)) !== 0) mismatches.push(`${src.path} (${double ? "double" : "single"})`);
        checked++;
      }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(220);
  });

  it("prints constants, blocks, memory arguments, names, memory and data as WAT", () => {
    const c = new Code();
    c.f64(NaN).op(OP.drop).f64(-Infinity).op(OP.drop).f64(-0).op(OP.drop).f64(1e300).op(OP.drop).f32(0.1).op(OP.drop);
    c.i32(-5).op(OP.drop).op(OP.local_get).u32(0).mem(OP.f64_load, 2, 16).op(OP.drop);
    c.block(OP.block).i32(0).block(OP.if, "i32").i32(1).op(OP.else).i32(2).op(OP.end).op(OP.drop).op(OP.end);
    c.op(OP.local_get).u32(0).op(OP.call).u32(0).op(OP.drop);
    c.i32(8).i32(0).i32(4).fc(OP_FC.memory_init).u32(0).u32(0).fc(OP_FC.data_drop).u32(0);
    const spec: WasmModuleSpec = {
      imports: [{ module: "env", name: "_f", type: { params: ["i32"], results: ["i32"] } }],
      functions: [{ type: { params: ["i32"], results: [] }, locals: ["f32", "f32"], code: c, export: "run" }],
      memory: { minPages: 1, maxPages: 2, export: "memory" },
      data: [Uint8Array.from([0, 65, 0x22, 255])],
    };
    const text = printWast(spec);
    expect(text).toBe(
      [
        "(module",
        "  (type (;0;) (func (param i32) (result i32)))",
        "  (type (;1;) (func (param i32)))",
        '  (import "env" "_f" (func $_f (type 0)))',
        "  (func $run (type 1) (param i32)",
        "    (local f32 f32)",
        "    f64.const nan",
        "    drop",
        "    f64.const -inf",
        "    drop",
        "    f64.const -0",
        "    drop",
        "    f64.const 1e300",
        "    drop",
        "    f32.const 0.10000000149011612",
        "    drop",
        "    i32.const -5",
        "    drop",
        "    local.get 0",
        "    f64.load offset=16 align=4",
        "    drop",
        "    block",
        "      i32.const 0",
        "      if (result i32)",
        "        i32.const 1",
        "      else",
        "        i32.const 2",
        "      end",
        "      drop",
        "    end",
        "    local.get 0",
        "    call $_f",
        "    drop",
        "    i32.const 8",
        "    i32.const 0",
        "    i32.const 4",
        "    memory.init 0",
        "    data.drop 0)",
        "  (memory (;0;) 1 2)",
        '  (export "run" (func $run))',
        '  (export "memory" (memory 0))',
        '  (data (;0;) "\\00A\\22\\ff"))',
        "",
      ].join("\n"),
    );
    expect(assemble(text)).toEqual(encodeModule(spec));
  });

  it("faustlab compile -lang wast prints the module, -o writes it", async () => {
    const t = tempTree("wast");
    const dsp = t.write("osc.dsp", 'import("stdfaust.lib");\nprocess = os.osc(hslider("freq", 440, 20, 2000, 1)) * 0.5;\n');
    const r = await runCli("compile", dsp, "-lang", "wast", "-double");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\(module\n/);
    expect(r.out).toContain('(import "env" "_sin" (func $_sin');
    expect(r.out).toContain('(export "compute" (func $compute))');
    const m = compileFir(dsp, { double: true });
    expect(assemble(r.out)).toEqual(wasmModule(m).bytes);
    const file = path.join(t.dir, "out", "osc.wast");
    expect((await runCli("compile", dsp, "-lang", "wast", "-o", file)).code).toBe(0);
    expect(fs.readFileSync(file, "utf8")).toBe(printWast(wasmModule(compileFir(dsp)).spec));
    expect(fs.readdirSync(path.dirname(file))).toEqual(["osc.wast"]);
  });

  it("a module WebAssembly rejects is the diagnostic FL613, not an internal error", () => {
    const m = compileFir({ text: "process = _ * 0.5;", path: "/t/half.dsp" }, { double: true });
    const good = wasmModule(m).bytes;
    expect(compileWasm(good)).toBeInstanceOf(WebAssembly.Module);
    // the code section's last function body ends with `end`: make it an unknown opcode
    const bad = good.slice();
    const codeEnd = bad.lastIndexOf(OP.end);
    bad[codeEnd] = 0xff;
    let err: unknown;
    try {
      compileWasm(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DiagnosticError);
    const d = (err as DiagnosticError).diagnostics[0]!;
    expect(d.code).toBe("FL613");
    expect(render(d)).toMatch(/error FL613: the generated wasm module is invalid: .+/);
  });
});
