// What an agent "hears" of a rendering: level statistics, flags, a 32-band
// spectrum summary in dB with its peaks and spectral centroid, and a short
// ASCII waveform (used by the MCP `render` tool).
//
//   renderProgram(dsp, opts) → { outputs, passive }   block-by-block rendering with a control script,
//                                                      reading the passive widgets (bargraphs) as it goes
//   levelStats(x) / spectrumSummary(x, sr) / asciiWaveform(x)

import type { DspInstance } from "../../chain/backends/js.ts";

export type Stimulus =
  | { readonly kind: "impulse" }
  | { readonly kind: "silence" }
  | { readonly kind: "noise"; readonly amplitude?: number }
  | { readonly kind: "sine"; readonly frequency: number; readonly amplitude?: number }
  | { readonly kind: "sweep"; readonly from?: number; readonly to?: number; readonly amplitude?: number };

export interface ControlEvent {
  /** Seconds from the start; applied at the first block boundary at or after it. */
  readonly time: number;
  /** A widget address (`/lowpass/cutoff`) or label (`cutoff`). */
  readonly control: string;
  readonly value: number;
}

export interface RenderOptions {
  readonly samples: number;
  readonly sampleRate: number;
  readonly double: boolean;
  readonly stimulus: Stimulus;
  readonly controls: Readonly<Record<string, number>>;
  readonly script: readonly ControlEvent[];
  /** Addresses of the passive widgets to record. */
  readonly passive: readonly string[];
  /** Recorded points per passive widget (evenly spaced in time). */
  readonly passivePoints?: number;
  /** Checked between blocks: throws to stop (the worker's own deadline). */
  readonly checkpoint?: () => void;
}

export interface PassiveTrace {
  readonly address: string;
  readonly times: number[];
  readonly values: number[];
  readonly min: number;
  readonly max: number;
  readonly last: number;
}

const BLOCK = 64;

/** Deterministic noise in [-1, 1) (an LCG), one sequence per channel. */
function noiseSource(channel: number): () => number {
  let seed = (0x2545f491 ^ Math.imul(channel + 1, 0x9e3779b9)) >>> 0;
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return (seed / 4294967296) * 2 - 1;
  };
}

function stimulusFn(st: Stimulus, sr: number, samples: number): (channel: number, index: number) => number {
  switch (st.kind) {
    case "impulse":
      return (_c, i) => (i === 0 ? 1 : 0);
    case "silence":
      return () => 0;
    case "noise": {
      const a = st.amplitude ?? 0.5;
      const gens = new Map<number, () => number>();
      return (c) => {
        let g = gens.get(c);
        if (!g) gens.set(c, (g = noiseSource(c)));
        return a * g();
      };
    }
    case "sine": {
      const a = st.amplitude ?? 0.5;
      return (_c, i) => a * Math.sin((2 * Math.PI * st.frequency * i) / sr);
    }
    case "sweep": {
      // exponential sweep from `from` to `to` Hz over the whole rendering
      const a = st.amplitude ?? 0.5;
      const f0 = st.from ?? 20;
      const f1 = Math.min(st.to ?? sr / 2, sr / 2);
      const T = samples / sr;
      const k = Math.log(f1 / f0);
      return (_c, i) => a * Math.sin(((2 * Math.PI * f0 * T) / k) * (Math.exp((k * i) / sr / T) - 1));
    }
  }
}

/** Resolves a control name (address, or label: the last address segment) among the instance's parameters. */
export function resolveControl(params: readonly string[], name: string): string | undefined {
  if (params.includes(name)) return name;
  const seg = name.replace(/ /g, "_");
  const hits = params.filter((p) => p.slice(p.lastIndexOf("/") + 1) === seg);
  return hits.length === 1 ? hits[0] : undefined;
}

