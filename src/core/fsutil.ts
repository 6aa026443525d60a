// File helpers: outputs are written atomically (a temporary sibling renamed
// into place), so an interrupted run never leaves a half-written file.

import fs from "node:fs";
import path from "node:path";
import { DiagnosticError, diag } from "./diagnostics.ts";

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new DiagnosticError([diag("FL004", { path: file, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message })]);
  }
}

/** Reads a source file, or throws a FL001 diagnostic. */
export function readSource(file: string): string {
  try {
    if (fs.statSync(file).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === "ENOENT" ? "no such file" : err.code === "EISDIR" ? "is a directory" : (err.code ?? err.message);
    throw new DiagnosticError([diag("FL001", { path: file, reason })]);
  }
}
