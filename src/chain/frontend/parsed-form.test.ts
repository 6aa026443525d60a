// The parsed form: every standard library file decodes to the very boxes a
// parse gives (hash-consed, so identity), with the same statement spans, and
// the span side table is left as a parse leaves it.

import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { SourceFile } from "../../core/diagnostics.ts";
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

  it("files with diagnostics are not encoded, and foreign text is refused", () => {
    expect(parseAndEncode(new SourceFile("bad.dsp", "process = (1 + ;")).encoded).toBeUndefined();
    expect(decodeParsed("{}", new SourceFile("x", ""))).toBeUndefined();
    expect(decodeParsed("not json", new SourceFile("x", ""))).toBeUndefined();
  });
});
