// The pool's worker entry: workers are plain Node threads, so the TypeScript
// worker is loaded through tsx's loader, as bin/faustlab.mjs loads the CLI.
import { register } from "tsx/esm/api";

register();
const mod = await import("./worker.ts");
export default mod.default;
