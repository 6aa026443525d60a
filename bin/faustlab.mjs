#!/usr/bin/env node
// The faustlab command: the compiled JavaScript in dist/ (npm run build, run
// by `prepare`) when it is there and no source is newer than it; otherwise
// the TypeScript sources through tsx, as in development. FAUSTLAB_FROM_SOURCE=1
// forces the sources.
import { distIsFresh } from "../src/core/dist-fresh.mjs";

let main;
if (distIsFresh()) ({ main } = await import("../dist/cli.mjs"));
else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../src/cli/cli.ts"));
}
process.exitCode = await main(process.argv.slice(2));
