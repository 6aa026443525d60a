// Passes written by a researcher, loaded from a module (`-load-pass FILE.ts`
// on opt, impulse, compile, experiment, proptest). The module exports passes
// made with the same `definePass` API as the built-in ones (passes/pass.ts):
// every exported value that is a pass, and the members of an exported array
// of passes. They join a registry value (passes/registry.ts withPasses), so
// they run in pipelines like built-in passes; nothing is registered globally.
//
//   loadPasses(files) → { passes, registry }   (async: the module is imported)
//
// TypeScript modules load through tsx's loader, which the faustlab command,
// the experiment workers and vitest all have. Problems are diagnostics:
// FL720 the module cannot be imported, FL721 it exports no pass, FL722 an
// export shaped almost like a pass is not one, FL723 a name already taken.

import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DiagnosticError, diag } from "../core/diagnostics.ts";
import type { AnyPass } from "../../passes/pass.ts";
import type { PassRegistry } from "../../passes/pipeline.ts";
import { PASSES, registry as builtin, withPasses } from "../../passes/registry.ts";

export interface LoadedPasses {
  readonly passes: readonly AnyPass[];
  /** The built-in registry with the loaded passes beside it. */
  readonly registry: PassRegistry;
  /** Each pass's module (absolute path), by pass name. */
  readonly origin: ReadonlyMap<string, string>;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Why a value is not a pass (undefined: it is one). */
function notAPass(v: Record<string, unknown>): string | undefined {
  if (typeof v.name !== "string" || !KEBAB.test(v.name)) return `its name must be kebab-case text, not ${JSON.stringify(v.name)}`;
  if (typeof v.summary !== "string") return "it has no one-line summary";
  if (typeof v.options !== "object" || v.options === null) return "it has no options object (use {})";
  const sem = v.semantics as Record<string, unknown> | undefined;
  if (typeof sem !== "object" || sem === null || typeof sem.exact !== "boolean") return "it declares no semantics ({ exact: true } or a tolerance)";
  if (sem.exact === false && (typeof sem.tolerance !== "number" || !(sem.tolerance >= 0))) return "its semantics give no tolerance >= 0";
  if (typeof v.run !== "function") return "it has no run(graph, analyses, options) function";
  return undefined;
}

/** Looks like an attempt at a pass: an object with a `run` function or pass fields. */
function passLike(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && ("run" in v || ("semantics" in v && "name" in v));
}

export async function loadPassModule(file: string): Promise<AnyPass[]> {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new DiagnosticError([diag("FL720", { path: file, reason: "no such file" })]);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof DiagnosticError) throw e;
    let reason = ((e as Error)?.message ?? String(e)).split("\n")[0]!;
    // a .ts file outside a "type": "module" package is CommonJS to the loader
    if (/require\(\)|require\(esm\)|Cannot use import statement/.test(reason)) reason += ` (outside a package with "type": "module", name the file .mts)`;
    throw new DiagnosticError([diag("FL720", { path: file, reason })]);
  }
  const found: AnyPass[] = [];
  const consider = (name: string, v: unknown) => {
    if (!passLike(v)) return;
    const why = notAPass(v);
    if (why) throw new DiagnosticError([diag("FL722", { name, path: file, detail: why })]);
    if (!found.includes(v as unknown as AnyPass)) found.push(v as unknown as AnyPass);
  };
  for (const [k, v] of Object.entries(mod)) {
    if (Array.isArray(v)) v.forEach((x, i) => consider(`${k}[${i}]`, x));
    else consider(k, v);
  }
  if (!found.length) throw new DiagnosticError([diag("FL721", { path: file })]);
  return found;
}

/** Loads every module and returns the passes with a registry that has them; names must be new. */
export async function loadPasses(files: readonly string[]): Promise<LoadedPasses> {
  const passes: AnyPass[] = [];
  const origin = new Map<string, string>();
  for (const f of files) {
    for (const p of await loadPassModule(f)) {
      const builtinName = PASSES.some((b) => b.name === p.name) || builtin.namedPipeline(p.name) !== undefined;
      const prev = origin.get(p.name);
      if (builtinName || prev !== undefined)
        throw new DiagnosticError([diag("FL723", { name: p.name, path: f, where: builtinName ? " (a built-in pass or pipeline)" : ` (by '${prev}')` })]);
      origin.set(p.name, path.resolve(f));
      passes.push(p);
    }
  }
  return { passes, registry: withPasses(passes), origin };
}
