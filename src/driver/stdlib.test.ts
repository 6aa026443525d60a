import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packagedFiles, resolveImport, stdlibDir, stdlibFiles } from "./stdlib.ts";

describe("the embedded standard library", () => {
  it("reads the data package's file table: 53 libraries and the two mixers", () => {
    const files = packagedFiles();
    const libs = files.filter((f) => f.name.startsWith("/usr/share/faust/") && f.name.endsWith(".lib"));
    expect(libs).toHaveLength(53);
    for (const f of files) expect(f.end).toBeGreaterThanOrEqual(f.start);
  });

  it("materializes the libraries once, byte for byte", () => {
    const dir = stdlibDir();
    expect(fs.existsSync(path.join(dir, ".complete"))).toBe(true);
    expect(stdlibFiles().map((f) => path.basename(f))).toContain("stdfaust.lib");
    const stdfaust = fs.readFileSync(path.join(dir, "stdfaust.lib"), "utf8");
    expect(stdfaust).toMatch(/fi = library\("filters\.lib"\);/);
    expect(stdlibDir()).toBe(dir); // cached
  });

  it("resolves imports: the importing file's folder, then -I folders, then the library", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "faustlab-stdlib-"));
    const a = path.join(tmp, "a");
    const b = path.join(tmp, "b");
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    fs.writeFileSync(path.join(a, "filters.lib"), "// shadow\n");
    fs.writeFileSync(path.join(b, "filters.lib"), "// shadow b\n");
    fs.writeFileSync(path.join(b, "mine.lib"), "x = 1;\n");
    expect(resolveImport("filters.lib", undefined, [])).toBe(path.join(stdlibDir(), "filters.lib"));
    expect(resolveImport("filters.lib", undefined, [a, b])).toBe(path.join(a, "filters.lib"));
    expect(resolveImport("filters.lib", b, [a])).toBe(path.join(b, "filters.lib"));
    expect(resolveImport("mine.lib", a, [b])).toBe(path.join(b, "mine.lib"));
    expect(resolveImport("nosuch.lib", a, [b])).toBeUndefined();
    expect(resolveImport(path.join(b, "mine.lib"), undefined, [])).toBe(path.join(b, "mine.lib"));
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