export function renderProgram(dsp: DspInstance, o: RenderOptions): { outputs: Float64Array[]; passive: PassiveTrace[] } {
  const nin = dsp.getNumInputs();
  const nout = dsp.getNumOutputs();
  dsp.init(o.sampleRate);
  for (const [k, v] of Object.entries(o.controls)) dsp.setParamValue(k, v);
  const Arr = o.double ? Float64Array : Float32Array;
  const ins = Array.from({ length: nin }, () => new Arr(BLOCK));
  const outs = Array.from({ length: nout }, () => new Arr(BLOCK));
  const data = Array.from({ length: nout }, () => new Float64Array(o.samples));
  const input = stimulusFn(o.stimulus, o.sampleRate, o.samples);
  const events = [...o.script].sort((a, b) => a.time - b.time);
  let next = 0;
  const points = Math.max(1, o.passivePoints ?? 32);
  const every = Math.max(BLOCK, Math.ceil(o.samples / points / BLOCK) * BLOCK);
  const traces = o.passive.map((address) => ({ address, times: [] as number[], values: [] as number[], min: Infinity, max: -Infinity, last: NaN }));
  for (let pos = 0; pos < o.samples; pos += BLOCK) {
    while (next < events.length && events[next]!.time * o.sampleRate <= pos) {
      dsp.setParamValue(events[next]!.control, events[next]!.value);
      next++;
    }
    const count = Math.min(BLOCK, o.samples - pos);
    for (let k = 0; k < nin; k++) for (let i = 0; i < count; i++) ins[k]![i] = input(k, pos + i);
    dsp.compute(count, ins, outs);
    for (let k = 0; k < nout; k++) data[k]!.set(outs[k]!.subarray(0, count), pos);
    const end = pos + count;
    for (const t of traces) {
      const v = dsp.getParamValue(t.address);
      t.min = Math.min(t.min, v);
      t.max = Math.max(t.max, v);
      t.last = v;
      if (end % every === 0 || end === o.samples) {
        t.times.push(end / o.sampleRate);
        t.values.push(v);
      }
    }
    if ((pos & 0xffff) === 0) o.checkpoint?.();
  }
  return { outputs: data, passive: traces };
}

export interface LevelStats {
  readonly peak: number;
  readonly rms: number;
  readonly dc: number;
  readonly peakDb: number;
  readonly rmsDb: number;
  readonly silent: boolean;
  readonly clipping: boolean;
  /** Samples that are NaN or infinite. */
  readonly nonFinite: number;
}

const db = (x: number) => (x > 0 ? 20 * Math.log10(x) : -Infinity);
/** dB values as JSON numbers: -Infinity (silence) becomes -400. */
export const jsonDb = (x: number) => (Number.isFinite(x) ? Math.round(x * 100) / 100 : x > 0 ? 400 : -400);

export function levelStats(x: Float64Array): LevelStats {
  let peak = 0;
  let sum = 0;
  let sum2 = 0;
  let nonFinite = 0;
  let clipped = 0;
  for (const v of x) {
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    const a = Math.abs(v);
    if (a > peak) peak = a;
    if (a >= 1) clipped++;
    sum += v;
    sum2 += v * v;
  }
  const n = Math.max(1, x.length - nonFinite);
  const rms = Math.sqrt(sum2 / n);
  return { peak, rms, dc: sum / n, peakDb: jsonDb(db(peak)), rmsDb: jsonDb(db(rms)), silent: peak < 1e-5, clipping: clipped > 0, nonFinite };
}

