import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DiagnosticError } from "../../core/diagnostics.ts";
import { stdlibDir, withStdlib } from "../../driver/stdlib.ts";
import { Compilation } from "./imports.ts";
import { tempTree } from "../../cli/testutil.ts";

const { dir: tmp, write } = tempTree("imports");

describe("imports", () => {
  it("splices imported definitions once, in order, searching the file's folder, then -I, then the stdlib", () => {
    write("a/local.lib", "l = 1;");
    write("inc/extra.lib", 'import("helper.lib"); e = 2;');
    write("inc/helper.lib", "h = 0;");
    write("a/local2.lib", 'import("local.lib"); m = 3;');
    const main = write("a/main.dsp", 'import("local.lib");\nimport("extra.lib");\nimport("local2.lib");\nimport("stdfaust.lib");\nprocess = l + e;\n');
    const c = new Compilation(withStdlib([path.join(tmp, "inc")]));
    const prog = c.loadProgram(main);
    expect(prog.diagnostics).toEqual([]);
    const names = prog.stmts.map((s) => (s.kind === "def" ? s.name : s.kind));
    expect(names.slice(0, 4)).toEqual(["l", "h", "e", "m"]);
    expect(names).toContain("ma");
    expect(names.at(-1)).toBe("process");
    // helper.lib is found next to extra.lib (its importer); local2.lib's import of local.lib is a repeat.
    const loaded = prog.files.map((f) => path.basename(f.file.path));
    expect(loaded).toEqual(["main.dsp", "local.lib", "extra.lib", "helper.lib", "local2.lib", "stdfaust.lib"]);
    expect(path.dirname(path.resolve(prog.files[5]!.file.path))).toBe(stdlibDir());
  });

  it("parses each file once per compilation", () => {
    const lib = write("once/shared.lib", "s = 1;");
    const p1 = write("once/p1.dsp", 'import("shared.lib"); process = s;');
    const p2 = write("once/p2.dsp", 'import("shared.lib"); process = s + 1;');
    const c = new Compilation(withStdlib());
    const a = c.loadProgram(p1);
    const b = c.loadProgram(p2);
    expect(a.files[1]).toBe(b.files[1]);
    expect(c.parseFile(lib)).toBe(a.files[1]);
  });

  it("reports a missing file at the import's span", () => {
    const main = write("missing/main.dsp", 'process = 1;\nimport("nowhere.lib");\n');
    const prog = new Compilation(withStdlib()).loadProgram(main);
    expect(prog.diagnostics.map((d) => d.code)).toEqual(["FL301"]);
    const d = prog.diagnostics[0]!;
    expect(d.span!.file.position(d.span!.start)).toEqual({ line: 1, col: 0 });
  });

  it("reports an import cycle as a warning and terminates", () => {
    write("cycle/a.lib", 'import("b.lib"); a = 1;');
    write("cycle/b.lib", 'import("c.lib"); b = 2;');
    write("cycle/c.lib", 'import("a.lib"); c = 3;');
    const main = write("cycle/main.dsp", 'import("a.lib"); process = a + b + c;');
    const prog = new Compilation(withStdlib()).loadProgram(main);
    expect(prog.diagnostics.map((d) => [d.code, d.severity])).toEqual([["FL302", "warning"]]);
    expect(prog.diagnostics[0]!.message).toContain("a.lib -> b.lib -> c.lib -> a.lib");
    expect(prog.stmts.map((s) => (s.kind === "def" ? s.name : s.kind))).toEqual(["c", "b", "a", "process"]);
  });

  it("handles self-imports and long import chains without recursion", () => {
    write("self/s.lib", 'import("s.lib"); s = 1;');
    const n = 3000;
    for (let i = 0; i < n; i++) write(`chain/f${i}.lib`, `import("f${i + 1}.lib"); d${i} = ${i};`);
    write(`chain/f${n}.lib`, "last = 0;");
    const prog = new Compilation(withStdlib()).loadProgram(path.join(tmp, "chain/f0.lib"));
    expect(prog.diagnostics).toEqual([]);
    expect(prog.files.length).toBe(n + 1);
    const self = new Compilation(withStdlib()).loadProgram(path.join(tmp, "self/s.lib"));
    expect(self.diagnostics.map((d) => d.code)).toEqual(["FL302"]);
  });

  it("throws FL001 for an unreadable entry file, FL303 for an unreadable import", () => {
    expect(() => new Compilation(withStdlib()).loadProgram(path.join(tmp, "nope.dsp"))).toThrow(DiagnosticError);
    fs.mkdirSync(path.join(tmp, "dirimp/x.lib"), { recursive: true });
    const main = write("dirimp/main.dsp", 'import("x.lib"); process = 1;');
    const prog = new Compilation(withStdlib()).loadProgram(main);
    // resolveImport only accepts files: a folder with that name is not found.
    expect(prog.diagnostics.map((d) => d.code)).toEqual(["FL301"]);
  });

  it("expands imports inside an environment on demand", () => {
    write("env/inner.lib", "k = 1;");
    const main = write("env/main.dsp", 'e = environment { import("inner.lib"); j = 2; };\nprocess = e.k;');
    const prog = new Compilation(withStdlib()).loadProgram(main);
    const e = prog.stmts[0]!;
    expect(e.kind === "def" && e.body.kind).toBe("environment");
    if (e.kind !== "def" || e.body.kind !== "environment") return;
    const x = new Compilation(withStdlib()).expandStatements(e.body.stmts, main, (b) => prog.files[0]!.boxSpans.get(b));
    expect(x.diagnostics).toEqual([]);
    expect(x.stmts.map((s) => (s.kind === "def" ? s.name : s.kind))).toEqual(["k", "j"]);
  });

  it("loads library() references through the same cache", () => {
    const main = write("ref/main.dsp", "process = 1;");
    const c = new Compilation(withStdlib());
    const entry = c.loadProgram(main);
    const span = entry.spans[0]!;
    const lib = c.loadReference("maths.lib", main, span);
    expect("stmts" in lib && lib.stmts.some((s) => s.kind === "def" && s.name === "PI")).toBe(true);
    const missing = c.loadReference("nothing.lib", main, span);
    expect("code" in missing && missing.code).toBe("FL301");
  });
  it("an import policy confines imports and library() to its roots: no absolute paths, no '..', no symlinks out (FL304)", () => {
    write("jail/ok.lib", "ok = 1;");
    write("jail/sub/deeper.lib", "deep = 2;");
    const secret = write("free/secret.lib", "secret = 3;");
    fs.symlinkSync(secret, path.join(tmp, "jail/link.lib"));
    const roots = [path.join(tmp, "jail"), stdlibDir()];
    const c = new Compilation(withStdlib([]), { roots });
    const at = path.join(tmp, "jail/main.dsp");
    const codes = (text: string) => c.loadProgramText(text, at).diagnostics.map((d) => `${d.code}: ${d.message}`);
    expect(codes('import("ok.lib"); import("sub/deeper.lib"); import("stdfaust.lib"); process = ok;')).toEqual([]);
    expect(codes(`import("${secret}"); process = 1;`)).toEqual([expect.stringMatching(/^FL304: .*absolute paths/)]);
    expect(codes('import("../free/secret.lib"); process = 1;')).toEqual([expect.stringMatching(/^FL304: .*'\.\.'/)]);
    expect(codes('import("sub/../ok.lib"); process = 1;')).toEqual([expect.stringMatching(/^FL304/)]);
    expect(codes('import("link.lib"); process = 1;')).toEqual([expect.stringMatching(/^FL304: .*outside the allowed folders/)]);
    expect(codes('import("nothere.lib"); process = 1;')).toEqual([expect.stringMatching(/^FL301/)]);
    const ref = c.loadReference("/etc/hostname", at, { file: c.parseText("", at).file, start: 0, end: 0 });
    expect("code" in ref && ref.code).toBe("FL304");
    // without a policy, the same compilation settings follow the symlink as Faust does
    expect(new Compilation(withStdlib([])).loadProgramText('import("link.lib"); process = secret;', at).diagnostics).toEqual([]);
  });
});
