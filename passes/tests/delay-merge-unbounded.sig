; A slider-driven amount is not provably non-negative: a host may set the
; slider anywhere, and (x@1)@d = x@(d+1) needs d ≥ 0 at every sample (the run
; time clamps a negative amount to 0: (x@1)@-1 = x@1 but x@0 = x). No merge.
; RUN: faustlab opt %s -passes delay-merge -stats
; CHECK: [[D1:%[0-9]+]] = delay1
; CHECK: = delay [[D1]],
; CHECK: 0 delay-merge - chains-merged
%0 = input 0
%1 = delay1 %0
%2 = float 10.0
%3 = float 0.0
%4 = float 100.0
%5 = float 1.0
%6 = hslider "d", [], [], %2, %3, %4, %5
%7 = intcast %6
%8 = delay %1, %7
return %8
