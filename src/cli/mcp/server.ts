// `faustlab mcp`: a Model Context Protocol server (the official SDK's
// McpServer) whose tools compile, render, analyze and optimize Faust programs
// and look up the standard libraries. Inputs and outputs are zod schemas (the
// SDK publishes them as JSON Schema and checks them). Every tool but
// `diagram` runs in the sandbox (sandbox.ts); a failure comes back as a tool
// error whose text is `{"error": {kind, message, diagnostics?}}`; the server
// itself never stops on a bad request.

import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { DiagnosticError, diag } from "../../core/diagnostics.ts";
import { faustlabVersion } from "../../core/version.ts";
import { stdlibDir, stdlibFiles } from "../../driver/stdlib.ts";
import { ToolFailure, type ToolError } from "./protocol.ts";
import { Sandbox } from "./sandbox.ts";
import { requestedSamples, type SandboxContext } from "./tools.ts";
import type { Task } from "./worker.ts";

// ----- schemas

const precision = z.enum(["single", "double"]).optional().describe("sample precision (default single)");
const programName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/).optional().describe("the program's name (its UI root and file names; default 'program')");
const pipeline = z.string().max(2000).optional();

function sourceShape(maxChars: number) {
  return {
    source: z.string().describe(`Faust source text (at most ${maxChars} characters); imports resolve from the allowed project folder and the standard library`),
    name: programName,
    precision,
  };
}

const diagnostic = z.object({
  code: z.string(),
  severity: z.string(),
  message: z.string(),
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  endLine: z.number().int().optional(),
  endColumn: z.number().int().optional(),
  sourceLine: z.string().optional(),
  related: z.array(z.object({ message: z.string(), file: z.string(), line: z.number(), column: z.number() })).optional(),
});

const stimulus = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("impulse") }),
  z.object({ kind: z.literal("silence") }),
  z.object({ kind: z.literal("noise"), amplitude: z.number().optional() }),
  z.object({ kind: z.literal("sine"), frequency: z.number().positive(), amplitude: z.number().optional() }),
  z.object({ kind: z.literal("sweep"), from: z.number().positive().optional(), to: z.number().positive().optional(), amplitude: z.number().optional() }),
]);

const accuracyMeasure = z
  .object({ snrDb: z.union([z.number(), z.string()]).describe("SNR in dB, 'exact' or 'undefined' (unstable, silent)"), maxAbsError: z.number().nullable().describe("null: infinite"), stable: z.boolean() })
  .nullable();

const levels = {
  peak: z.number(),
  rms: z.number(),
  dc: z.number(),
  peakDb: z.number(),
  rmsDb: z.number(),
  silent: z.boolean(),
  clipping: z.boolean(),
  nonFinite: z.number().int(),
};

