// The piscina worker of `npm run fuzz`: the built task (dist/fuzz-worker.mjs)
// when dist/ is fresh, else fuzz-worker.ts.
import { importTask } from "../core/dist-fresh.mjs";

const mod = await importTask("fuzz-worker.mjs", new URL("./fuzz-worker.ts", import.meta.url).href);
export default mod.default;
