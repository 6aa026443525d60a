// The Faust standard libraries, as shipped inside @grame/faustwasm's Emscripten
// data package (at /usr/share/faust in its virtual file system). They are
// materialized once into a cache folder that is never committed, and that
// folder is faustlab's default import path.
//
// The data package is one blob; the file table (path, start, end) is written
// into libfaust-wasm.js by Emscripten's file packager. We read that table
// instead of instantiating the compiler, which keeps `faustlab check` fast.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { projectPath, projectRoot } from "../core/paths.ts";
import { resolveImport as resolveIn } from "../chain/frontend/imports.ts";
import { DiagnosticError, diag } from "../core/diagnostics.ts";

const require = createRequire(import.meta.url);

/** The folder holding libfaust-wasm.{js,wasm,data}. */
export function libfaustDir(): string {
  const pkg = require.resolve("@grame/faustwasm/package.json");
  return path.join(path.dirname(pkg), "libfaust-wasm");
}

export function faustwasmVersion(): string {
  const pkg = require.resolve("@grame/faustwasm/package.json");
  return (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
}

export interface PackagedFile {
  readonly name: string; // path in the virtual file system
  readonly start: number;
  readonly end: number;
}

/** The file table of the Emscripten data package. */
export function packagedFiles(): PackagedFile[] {
  const js = fs.readFileSync(path.join(libfaustDir(), "libfaust-wasm.js"), "utf8");
  const out: PackagedFile[] = [];
  const re = /\{\s*"?filename"?\s*:\s*"([^"]+)"\s*,\s*"?start"?\s*:\s*(\d+)\s*,\s*"?end"?\s*:\s*(\d+)\s*\}/g;
  for (let m = re.exec(js); m; m = re.exec(js)) out.push({ name: m[1]!, start: Number(m[2]), end: Number(m[3]) });
  return out;
}



/** The folders faustlab may keep caches in, most preferred first. */
export function cacheRoots(): string[] {
  const roots: string[] = [];
  if (process.env.FAUSTLAB_CACHE) roots.push(process.env.FAUSTLAB_CACHE);
  roots.push(path.join(projectRoot, ".cache"));
  const xdg = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
  roots.push(path.join(xdg, "faustlab"));
  roots.push(path.join(os.tmpdir(), "faustlab-cache"));
  return roots;
}

let cached: string | undefined;

/**
 * The folder of the standard libraries, materialized on first use. Writing is
 * atomic: files go to a temporary sibling folder that is renamed into place,
 * so a concurrent or interrupted run never sees a half-written library set.
 */
export function stdlibDir(): string {
  if (cached) return cached;
  const version = faustwasmVersion();
  const files = packagedFiles().filter((f) => f.name.startsWith("/usr/share/faust/"));
  if (files.length === 0) throw new DiagnosticError([diag("FL016", { reason: "its data package holds no library file" })]);
  const errors: string[] = [];
  for (const root of cacheRoots()) {
    const dir = path.join(root, `faustlib-${version}`);
    if (fs.existsSync(path.join(dir, ".complete"))) return (cached = dir);
    try {
      fs.mkdirSync(root, { recursive: true });
      const tmp = fs.mkdtempSync(path.join(root, `.faustlib-${version}-`));
      const blob = fs.readFileSync(path.join(libfaustDir(), "libfaust-wasm.data"));
      for (const f of files) {
        const rel = f.name.slice("/usr/share/faust/".length);
        const dest = path.join(tmp, rel);
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.writeFileSync(dest, blob.subarray(f.start, f.end));
      }
      fs.writeFileSync(path.join(tmp, ".complete"), `${files.length}\n`);
      try {
        fs.renameSync(tmp, dir);
      } catch (e) {
        // Another process won the race: keep its copy.
        fs.rmSync(tmp, { recursive: true, force: true });
        if (!fs.existsSync(path.join(dir, ".complete"))) throw e;
      }
      return (cached = dir);
    } catch (e) {
      errors.push(`${root}: ${(e as Error).message}`);
    }
  }
  throw new DiagnosticError([diag("FL016", { reason: errors.join("; ") })]);
}

/** The .lib files of the standard library, sorted by name. */
export function stdlibFiles(): string[] {
  const dir = stdlibDir();
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".lib"))
    .sort()
    .map((f) => path.join(dir, f));
}

/** faustlab's own libraries (libraries/: optimizers.lib), searched after the standard library. */
export const faustlabLibDir: string = projectPath("libraries");

/**
 * The folders a compilation searches after the importing file's own: each -I
 * folder in order, then the standard library, then faustlab's own libraries.
 */
export function withStdlib(includeDirs: readonly string[] = []): string[] {
  return [...includeDirs, stdlibDir(), faustlabLibDir];
}

/**
 * Resolves a library or import name the way Faust does: relative to the
 * importing file's folder first, then each -I folder in order, then the
 * standard library. Returns undefined when no file matches.
 */
export function resolveImport(name: string, fromDir: string | undefined, includeDirs: readonly string[]): string | undefined {
  return resolveIn(name, fromDir, withStdlib(includeDirs));
}
