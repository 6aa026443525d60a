// The impulse-response contract: every engine (the reference, and later each
// faustlab backend) prints the same text, so two engines diff line by line.
//
//   # faust 2.88.0 inputs=I outputs=O sr=44100 n=N
//   out0: v0 v1 …
//
// Values are C's %.17g in double precision and %.9g in single precision.

import { formatSample } from "../core/format.ts";

export interface ImpulseResult {
  readonly engine: string; // "faust 2.88.0", "faustlab js", …
  readonly inputs: number;
  readonly outputs: number;
  readonly sampleRate: number;
  readonly samples: number;
  readonly double: boolean;
  readonly data: ArrayLike<number>[];
}

export function formatImpulse(r: ImpulseResult): string {
  const lines = [`# ${r.engine} inputs=${r.inputs} outputs=${r.outputs} sr=${r.sampleRate} n=${r.samples}`];
  r.data.forEach((d, k) => {
    const vals: string[] = [];
    for (let i = 0; i < r.samples; i++) vals.push(formatSample(d[i]!, r.double));
    lines.push(vals.length ? `out${k}: ${vals.join(" ")}` : `out${k}:`);
  });
  return lines.join("\n") + "\n";
}

/** Parses the contract text back into numbers (for differential tests). */
export function parseImpulse(text: string): { header: Record<string, string>; outputs: number[][] } {
  const lines = text.split("\n").filter((l) => l.length > 0);
  const header: Record<string, string> = {};
  const head = lines[0] ?? "";
  for (const m of head.matchAll(/(\w+)=(\S+)/g)) header[m[1]!] = m[2]!;
  const outputs: number[][] = [];
  for (const l of lines.slice(1)) {
    const m = /^out(\d+):(.*)$/.exec(l);
    if (!m) continue;
    outputs[Number(m[1])] = m[2]!
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((v) => (v === "nan" || v === "-nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v)));
  }
  return { header, outputs };
}
