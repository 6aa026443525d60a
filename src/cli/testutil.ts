// Helpers shared by tests: running the CLI in-process with captured output,
// and a temporary folder of files removed after the test file.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { main } from "./cli.ts";

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `faustlab ARGV…` in this process; stderr lines end with a newline, as the real stdio writes them. */
export async function runCli(...argv: string[]): Promise<CliResult> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t.endsWith("\n") ? t : t + "\n") });
  return { code, out, err };
}

/** A fresh temporary folder (removed after the test file) and a writer of files inside it. */
export function tempTree(prefix: string): { dir: string; write(rel: string, text: string): string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `faustlab-${prefix}-`));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(rel, text) {
      const p = path.join(dir, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, text);
      return p;
    },
  };
}
