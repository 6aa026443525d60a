import { describe, expect, it } from "vitest";
import { DiagnosticError } from "../diagnostics.ts";
import { declareRec, defineRec, freshRecName, sig, type Sig } from "./signal.ts";
import { assertWellFormed, verifySignals } from "./verify.ts";

const problems = (roots: Sig[]) => verifySignals(roots).map((p) => `${p.diagnostic.code} ${p.diagnostic.message}`);

describe("verifier", () => {
  it("accepts a well-formed graph with recursion, tables and controls", () => {
    const x = sig.input(0);
    const [y] = sig.recursion(freshRecName("ok"), 1, ([y]) => [sig.add(x, sig.mul(sig.float(0.5), sig.delay1(y!)))]);
    const tbl = sig.table(sig.int(8), sig.float(1));
    const sl = sig.hslider("f", sig.float(1), sig.float(0), sig.float(2), sig.float(0.1));
    expect(problems([sig.output(0, sig.add(y!, sig.rdtable(tbl, sig.intcast(sl))))])).toEqual([]);
  });
  it("accepts a cycle through prefix or a constant delay ≥ 1", () => {
    const [a] = sig.recursion(freshRecName("pre"), 1, ([a]) => [sig.prefix(sig.int(3), a!)]);
    const [b] = sig.recursion(freshRecName("d2"), 1, ([b]) => [sig.add(sig.int(1), sig.delay(b!, sig.int(2)))]);
    expect(problems([a!, b!])).toEqual([]);
  });
  it("rejects a cycle without a one-sample delay and names the projection", () => {
    const name = freshRecName("inst");
    const [y] = sig.recursion(name, 1, ([y]) => [sig.add(sig.int(1), y!)]);
    expect(problems([y!])).toEqual([`FL571 signal proj#${y!.id} is on an instantaneous cycle: a recursion must go through a one-sample delay`]);
    const [z] = sig.recursion(freshRecName("dyn"), 1, ([z]) => [sig.delay(z!, sig.intcast(sig.input(0)))]);
    expect(problems([z!])[0]).toMatch(/^FL571/);
    expect(() => assertWellFormed([y!])).toThrow(DiagnosticError);
  });
  it("rejects groups that are never defined", () => {
    const g = declareRec(freshRecName("undef"), 1);
    expect(problems([sig.proj(g, 0)])).toEqual([`FL572 recursion group @${g.name} is used but its bodies are never defined`]);
  });
  it("rejects misused tables, soundfiles and non-constant parameters", () => {
    const tbl = sig.table(sig.int(4), sig.float(0));
    const x = sig.input(0);
    expect(problems([sig.add(tbl, x)])).toEqual([`FL570 ill-formed signal binop#${sig.add(tbl, x).id}: field 'x' uses a table as a signal`]);
    expect(problems([sig.rdtable(x, x)])[0]).toMatch(/field 'table' is not a table/);
    const bad = sig.table(x, sig.float(0));
    expect(problems([sig.rdtable(bad, sig.int(0))])).toEqual([`FL570 ill-formed signal table#${bad.id}: the table size is not a constant int ≥ 1`]);
    expect(problems([sig.rdtable(sig.table(sig.int(0), sig.float(0)), sig.int(0))])[0]).toMatch(/table size/);
    expect(problems([sig.sflength(x, sig.int(0))])[0]).toMatch(/field 'sf' is not a soundfile/);
    expect(problems([sig.hslider("s", x, sig.float(0), sig.float(1), sig.float(0.1))])[0]).toMatch(/'init' parameter is not a numeric constant/);
    expect(problems([sig.waveform([x])])[0]).toMatch(/waveform values/);
    expect(problems([sig.add(sig.output(0, x), x)])[0]).toMatch(/uses an output as a signal/);
  });
  it("rejects a group used directly and a group as a root", () => {
    const name = freshRecName("direct");
    const g = declareRec(name, 1);
    defineRec(g, [sig.delay1(sig.proj(g, 0))]);
    expect(problems([g])[0]).toMatch(/cannot be an output of the graph/);
    expect(problems([sig.delay1(g)])[0]).toMatch(/uses recursion group @direct[.\d]* directly/);
  });
  it("reports a look-alike object that is not an interned signal", () => {
    const fake = { kind: "int", id: 0, value: 1 } as unknown as Sig;
    expect(problems([fake])[0]).toMatch(/not an interned signal/);
  });
});
