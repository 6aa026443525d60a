// Rendering a DSP instance block by block, as the reference driver does:
// inputs filled by `input(channel, index)` (default: a unit impulse on every
// input), controls at their defaults, buffers of the module's precision.

import type { DspInstance } from "./js.ts";

export interface DspRenderOptions {
  readonly samples: number;
  readonly sampleRate?: number;
  readonly blockSize?: number;
  /** Buffer precision: Float64Array when true, Float32Array otherwise. */
  readonly double: boolean;
  readonly input?: (channel: number, index: number) => number;
  /** Control values by address, set after init (unknown addresses are ignored); the others stay at their defaults. */
  readonly controls?: Readonly<Record<string, number>>;
}

export const unitImpulse = (_channel: number, index: number): number => (index === 0 ? 1 : 0);

export function renderDsp(dsp: DspInstance, opts: DspRenderOptions): Float64Array[] {
  const sr = opts.sampleRate ?? 44100;
  const bs = Math.max(1, opts.blockSize ?? 512);
  const input = opts.input ?? unitImpulse;
  const Arr = opts.double ? Float64Array : Float32Array;
  const nin = dsp.getNumInputs();
  const nout = dsp.getNumOutputs();
  dsp.init(sr);
  if (opts.controls) {
    const known = new Set(dsp.getParams());
    for (const [address, v] of Object.entries(opts.controls)) if (known.has(address)) dsp.setParamValue(address, v);
  }
  const ins = Array.from({ length: nin }, () => new Arr(bs));
  const outs = Array.from({ length: nout }, () => new Arr(bs));
  const data = Array.from({ length: nout }, () => new Float64Array(opts.samples));
  for (let pos = 0; pos < opts.samples; pos += bs) {
    const count = Math.min(bs, opts.samples - pos);
    for (let k = 0; k < nin; k++) {
      const a = ins[k]!;
      for (let i = 0; i < count; i++) a[i] = input(k, pos + i);
    }
    dsp.compute(count, ins, outs);
    for (let k = 0; k < nout; k++) {
      const a = outs[k]!;
      const d = data[k]!;
      for (let i = 0; i < count; i++) d[pos + i] = a[i]!;
    }
  }
  return data;
}
