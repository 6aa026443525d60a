// End to end: when the wasm backend produces a module that WebAssembly
// rejects, `faustlab compile -lang wasm|wast` and `impulse -backend wasm` stop
// with the diagnostic FL613 and exit status 1 (not an internal error, exit 3),
// and write nothing. The backend is made to corrupt its output here.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runCli, tempTree } from "../../cli/testutil.ts";

vi.mock("./wasm.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("./wasm.ts")>();
  return {
    ...real,
    wasmModule: (...args: Parameters<typeof real.wasmModule>) => {
      const out = real.wasmModule(...args);
      const bytes = out.bytes.slice();
      bytes[bytes.length - 1] = 0xff; // the last function body's `end`, when there is no data segment
      return { ...out, bytes };
    },
    wasmReference: (m: Parameters<typeof real.wasmReference>[0]) => {
      const bytes = real.wasmModule(m).bytes.slice();
      bytes[bytes.length - 1] = 0xff;
      return { ...real.wasmReference(m), module: real.compileWasm(bytes) };
    },
  };
});

describe("an invalid wasm module", () => {
  const t = tempTree("wasm-invalid");
  const dsp = t.write("half.dsp", "process = _ * 0.5;\n");

  it("is FL613 with exit status 1 for compile -lang wasm and -lang wast", async () => {
    for (const lang of ["wasm", "wast"]) {
      const file = path.join(t.dir, `out-${lang}`, `half.${lang}`);
      const r = await runCli("compile", dsp, "-lang", lang, "-o", file);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/error FL613: the generated wasm module is invalid: /);
      expect(r.err).not.toMatch(/FL005/);
      expect(fs.existsSync(path.dirname(file))).toBe(false);
    }
  });

  it("is FL613 with exit status 1 for impulse -backend wasm", async () => {
    const r = await runCli("impulse", dsp, "-backend", "wasm");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error FL613/);
  });
});