const outputShapes = {
  check: {
    ok: z.boolean(),
    errors: z.number().int(),
    diagnostics: z.array(diagnostic),
    refused: z.array(z.string()).describe("foreign code a sandboxed program may not use"),
    inputs: z.number().int().optional(),
    outputs: z.number().int().optional(),
  },
  compile: {
    target: z.string(),
    inputs: z.number().int(),
    outputs: z.number().int(),
    ui: z.array(z.any()).describe("the user interface, as in Faust's JSON"),
    code: z.string().optional().describe("the code, when short enough"),
    path: z.string().optional().describe("the file holding the code (long code, wasm modules)"),
    json: z.string().optional().describe("the wasm module's JSON description"),
    chars: z.number().int(),
    warnings: z.array(diagnostic),
    remarks: z.number().int(),
  },
  render: {
    sampleRate: z.number(),
    samples: z.number().int(),
    inputs: z.number().int(),
    outputs: z.array(
      z.object({
        channel: z.number().int(),
        ...levels,
        spectrum: z.object({
          bands: z.array(z.object({ lo: z.number(), hi: z.number(), db: z.number() })).length(32),
          peaks: z.array(z.object({ frequency: z.number(), db: z.number() })),
          centroid: z.number(),
        }),
        waveform: z.string(),
      }),
    ),
    passive: z.array(
      z.object({
        address: z.string(),
        label: z.string(),
        probe: z.string().optional(),
        times: z.array(z.number()),
        values: z.array(z.number()),
        min: z.number(),
        max: z.number(),
        last: z.number(),
      }),
    ).describe("the passive widgets (bargraphs, such as debug.lib's probes) over time"),
    wav: z.string().optional(),
    warnings: z.array(diagnostic),
  },
  analyze: {
    inputs: z.number().int(),
    outputs: z.number().int(),
    linearity: z.array(z.object({ output: z.number().int(), class: z.string(), rate: z.string().optional(), reason: z.string().optional(), origin: z.string().optional() })),
    regions: z.number().int(),
    transfers: z.array(z.any()),
    stable: z.boolean().nullable(),
    transferText: z.string().optional(),
    transferPath: z.string().optional(),
    accuracy: z
      .object({ pipeline: z.string(), samples: z.number(), peak: z.number(), float32: accuracyMeasure, float32Optimized: accuracyMeasure, float64Optimized: accuracyMeasure, errors: z.array(z.string()) })
      .nullable(),
  },
  optimize: {
    pipeline: z.string(),
    changed: z.boolean(),
    passes: z.array(z.object({ pass: z.string(), changed: z.boolean(), stats: z.record(z.string(), z.number()), milliseconds: z.number(), remarks: z.array(z.string()) })),
    nodes: z.object({ before: z.number().int(), after: z.number().int() }),
    accuracy: z.object({ reference: z.string(), before: accuracyMeasure, after: accuracyMeasure }),
    speed: z.object({ samples: z.number().int(), beforeMs: z.number(), afterMs: z.number(), speedup: z.number().nullable() }),
  },
  experiment: {
    samples: z.number().int(),
    variants: z.array(
      z.object({
        name: z.string(),
        pipeline: z.string().nullable(),
        precision: z.string(),
        status: z.enum(["ok", "failed"]),
        failure: z.string().optional(),
        nodes: z.number().int().nullable(),
        snrDb: z.union([z.number(), z.string()]).nullable().describe("against the float64 rendering of the original program"),
        stable: z.boolean().nullable(),
        throughput: z.number().nullable().describe("M samples/s of the JS backend"),
        codeSize: z.number().int().nullable(),
      }),
    ),
    summary: z.string(),
    results: z.string().describe("the runs' records (JSON lines)"),
    report: z.string().nullable().describe("the HTML report"),
  },
  library: {
    action: z.string(),
    module: z.string().optional(),
    query: z.string().optional(),
    symbols: z.array(z.any()).optional(),
    symbol: z.any().optional(),
    results: z.array(z.any()).optional(),
  },
};

// ----- the server

export interface ServerOptions {
  readonly ctx: SandboxContext;
}

function errorResult(e: unknown): CallToolResult {
  const error: ToolError = e instanceof ToolFailure ? e.toJSON() : { kind: "internal", message: (e as Error)?.message ?? String(e) };
  return { isError: true, content: [{ type: "text", text: JSON.stringify({ error }) }] };
}

function okResult(result: unknown, maxChars: number): CallToolResult {
  const text = JSON.stringify(result);
  // each tool caps its long texts; this guards the whole answer
  if (text.length > 4 * maxChars) return errorResult(new ToolFailure("limit", `the result has ${text.length} characters, more than the limit of ${4 * maxChars}`));
  return { content: [{ type: "text", text }], structuredContent: result as Record<string, unknown> };
}

