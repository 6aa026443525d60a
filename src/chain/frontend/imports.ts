// Files and imports. A `Compilation` parses each file at most once (a cache
// keyed by absolute path) and follows `import("…")` statements across files:
// the name is looked up next to the importing file, then in each -I folder,
// then in the library folders the driver hands over (src/driver/stdlib.ts
// adds the standard library): the front end itself knows no default.
//
// As in Faust, a file imported twice contributes its definitions once, and an
// import of a file that is still being imported (a cycle) is ignored; we
// report the cycle as a warning (FL302). A missing or unreadable file is an
// error at the import statement's span (FL301, FL303).
//
// An optional `ImportPolicy` confines a compilation to some folders (the MCP
// server's untrusted programs): names must be relative and free of `..`
// segments, and the file found, with its symlinks followed, must lie inside
// one of the policy's roots; anything else is refused (FL304).
//
// `library("…")` and `component("…")` are expressions, resolved lazily by the
// evaluator through `loadReference`, which uses the same cache; imports inside
// `environment { … }` are expanded on demand by `expandStatements`.

import fs from "node:fs";
import path from "node:path";
import { diag, DiagnosticError, type Diagnostic, SourceFile, type Span } from "../../core/diagnostics.ts";
import type { Box } from "../../core/boxes/box.ts";
import { parseSource, type ParsedFile, type Stmt } from "./parser.ts";

/** A program: its entry file and every file it imports, transitively. */
export interface Program {
  readonly entry: ParsedFile;
  /** Files in the order their definitions are spliced (imports before the importing file's later statements). */
  readonly files: readonly ParsedFile[];
  /**
   * The program's statements with imports expanded: each imported file's
   * statements replace the import (once per file), declarations are kept.
   */
  readonly stmts: readonly Stmt[];
  /** The span of each statement of `stmts`. */
  readonly spans: readonly Span[];
  /** Every diagnostic of every file, and of the imports. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Where imports may come from: every resolved file must lie inside one of `roots` (after symlinks). */
export interface ImportPolicy {
  readonly roots: readonly string[];
}

/** The canonical key of a policy (for caches of compilations). */
export function policyKey(p: ImportPolicy | undefined): string {
  return p ? p.roots.map((r) => path.resolve(r)).join("\0") : "";
}

/** Turns a file's text into its parsed form (the driver may serve some files from a cache of parsed forms). */
export type FileParser = (file: SourceFile, absPath: string) => ParsedFile;

export class Compilation {
  private readonly cache = new Map<string, ParsedFile | Diagnostic>();

  /**
   * `includeDirs`: the folders searched, in order, after the importing file's
   * own (the driver puts the standard library last). `policy`: where imports
   * may come from. `parser`: how a file's text becomes its parsed form
   * (default: parse it).
   */
  constructor(
    readonly includeDirs: readonly string[] = [],
    readonly policy?: ImportPolicy,
    readonly parser: FileParser = (file) => parseSource(file),
  ) {}

