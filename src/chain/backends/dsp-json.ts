// The JSON description of a compiled DSP, as the real Faust compiler writes it
// (and faustwasm reads it), and a wasm module paired with it. The wasm backend
// produces these; the oracle harness (src/harness/oracle.ts) gets them from
// libfaust and drives both the same way.

export interface CompiledReference {
  readonly name: string;
  readonly module: WebAssembly.Module;
  readonly json: string;
  readonly meta: ReferenceMeta;
  readonly double: boolean;
  /** Milliseconds spent inside libfaust. */
  readonly compileMs: number;
}

export interface ReferenceUIItem {
  readonly type: string;
  readonly label: string;
  readonly address?: string;
  readonly index?: number;
  readonly init?: number;
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
  readonly meta?: readonly Record<string, string>[];
  readonly items?: readonly ReferenceUIItem[];
}

export interface ReferenceMeta {
  readonly name: string;
  readonly version: string;
  readonly compile_options: string;
  readonly size: number;
  readonly inputs: number;
  readonly outputs: number;
  readonly meta?: readonly Record<string, string>[];
  readonly ui: readonly ReferenceUIItem[];
}

