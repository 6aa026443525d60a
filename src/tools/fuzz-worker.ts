// One piscina task of `npm run fuzz`: a program through the whole chain
// (src/harness/fuzz-chain.ts runChainCase). Loaded by fuzz-worker.mjs.

import { runChainCase, type CaseResult, type ChainCase } from "../harness/fuzz-chain.ts";

export default function task(c: ChainCase & { samples?: number; precision?: "single" | "double" }): CaseResult {
  return runChainCase(c, { samples: c.samples ?? 64, precisions: c.precision ? [c.precision] : undefined });
}
