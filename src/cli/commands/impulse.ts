// `faustlab impulse FILE`: compile with faustlab (signals → FIR → a backend)
// and print the impulse response in the contract format of `faustlab reference`.

import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag, render } from "../../core/diagnostics.ts";
import { formatImpulse } from "../../driver/impulse.ts";
import { BACKENDS, compileFir, instantiate, type Backend } from "../../driver/compile.ts";
import { faustlabVersion } from "../../core/version.ts";
import { renderDsp } from "../../chain/backends/render.ts";
import { runNative } from "../../chain/backends/native.ts";
import { wasmReference } from "../../chain/backends/wasm.ts";
import { renderReference } from "../../harness/oracle.ts";
import { renderOptions } from "./reference.ts";
import { pipelineFromArgs, pipelineOptions, radBlockFromArgs, radBlockOption, scheduleFromArgs, scheduleOption, lockstepOption } from "../pipeline-options.ts";
import type { Command } from "./command.ts";
import { loadedPassesFromArgs, loadPassOption } from "../load-pass-options.ts";

const options: OptionSpec[] = [...renderOptions, ...pipelineOptions, scheduleOption, lockstepOption, radBlockOption, loadPassOption, { name: "backend", kind: "string", help: "js (default), interp (the FIR interpreter), c or cpp (compiled with $CC/cc or $CXX/g++), wasm (our wasm module, run by the reference driver)" }];

export const impulseCommand: Command = {
  name: "impulse",
  usage: "faustlab impulse FILE.dsp|FILE.sig [-n N] [-double] [-sr SR] [-bs BS] [-backend js|interp|c|cpp|wasm] [-passes P | -O] [-ss 0|1|2|3] [-no-lockstep] [-load-pass FILE.ts] [-I DIR]",
  options,
  async run(argv, io) {
    const args = parseArgs(argv, options);
    if (args.positional.length !== 1) throw new DiagnosticError([diag("FL010", { command: "impulse", expected: "exactly one FILE.dsp" })]);
    const backend = (args.values.get("backend") as string | undefined) ?? "js";
    const all = [...BACKENDS, "c", "cpp", "wasm"];
    if (!all.includes(backend)) throw new DiagnosticError([diag("FL008", { option: "backend", expected: `one of ${all.join(", ")}`, value: backend })]);
    const n = (args.values.get("n") as number | undefined) ?? 16;
    const sr = (args.values.get("sr") as number | undefined) ?? 44100;
    const bs = (args.values.get("bs") as number | undefined) ?? 512;
    const double = args.flags.has("double");
    const passes = pipelineFromArgs(args.values.get("passes") as string | undefined, args.flags.has("O"));
    const m = compileFir(args.positional[0]!, { double, includeDirs: args.lists.get("I") ?? [], onWarning: (w) => io.err(render(w)), passes, schedule: scheduleFromArgs(args.values.get("ss")), lockstep: !args.flags.has("no-lockstep"), tapeBlock: radBlockFromArgs(args.values.get("rad-block")), registry: (await loadedPassesFromArgs(args)).registry });
    const data =
      backend === "c" || backend === "cpp"
        ? runNative(backend, [{ module: m, samples: n, sampleRate: sr, blockSize: bs }])[0]!
        : backend === "wasm"
          ? renderReference(wasmReference(m), { samples: n, sampleRate: sr, blockSize: bs }).data
          : renderDsp(instantiate(m, backend as Backend)(), { samples: n, sampleRate: sr, blockSize: bs, double });
    io.out(formatImpulse({ engine: `faustlab ${faustlabVersion()} ${backend}`, inputs: m.inputs, outputs: m.outputs, sampleRate: sr, samples: n, double, data }));
    return 0;
  },
};


