// The parsed form: every standard library file decodes to the very boxes a
// parse gives (hash-consed, so identity), with the same statement spans, and
// the span side table is left as a parse leaves it.

import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { SourceFile } from "../../core/diagnostics.ts";
import { boxCount } from "../../core/boxes/box.ts";
import { stdlibFiles } from "../../driver/stdlib.ts";
import { decodeParsed, parseAndEncode, roundTrip } from "./parsed-form.ts";

describe("parsed form", () => {
  it("every library file round-trips to the same boxes and statement spans", () => {
    for (const f of stdlibFiles()) {
      const { parsed, decoded } = roundTrip(f, fs.readFileSync(f, "utf8"));
      expect(decoded, f).toBeDefined();
      expect(decoded!.stmts.length).toBe(parsed.stmts.length);
      decoded!.stmts.forEach((s, i) => expect(s).toBe(parsed.stmts[i]));
      expect(decoded!.spans.map((s) => [s.start, s.end])).toEqual(parsed.spans.map((s) => [s.start, s.end]));
    }
  });

  it("loading a file's form in a fresh context sets the spans a parse would", () => {
    // Unique names, so that these boxes are new to the process.
    const text = `uniq_pf_a(x) = x + 1.5e-300 : uniq_pf_b; uniq_pf_b = _ <: _, -0.0 :> *;\nprocess = uniq_pf_a(2) ~ _;`;
    const { encoded } = parseAndEncode(new SourceFile("first.dsp", "uniq_pf_unrelated = 1;"));
    expect(encoded).toBeDefined();
    const enc = parseAndEncode(new SourceFile("pf.dsp", text)).encoded!;
    // The boxes exist now (parsed from pf.dsp); decoded as another file, they are located in that file,
    // as a parse of it would locate them (spans belong to each file, not to the shared boxes).
    const other = new SourceFile("pf2.dsp", text);
    const d = decodeParsed(enc, other)!;
    const fresh = parseAndEncode(other).parsed;
    for (const s of d.stmts) {
      expect(d.boxSpans.get(s)?.file.path).toBe("pf2.dsp");
      expect([d.boxSpans.get(s)?.start, d.boxSpans.get(s)?.end]).toEqual([fresh.boxSpans.get(s)?.start, fresh.boxSpans.get(s)?.end]);
    }
    expect(d.spans[0]!.file).toBe(other);
  });

  it("builds a definition's boxes only when it is forced, the boxes a parse gives, with their spans", () => {
    const text = `uniq_lz_a(0) = 1; uniq_lz_a(n) = n * uniq_lz_b;\nuniq_lz_b = _ <: _, 7.25e-3 :> +;\nimport("uniq_lz.lib");\ndeclare uniq_lz "x";\nuniq_lz_c = uniq_lz_b;`;
    const enc = parseAndEncode(new SourceFile("lz0.dsp", "uniq_lz_unrelated = 2;")).encoded;
    expect(enc).toBeDefined();
    const { encoded } = parseAndEncode(new SourceFile("lz.dsp", text));
    const before = boxCount();
    const file = new SourceFile("lz.dsp", text);
    const d = decodeParsed(encoded!, file)!;
    const lazy = d.lazyStmts!;
    expect(lazy.map((s) => s.kind)).toEqual(["lazyDef", "lazyDef", "lazyDef", "import", "declare", "lazyDef"]);
    expect(lazy.map((s) => (s.kind === "lazyDef" ? [s.name, s.arity] : []))).toEqual([["uniq_lz_a", 1], ["uniq_lz_a", 1], ["uniq_lz_b", 0], [], [], ["uniq_lz_c", 0]]);
    const parsed = parseAndEncode(new SourceFile("lz.dsp", text)).parsed;
    // nothing new is built; only the import and the declaration are, and located
    expect(boxCount()).toBe(before);
    expect([...d.boxSpans.keys()]).toEqual([parsed.stmts[3], parsed.stmts[4]]);
    const b = lazy[2]!;
    if (b.kind !== "lazyDef") throw new Error("expected a lazy definition");
    const box = b.force();
    expect(b.force()).toBe(box);
    expect(box).toBe(parsed.stmts[2]);
    expect(d.boxSpans.get(box.body)).toEqual({ ...parsed.boxSpans.get(box.body)!, file });
    expect(d.boxSpans.has(parsed.stmts[0]!)).toBe(false);
    // reading stmts builds everything, as an eager decoding does
    d.stmts.forEach((s, i) => expect(s).toBe(parsed.stmts[i]));
    expect(d.boxSpans.size).toBe(parsed.boxSpans.size);
  });

  it("files with diagnostics are not encoded, and foreign text is refused", () => {
    expect(parseAndEncode(new SourceFile("bad.dsp", "process = (1 + ;")).encoded).toBeUndefined();
    expect(decodeParsed("{}", new SourceFile("x", ""))).toBeUndefined();
    expect(decodeParsed("not json", new SourceFile("x", ""))).toBeUndefined();
  });
});