/** In-place iterative radix-2 FFT of (re, im), length a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/** Welch power spectrum (Hann frames, half overlap), scaled so a full-scale sine peaks near 0 dB. */
export function powerSpectrum(x: Float64Array, maxFrame = 4096): { power: Float64Array; size: number } {
  let size = 16;
  while (size * 2 <= Math.min(maxFrame, Math.max(16, x.length))) size *= 2;
  const win = new Float64Array(size);
  let wsum = 0;
  for (let i = 0; i < size; i++) wsum += (win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
  const power = new Float64Array(size / 2 + 1);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  let frames = 0;
  for (let start = 0; start + size <= Math.max(size, x.length); start += size / 2) {
    for (let i = 0; i < size; i++) {
      const v = x[start + i] ?? 0;
      re[i] = (Number.isFinite(v) ? v : 0) * win[i]!;
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 0; k <= size / 2; k++) power[k] += (re[k]! * re[k]! + im[k]! * im[k]!) / ((wsum / 2) * (wsum / 2));
    frames++;
  }
  for (let k = 0; k < power.length; k++) power[k]! /= frames;
  return { power, size };
}

export interface SpectrumSummary {
  /** 32 log-spaced bands from 20 Hz to Nyquist: lower and upper edge (Hz) and mean power (dB). */
  readonly bands: { readonly lo: number; readonly hi: number; readonly db: number }[];
  /** The strongest local maxima (frequency in Hz, level in dB), strongest first. */
  readonly peaks: { readonly frequency: number; readonly db: number }[];
  readonly centroid: number;
}

export function spectrumSummary(x: Float64Array, sampleRate: number, nbands = 32): SpectrumSummary {
  const { power, size } = powerSpectrum(x);
  const hz = (k: number) => (k * sampleRate) / size;
  const nyq = sampleRate / 2;
  const lo0 = Math.min(20, nyq / 2);
  const bands: { lo: number; hi: number; db: number }[] = [];
  for (let b = 0; b < nbands; b++) {
    const lo = lo0 * Math.pow(nyq / lo0, b / nbands);
    const hi = lo0 * Math.pow(nyq / lo0, (b + 1) / nbands);
    let sum = 0;
    let n = 0;
    for (let k = 0; k < power.length; k++) {
      const f = hz(k);
      if (f >= lo && (f < hi || (b === nbands - 1 && f <= hi))) {
        sum += power[k]!;
        n++;
      }
    }
    // a band narrower than a bin takes the bin its centre falls in
    if (n === 0) {
      sum = power[Math.min(power.length - 1, Math.round(((lo + hi) / 2 / sampleRate) * size))]!;
      n = 1;
    }
    bands.push({ lo: Math.round(lo * 10) / 10, hi: Math.round(hi * 10) / 10, db: jsonDb(10 * Math.log10(sum / n)) });
  }
  let num = 0;
  let den = 0;
  for (let k = 0; k < power.length; k++) {
    num += hz(k) * power[k]!;
    den += power[k]!;
  }
  const maxima: { frequency: number; db: number }[] = [];
  const top = Math.max(...power);
  for (let k = 1; k < power.length - 1; k++) {
    const p = power[k]!;
    if (p > power[k - 1]! && p >= power[k + 1]! && p > top * 1e-6) maxima.push({ frequency: Math.round(hz(k) * 10) / 10, db: jsonDb(10 * Math.log10(p)) });
  }
  maxima.sort((a, b) => b.db - a.db);
  return { bands, peaks: maxima.slice(0, 5), centroid: den > 0 ? Math.round((num / den) * 10) / 10 : 0 };
}

/** A rows × cols envelope plot of x (min/max per column), `#` where the signal is, `-` on the zero line. */
export function asciiWaveform(x: Float64Array, cols = 64, rows = 9): string {
  let peak = 0;
  for (const v of x) if (Number.isFinite(v)) peak = Math.max(peak, Math.abs(v));
  const scale = peak > 0 ? peak : 1;
  const grid = Array.from({ length: rows }, () => Array.from({ length: cols }, () => " "));
  const mid = (rows - 1) / 2;
  const row = (v: number) => Math.max(0, Math.min(rows - 1, Math.round(mid - (v / scale) * mid)));
  for (let c = 0; c < cols; c++) {
    const a = Math.floor((c * x.length) / cols);
    const b = Math.max(a + 1, Math.floor(((c + 1) * x.length) / cols));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = a; i < Math.min(b, x.length); i++) {
      const v = x[i]!;
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    grid[Math.round(mid)]![c] = "-";
    if (lo > hi) continue;
    for (let r = row(hi); r <= row(lo); r++) grid[r]![c] = "#";
  }
  return `${grid.map((r) => "|" + r.join("")).join("\n")}\n(peak ${peak.toPrecision(3)}, ${x.length} samples)`;
}