  /** Parses a file once per compilation. Unreadable files give a diagnostic. */
  parseFile(absPath: string, at?: Span): ParsedFile | Diagnostic {
    const key = path.resolve(absPath);
    const cached = this.cache.get(key);
    if (cached) return cached;
    let result: ParsedFile | Diagnostic;
    try {
      if (fs.statSync(key).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
      const text = fs.readFileSync(key, "utf8");
      result = this.parser(new SourceFile(displayPath(key), text), key);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const reason = err.code === "ENOENT" ? "no such file" : err.code === "EISDIR" ? "is a directory" : (err.code ?? err.message);
      result = at ? diag("FL303", { path: key, reason }, at) : diag("FL001", { path: absPath, reason });
    }
    this.cache.set(key, result);
    return result;
  }

  /** Parses an in-memory source as a file of this compilation (not cached). */
  parseText(text: string, filePath: string): ParsedFile {
    return parseSource(new SourceFile(filePath, text));
  }

  /** Resolves a name as import() does, from the folder of `fromFile` (undefined when not found or refused by the policy). */
  resolve(name: string, fromFile: string | undefined): string | undefined {
    const r = this.lookup(name, fromFile);
    return typeof r === "string" ? r : undefined;
  }

  /** The file a name resolves to, or why there is none: not found, or refused by the policy. */
  private lookup(name: string, fromFile: string | undefined): string | { readonly refused?: string } {
    if (this.policy) {
      if (path.isAbsolute(name) || /^[A-Za-z]:/.test(name)) return { refused: "absolute paths are not allowed" };
      if (name.split(/[\\/]/).includes("..")) return { refused: "'..' segments are not allowed" };
    }
    const fromDir = fromFile ? path.dirname(path.resolve(fromFile)) : undefined;
    const found = resolveImport(name, fromDir, this.includeDirs);
    if (!found || !this.policy) return found ?? {};
    let real: string;
    try {
      real = fs.realpathSync(found);
    } catch {
      return {};
    }
    const inside = this.policy.roots.some((r) => {
      let root: string;
      try {
        root = fs.realpathSync(r);
      } catch {
        return false;
      }
      const rel = path.relative(root, real);
      return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
    });
    return inside ? found : { refused: "the file lies outside the allowed folders (symlinks are followed)" };
  }

  /** The diagnostic for a name that does not resolve (not found, or refused), at `at`. */
  private unresolved(name: string, fromFile: string | undefined, why: { readonly refused?: string }, at: Span): Diagnostic {
    return why.refused !== undefined
      ? diag("FL304", { name, reason: why.refused }, at)
      : diag("FL301", { name, searched: this.searched(fromFile).join(", ") }, at);
  }

  /** The folders searched for a name imported from `fromFile`, for messages. */
  searched(fromFile: string | undefined): string[] {
    const dirs = fromFile ? [path.dirname(path.resolve(fromFile))] : [];
    return [...new Set([...dirs, ...this.includeDirs.map((d) => path.resolve(d))])];
  }

  /** Loads a program from a file: parse it, then follow its imports. */
  loadProgram(file: string): Program {
    const entry = this.parseFile(path.resolve(file));
    if (!("stmts" in entry)) throw new DiagnosticError([entry]);
    return this.expand(entry);
  }

  /** Loads a program from an in-memory source whose imports are resolved from `filePath`'s folder. */
  loadProgramText(text: string, filePath: string): Program {
    return this.expand(this.parseText(text, filePath));
  }

  /**
   * Loads the file named by `library("…")` or `component("…")` (with its
   * imports), or returns the diagnostic to report at `at`.
   */
  loadReference(name: string, fromFile: string | undefined, at: Span): Program | Diagnostic {
    const resolved = this.lookup(name, fromFile);
    if (typeof resolved !== "string") return this.unresolved(name, fromFile, resolved, at);
    const parsed = this.parseFile(resolved, at);
    if (!("stmts" in parsed)) return parsed;
    return this.expand(parsed);
  }

  /**
   * Expands the imports among some statements (e.g. those of an
   * `environment { … }`, where Faust allows `import`), resolving names from
   * the folder of `fromFile`. Spans come from the compilation's table (`spanOf`).
   */
  expandStatements(stmts: readonly Box[], fromFile: string, spanOf: (b: Box) => Span | undefined): { stmts: readonly Stmt[]; files: readonly ParsedFile[]; diagnostics: readonly Diagnostic[] } {
    const file = new SourceFile(fromFile, "");
    const spans = stmts.map((s) => spanOf(s) ?? { file, start: 0, end: 0 });
    const p = this.expand({ file, stmts, spans, diagnostics: [], boxSpans: new Map() });
    return { stmts: p.stmts, files: p.files, diagnostics: p.diagnostics };
  }

  private expand(entry: ParsedFile): Program {
    const files: ParsedFile[] = [];
    const stmts: Stmt[] = [];
    const spans: Span[] = [];
    const diagnostics: Diagnostic[] = [];
    const done = new Set<string>();
    const active: string[] = [];
    const sourcePath = (pf: ParsedFile) => path.resolve(pf.file.path);

    // Explicit stack of (file, next statement index): import chains of any length never recurse.
    const stack: { pf: ParsedFile; list: readonly Stmt[]; i: number }[] = [];
    const enter = (pf: ParsedFile) => {
      const key = sourcePath(pf);
      done.add(key);
      active.push(key);
      files.push(pf);
      diagnostics.push(...pf.diagnostics);
      // a cached file's definitions stay undecoded (lazyStmts) until the program reaches them
      stack.push({ pf, list: pf.lazyStmts ?? pf.stmts, i: 0 });
    };
    enter(entry);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.i >= top.list.length) {
        stack.pop();
        active.pop();
        continue;
      }
      const s = top.list[top.i]!;
      const span = top.pf.spans[top.i]!;
      top.i++;
      if (s.kind !== "import") {
        stmts.push(s);
        spans.push(span);
        continue;
      }
      const resolved = this.lookup(s.path, top.pf.file.path);
      if (typeof resolved !== "string") {
        diagnostics.push(this.unresolved(s.path, top.pf.file.path, resolved, span));
        continue;
      }
      const key = path.resolve(resolved);
      if (active.includes(key)) {
        const cycle = [...active.slice(active.indexOf(key)), key].map((p) => path.basename(p)).join(" -> ");
        diagnostics.push(diag("FL302", { name: s.path, cycle }, span));
        continue;
      }
      if (done.has(key)) continue;
      const parsed = this.parseFile(key, span);
      if (!("stmts" in parsed)) {
        diagnostics.push(parsed);
        done.add(key);
        continue;
      }
      enter(parsed);
    }
    return { entry, files, stmts, spans, diagnostics };
  }
}

/** Paths in messages: relative to the working folder when inside it. */
function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : abs;
}

/** Finds `name` as import() does: an absolute path as is, else in `fromDir`, then in each of `dirs` (files only). */
export function resolveImport(name: string, fromDir: string | undefined, dirs: readonly string[]): string | undefined {
  if (path.isAbsolute(name)) return fs.existsSync(name) ? name : undefined;
  for (const d of [...(fromDir ? [fromDir] : []), ...dirs]) {
    const p = path.join(d, name);
    if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
  }
  return undefined;
}
