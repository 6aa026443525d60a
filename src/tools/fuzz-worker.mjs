// The piscina worker of `npm run fuzz`: the built task (dist/fuzz-worker.mjs)
// when dist/ is fresh, else the TypeScript task through tsx's loader.
import { distIsFresh } from "../../bin/dist-fresh.mjs";

let mod;
if (distIsFresh()) mod = await import("../../dist/fuzz-worker.mjs");
else {
  const { register } = await import("tsx/esm/api");
  register();
  mod = await import("./fuzz-worker.ts");
}
export default mod.default;
