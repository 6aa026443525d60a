// The entry of a sandbox worker thread (piscina loads it): the TypeScript
// sources run through tsx's loader, registered in this thread.
import { register } from "tsx/esm/api";

// stdout is the MCP channel of the server: whatever a worker prints goes to stderr
process.stdout.write = process.stderr.write.bind(process.stderr);
console.log = console.error;
register();
const { runTask } = await import("./worker.ts");
export default runTask;
