// The experiment pool's worker entry (piscina loads it by its source path):
// the built task (dist/experiment-worker.mjs) when dist/ is fresh, else worker.ts.
import { importTask } from "../../core/dist-fresh.mjs";

const mod = await importTask("experiment-worker.mjs", new URL("./worker.ts", import.meta.url).href);
export default mod.default;
