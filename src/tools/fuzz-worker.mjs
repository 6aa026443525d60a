// The piscina worker of `npm run fuzz`: the TypeScript task through tsx's
// loader (each worker pays the loader's start once, then runs many cases).
import { register } from "tsx/esm/api";

register();
const mod = await import("./fuzz-worker.ts");
export default mod.default;
