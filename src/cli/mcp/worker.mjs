// The entry of a sandbox worker thread (piscina loads it by its source path):
// the built task (dist/mcp-worker.mjs) when dist/ is fresh, else worker.ts.
import { importTask } from "../../core/dist-fresh.mjs";

// stdout is the MCP channel of the server: whatever a worker prints goes to stderr
process.stdout.write = process.stderr.write.bind(process.stderr);
console.log = console.error;
const mod = await importTask("mcp-worker.mjs", new URL("./worker.ts", import.meta.url).href);
export default mod.runTask;