export function createServer(opts: ServerOptions): { server: McpServer; sandbox: Sandbox } {
  const { ctx } = opts;
  const limits = ctx.limits;
  const sandbox = new Sandbox(ctx);
  const server = new McpServer({ name: "faustlab", version: faustlabVersion() }, { capabilities: { logging: {} } });

  const run = async (tool: Task["tool"], args: Record<string, unknown>, timeoutMs = limits.timeoutMs): Promise<CallToolResult> => {
    try {
      if (typeof args.source === "string" && args.source.length > limits.maxSourceChars) {
        throw new ToolFailure("limit", `the source has ${args.source.length} characters, more than the limit of ${limits.maxSourceChars}`);
      }
      return okResult(await sandbox.run(tool, args, timeoutMs), limits.maxOutputChars);
    } catch (e) {
      return errorResult(e);
    }
  };
  const src = sourceShape(limits.maxSourceChars);

  server.registerTool(
    "check",
    {
      title: "Check a Faust program",
      description: "Parse and compile a Faust program to checked signals; returns every diagnostic as data (code, severity, message, file, line, column, the source line).",
      inputSchema: src,
      outputSchema: outputShapes.check,
      annotations: { readOnlyHint: true },
    },
    (a) => run("check", a),
  );

  server.registerTool(
    "compile",
    {
      title: "Compile a Faust program",
      description: "Compile to JavaScript, WebAssembly, C, C++ or the FIR text, optionally after a pass pipeline (e.g. 'O1'); returns the code (or a file path when long, always for wasm) and the UI JSON.",
      inputSchema: { ...src, target: z.enum(["js", "wasm", "c", "cpp", "fir"]).default("js"), pipeline: pipeline.describe("a pass pipeline run on the signals first"), className: z.string().regex(/^[A-Za-z_]\w*$/).optional() },
      outputSchema: outputShapes.compile,
    },
    (a) => run("compile", a),
  );

  server.registerTool(
    "render",
    {
      title: "Render and listen",
      description:
        "Run the program on a stimulus (impulse, noise, sine, sweep, silence) with control values and a script of control changes; returns per output peak, RMS, DC, silence and clipping flags, a 32-band spectrum in dB with peaks and centroid, an ASCII waveform, the passive widgets (debug.lib probes) over time, and optionally a WAV file path.",
      inputSchema: {
        ...src,
        duration: z.number().positive().optional().describe("seconds (default 1)"),
        samples: z.number().int().positive().optional().describe(`samples (instead of duration); at most ${limits.maxSamples}`),
        sampleRate: z.number().int().min(1000).max(384000).optional(),
        stimulus: stimulus.optional().describe("the signal on every input (default impulse)"),
        controls: z.record(z.string(), z.number()).optional().describe("control values by address or label"),
        script: z.array(z.object({ time: z.number().min(0), control: z.string(), value: z.number() })).max(10000).optional().describe("control changes over time (seconds)"),
        wav: z.boolean().optional().describe("also write a WAV file (32-bit float) and return its path"),
      },
      outputSchema: outputShapes.render,
    },
    (a) => {
      const n = requestedSamples(a);
      if (n > limits.maxSamples) return errorResult(new ToolFailure("limit", `a render of ${n} samples exceeds the limit of ${limits.maxSamples}`));
      return run("render", a);
    },
  );

  server.registerTool(
    "analyze",
    {
      title: "Analyze a program's signal graph",
      description:
        "Linearity of each output (with the reason when not LTI), the LTI/LTV regions, each LTI region's transfer function H(z) = B/A with poles, zeros and stability, and the numeric accuracy in float32 with and without a pipeline (-O by default).",
      inputSchema: { ...src, accuracy: z.boolean().optional().describe("measure float32 accuracy (default true)"), pipeline: pipeline.describe("the pipeline whose accuracy is measured (default O1)"), samples: z.number().int().positive().max(1 << 20).optional() },
      outputSchema: outputShapes.analyze,
      annotations: { readOnlyHint: true },
    },
    (a) => run("analyze", a),
  );

  server.registerTool(
    "optimize",
    {
      title: "Optimize with a pass pipeline",
      description: "Run a pass pipeline (default O1) and report what changed: per-pass statistics and remarks, node counts, accuracy and render speed before and after.",
      inputSchema: { ...src, pipeline: pipeline.describe("the pipeline (default O1)"), samples: z.number().int().positive().max(1 << 20).optional() },
      outputSchema: outputShapes.optimize,
    },
    (a) => run("optimize", a),
  );

  server.registerTool(
    "experiment",
    {
      title: "A small experiment",
      description:
        "Compare variants (a pipeline each; their precisions crossed) of one program through faustlab's experiment runner: nodes, accuracy against float64, throughput, code size per run; returns a summary, the results file and the HTML report's path.",
      inputSchema: {
        ...src,
        variants: z.array(z.object({ name: z.string().regex(/^[A-Za-z0-9_.+-]{1,64}$/), pipeline: pipeline, precision })).min(1).max(16),
        samples: z.number().int().positive().max(1 << 20).optional(),
        sampleRate: z.number().int().min(1000).max(384000).optional(),
        stimulus: z.enum(["impulse", "noise", "sweep"]).optional(),
      },
      outputSchema: outputShapes.experiment,
    },
    // the experiment runner starts its own workers (one run each, under the same time limit) and writes a report
    (a) => run("experiment", a, limits.timeoutMs * (2 + a.variants.length * new Set(a.variants.map((v) => v.precision ?? "single")).size)),
  );

  server.registerTool(
    "library",
    {
      title: "Look up the standard libraries",
      description: "Search the Faust standard libraries' documentation: list_module (a prefix like 'fi' or a file like 'filters.lib'), get_symbol ('fi.lowpass': signature, usage, parameters, description, test program), search (words).",
      inputSchema: {
        action: z.enum(["list_module", "get_symbol", "search"]),
        module: z.string().max(100).optional(),
        name: z.string().max(200).optional(),
        query: z.string().max(500).optional(),
        limit: z.number().int().positive().max(100).optional(),
      },
      outputSchema: outputShapes.library,
      annotations: { readOnlyHint: true },
    },
    (a) => run("library", a),
  );

  server.registerTool(
    "diagram",
    {
      title: "Block or signal diagram (SVG)",
      description: "The program's block diagram (box: as faust -svg, folded into linked files) or its signal graph after a pipeline (signal: delays, recursion groups, linear regions with H(z)), as SVG; the files' paths, and the main SVG inline when short enough.",
      inputSchema: { ...src, kind: z.enum(["box", "signal"]).optional().describe("default box"), pipeline: pipeline.describe("signal diagrams: the pipeline run first") },
      outputSchema: { kind: z.enum(["box", "signal"]), files: z.array(z.string()), svg: z.string().optional(), chars: z.number().int() },
      annotations: { readOnlyHint: true },
    },
    // the layout engine (elkjs) loads on the first diagram of a worker
    (a) => run("diagram", a, limits.timeoutMs * 3),
  );

  // ----- resources: the standard library files

  const libDir = stdlibDir();
  server.registerResource(
    "faust-library",
    new ResourceTemplate("faust-lib://{file}", {
      list: () => ({ resources: stdlibFiles().map((f) => ({ uri: `faust-lib://${path.basename(f)}`, name: path.basename(f), mimeType: "text/x-faust" })) }),
    }),
    { title: "Faust standard library", description: "The standard library files faustlab compiles against (@grame/faustwasm's)", mimeType: "text/x-faust" },
    (uri, { file }) => {
      const name = String(file);
      if (!/^[A-Za-z0-9_-]+\.lib$/.test(name) || !fs.existsSync(path.join(libDir, name))) throw new DiagnosticError([diag("FL305", { name })]);
      return { contents: [{ uri: uri.href, mimeType: "text/x-faust", text: fs.readFileSync(path.join(libDir, name), "utf8") }] };
    },
  );

  // ----- prompts

  server.registerPrompt(
    "write-filter",
    {
      title: "Write a filter",
      description: "Write a Faust filter, check it, and verify its response with faustlab's tools",
      argsSchema: { kind: z.string().describe("e.g. 'lowpass', 'bandpass', 'peaking EQ'"), spec: z.string().optional().describe("order, cutoff, Q, …") },
    },
    ({ kind, spec }) => ({
      messages: [
        {
          role: "user",
          content: {
            type: "text",
            text: [
              `Write a Faust program implementing a ${kind} filter${spec ? ` (${spec})` : ""}.`,
              "1. Look for a ready-made function first: call `library` with action 'search' (e.g. the filter's name), then 'get_symbol' for its usage and test.",
              "2. Write `import(\"stdfaust.lib\"); process = …;` with sliders for the parameters and call `check`; fix every diagnostic.",
              "3. Call `render` with a noise stimulus and confirm the spectrum bands have the expected shape; call `analyze` for H(z), poles and stability.",
              "4. If accuracy in float32 matters, compare with `optimize` (pipeline O1).",
            ].join("\n"),
          },
        },
      ],
    }),
  );

  server.registerPrompt(
    "fix-error",
    {
      title: "Fix a compilation error",
      description: "Explain and fix the diagnostics of a Faust program",
      argsSchema: { source: z.string().describe("the program that does not compile") },
    },
    ({ source }) => ({
      messages: [
        {
          role: "user",
          content: {
            type: "text",
            text: `This Faust program does not compile. Call \`check\` on it, read each diagnostic (code, line, column, source line), look up the library functions involved with \`library\` get_symbol, fix the program and call \`check\` again until it reports no error.\n\n\`\`\`faust\n${source}\n\`\`\``,
          },
        },
      ],
    }),
  );

  return { server, sandbox };
}
