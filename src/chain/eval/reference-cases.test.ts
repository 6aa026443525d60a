// Small programs probing the corners of evaluation, with the verdict the
// reference compiler (Faust 2.88.0 through src/harness/oracle.ts) gave for each
// when this table was written: the arity "ins->outs", or "error" for a
// rejection. Rejections that only a later stage makes (no output signal,
// UI path clashes) are marked "later" and must evaluate here.

import { describe, expect, it } from "vitest";
import { evaluateProgram } from "../../driver/signals.ts";

const cases: readonly (readonly [string, string])[] = [
  // definitions and environments
  ["x = 1; x = 2; process = x;", "error"],
  ["f(x) = x; f(x,y) = x+y; process = f(1);", "error"],
  ['import("stdfaust.lib"); ba = 3; process = ba;', "error"],
  ["foo = 1; process = fo;", "error"],
  ["doubleprecision x = 2; singleprecision x = 1; process = x;", "0->1"],
  ["process = f(3) with { f(n) = n * k; k = 2; };", "0->1"],
  ["e = environment { a = 1; b = a + 1; }; process = e.b;", "0->1"],
  ["e = environment { a = 1; b = a + 1; }; process = e[a = 10;].b;", "0->1"],
  ['f = component("nosuch.dsp"); process = f;', "error"],
  ["process = x letrec { 'x = x + 1; };", "0->1"],
  ["process = (x,y) letrec { 'x = y + _; 'y = x; };", "2->2"],
  // application
  ["f = \\(x).(x*x); process = f;", "1->1"],
  ["process = \\(x,y).(x-y);", "2->1"],
  ["process = prefix(1);", "1->1"],
  ["process = ^(2);", "1->1"],
  ["process = (_,_:+)(1);", "1->1"],
  ["process = +(1,2,3);", "error"],
  ["f(x,y) = x - y; g = f(1); process = g(2), g;", "1->2"],
  ["f(0) = 1; f(x) = x; process = f;", "1->1"],
  ["f(x) = 1; process = f((_,_) : _);", "error"],
  ["f = _; process = f((_,_) : _);", "error"],
  // pattern matching
  ["f(2) = 1; f(n) = 0; process = f(1+1);", "0->1"],
  ["f(0) = 1; f(x,y) = 0; process = f(1,2);", "error"],
  ["f(0, y) = y; f(x, y) = x + y; process = f(1, 2, 3);", "error"],
  ["first(x:y) = x; process = first(+ : _);", "2->1"],
  ["first(x:y) = x; process = first(+ : *);", "2->1"],
  ["c = case { (0) => 0; (x:y) => y; }; process = c(+ : *);", "error"],
  ["c = case { (x:y) => y; (0) => 0; }; process = c(+ : *);", "error"],
  ["f(x:y) = 1; f(z) = 2; process = f(1+1);", "0->1"],
  // iterations
  ["process = _, par(i, 0, _);", "1->1"],
  ["process = _, sum(i, 0, _);", "1->1"],
  ["process = _, prod(i, 0, _);", "1->1"],
  ["process = _, seq(i, 0, (_,_));", "3->3"],
  ["process = _ : seq(i, 0, (_,_)) : _;", "error"],
  ["process = par(i, 0, _) , 1;", "0->1"],
  ["process = seq(i, 0, +);", "error"],
  ["process = seq(i, 0, par(j, i+1, _));", "1->1"],
  ["process = seq(i, 1, +);", "2->1"],
  ["process = seq(i, 2, +);", "error"],
  ["process = par(i, 0, +);", "later"],
  ["process = par(i, 2.7, _);", "2->2"],
  ["process = _, par(i, -1, _);", "2->2"],
  ["process = _, seq(i, -1, _);", "2->2"],
  ["process = par(i, -2, par(j, -i, _));", "3->3"],
  ["process = seq(i, -1, par(j, -i-1, _));", "1->1"],
  ["process = sum(i, -2, par(j, i+1, 1));", "0->1"],
  ["process = prod(i, -3, par(j, i+2, 1));", "0->2"],
  // compositions
  ["process = ! <: _;", "error"],
  ["process = 1 <: 2;", "error"],
  ["process = (0,0) <: (_,_,_,_);", "0->4"],
  ["process = 0 <: (_,_);", "0->2"],
  ["process = (1,2) :> 3;", "error"],
  ["process = ! :> _;", "error"],
  ["process = 1 :> (_,_);", "error"],
  ["process = _ : (_,_);", "error"],
  ["process = (_,_) ~ (_,_,_);", "error"],
  ["process = _ ~ (_,_);", "error"],
  ["process = (_,_) :> !;", "later"],
  // numbers, routes, widgets, labels
  ['process = hslider("a", 1/0, 0, 1, 0.1);', "error"],
  ["process = rdtable(10, 1.5, 0);", "0->1"],
  ["process = inputs(+), outputs(_<:_,_);", "0->2"],
  ["process = route(2, 2, 1, 2, 2, 1);", "2->2"],
  ["process = route(2,2,1);", "error"],
  ["process = route(2,2,(1,2,3));", "error"],
  ["process = route(2,2,_);", "error"],
  ["process = route(2,2,(1,5));", "2->2"],
  ["process = route(2,2,(0,1));", "2->2"],
  ["process = route(2,2,(1.5,2));", "2->2"],
  ["process = route(2.5,2,(1,2));", "2->2"],
  ["process = waveform{1, 2.5, 3};", "0->2"],
  ['process = ffunction(float sinhf(float), <math.h>, "");', "1->1"],
  ['process = par(i, 3, hslider("v%i %2i %%", 0, 0, 1, 0.1));', "0->3"],
  ['n = 5; process = hslider("v%n", 0, 0, 1, 0.1);', "0->1"],
  ['process = hgroup("g%j", par(j, 2, _));', "error"],
  ['process = hslider("a %", 0, 0, 1, 0.1), hslider("b % x", 0, 0, 1, 0.1);', "0->2"],
  ['process = hslider("a", 2, 0, 1, 0.1);', "error"],
  ['process = hslider("a", 0.5, 1, 0, 0.1);', "error"],
  ['process = hslider("a", 0.5, 0, 1, -0.1);', "0->1"],
  ['process = nentry("a", -1, 0, 1, 1);', "error"],
  ['process = hbargraph("a", 1, 0);', "1->1"],
  // widget modulation
  ['process = ["freq" -> hslider("freq", 100, 0, 1000, 1)];', "1->1"],
  ['process = ["freq": +(1) -> hslider("freq", 100, 0, 1000, 1)];', "0->1"],
  ['process = ["freq": + -> hslider("freq", 100, 0, 1000, 1)];', "1->1"],
  ['process = ["freq": +, "gain" -> hslider("freq", 100, 0, 1000, 1), hslider("gain", 3, 0, 10, 1)];', "2->2"],
  ['process = ["freq" -> hslider("freq[unit:Hz]", 100, 0, 1000, 1)];', "1->1"],
  ['process = ["g/freq" -> hgroup("g", hslider("freq", 100, 0, 1000, 1))];', "1->1"],
  ['process = ["nope" -> hslider("freq", 100, 0, 1000, 1)];', "1->1"],
  ['process = ["freq" -> hslider("freq", 100, 0, 1000, 1), hslider("freq", 100, 0, 1000, 1)];', "1->2"],
  ['process = ["freq": (_,_,_ :> _) -> hslider("freq", 100, 0, 1000, 1)];', "error"],
  ['process = ["freq": *(2) : +(1) -> hslider("freq", 100, 0, 1000, 1)];', "0->1"],
  ['process = ["freq" -> _ + hslider("freq", 100, 0, 1000, 1)];', "2->1"],
];

describe("corner cases agree with the reference compiler's verdicts", () => {
  for (const [text, verdict] of cases) {
    it(`${verdict.padEnd(5)} ${text}`, () => {
      const r = evaluateProgram({ text, path: "case.dsp" });
      if (verdict === "error") {
        expect(r.process).toBeUndefined();
        expect(r.diagnostics.some((d) => d.severity === "error")).toBe(true);
      } else if (verdict === "later") {
        expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      } else {
        expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
        expect(`${r.arity!.ins}->${r.arity!.outs}`).toBe(verdict);
      }
    });
  }
});
