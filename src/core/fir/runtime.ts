// What every engine running a FIR module provides (the JS backend and the
// FIR interpreter), and the C math helpers they share beyond src/harness/oracle.ts.

/** A running DSP instance (the interface the JS backend and the FIR interpreter both implement). */
export interface DspInstance {
  getNumInputs(): number;
  getNumOutputs(): number;
  getSampleRate(): number;
  init(sampleRate: number): void;
  instanceInit(sampleRate: number): void;
  instanceConstants(sampleRate: number): void;
  instanceResetUserInterface(): void;
  instanceClear(): void;
  compute(count: number, inputs: ArrayLike<number>[], outputs: { [i: number]: number }[]): void;
  setParamValue(address: string, value: number): void;
  getParamValue(address: string): number;
  /** Addresses of the widgets. */
  getParams(): string[];
  /** The UI tree (Faust's JSON `ui` field). */
  getUI(): unknown;
}


