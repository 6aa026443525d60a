/** One measured figure. `value` is in `unit` (e.g. "lines/s", "ms"). */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

/** Best (minimum) time in milliseconds of `repeat` runs of `fn`, after one warm-up run. */
export async function bestOf(repeat: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}
