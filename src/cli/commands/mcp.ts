// `faustlab mcp [-allow DIR] [-out DIR] [limits…]`: the Model Context Protocol
// server over stdio (src/cli/mcp/). It serves until its input closes; stdout
// carries only the protocol, messages go to stderr.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { parseArgs, type OptionSpec } from "../cliargs.ts";
import { DiagnosticError, diag } from "../../core/diagnostics.ts";
import { stdlibDir } from "../../driver/stdlib.ts";
import { DEFAULT_LIMITS, type Limits } from "../mcp/protocol.ts";
import { createServer } from "../mcp/server.ts";
import type { Command } from "./command.ts";

const options: OptionSpec[] = [
  { name: "allow", kind: "string", help: "the project folder programs may import from (besides the standard library); default: none (an empty temporary folder)" },
  { name: "out", kind: "string", help: "the folder the tools write files to (long code, wasm, WAV, reports); default: a temporary folder" },
  { name: "timeout", kind: "int", min: 100, help: `wall-clock limit of one request in ms (default ${DEFAULT_LIMITS.timeoutMs})` },
  { name: "memory", kind: "int", min: 64, help: `heap limit of a request's worker in MB (default ${DEFAULT_LIMITS.memoryMb})` },
  { name: "max-steps", kind: "int", min: 1000, help: `evaluation steps of the box evaluator (default ${DEFAULT_LIMITS.maxSteps})` },
  { name: "max-nodes", kind: "int", min: 10, help: `nodes of a compiled signal graph (default ${DEFAULT_LIMITS.maxNodes})` },
  { name: "max-samples", kind: "int", min: 1, help: `samples of one render (default ${DEFAULT_LIMITS.maxSamples})` },
  { name: "max-source", kind: "int", min: 100, help: `characters of a program's source (default ${DEFAULT_LIMITS.maxSourceChars})` },
  { name: "max-output", kind: "int", min: 1000, help: `characters of text returned inline (default ${DEFAULT_LIMITS.maxOutputChars}); longer goes to a file` },
];

function folder(p: string, what: string): string {
  let real: string;
  try {
    real = fs.realpathSync(p);
  } catch (e) {
    throw new DiagnosticError([diag("FL014", { what, path: p, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message })]);
  }
  if (!fs.statSync(real).isDirectory()) throw new DiagnosticError([diag("FL014", { what, path: p, reason: "it is not a folder" })]);
  return real;
}

export const mcpCommand: Command = {
  name: "mcp",
  usage: "faustlab mcp [-allow DIR] [-out DIR] [-timeout MS] [-memory MB] [-max-steps N] [-max-nodes N] [-max-samples N] [-max-source N] [-max-output N]",
  options,
  async run(argv) {
    const args = parseArgs(argv, options);
    if (args.positional.length) throw new DiagnosticError([diag("FL010", { command: "mcp", expected: "no FILE" })]);
    const num = (k: string, d: number) => (args.values.get(k) as number | undefined) ?? d;
    const limits: Limits = {
      timeoutMs: num("timeout", DEFAULT_LIMITS.timeoutMs),
      memoryMb: num("memory", DEFAULT_LIMITS.memoryMb),
      maxSteps: num("max-steps", DEFAULT_LIMITS.maxSteps),
      maxDepth: DEFAULT_LIMITS.maxDepth,
      maxNodes: num("max-nodes", DEFAULT_LIMITS.maxNodes),
      maxSamples: num("max-samples", DEFAULT_LIMITS.maxSamples),
      maxSourceChars: num("max-source", DEFAULT_LIMITS.maxSourceChars),
      maxOutputChars: num("max-output", DEFAULT_LIMITS.maxOutputChars),
    };
    const allow = args.values.get("allow") as string | undefined;
    const projectDir = allow ? folder(allow, "-allow") : fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-mcp-project-"));
    const outArg = args.values.get("out") as string | undefined;
    if (outArg) fs.mkdirSync(outArg, { recursive: true });
    const outDir = outArg ? folder(outArg, "-out") : fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-mcp-out-"));
    const { server, sandbox } = createServer({ ctx: { limits, projectDir, roots: [stdlibDir(), projectDir], outDir } });
    // a request is one line of JSON: room for a source past the limit, so that it gets a typed error (the SDK's
    // default of 10 MB would close the connection instead); past this buffer the SDK closes the connection
    const transport = new StdioServerTransport(process.stdin, process.stdout, { maxBufferSize: Math.max(128 << 20, 8 * limits.maxSourceChars) });
    await server.connect(transport);
    const closed = new Promise<void>((resolve) => {
      server.server.onclose = () => resolve();
      process.stdin.once("end", () => resolve());
    });
    process.stderr.write(`faustlab mcp: serving on stdio (project folder ${projectDir}, output folder ${outDir})\n`);
    await closed;
    await sandbox.close();
    await server.close();
    // the empty project folder made for this session (never the user's -allow folder)
    if (!allow) fs.rmSync(projectDir, { recursive: true, force: true });
    return 0;
  },
};
