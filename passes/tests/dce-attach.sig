; attach(x, y) keeps y alive for its effect: a bargraph stays attached, a
; plain signal (here a slider times the input) is dropped; enable with the
; constant condition 0.5 (nonzero, also in single precision) is x.
; RUN: faustlab opt %s -passes dce -stats
; CHECK: hbargraph "level"
; CHECK-NOT: hslider
; CHECK-NOT: enable
; CHECK: 1 dce - attach-removed
; CHECK: 1 dce - enable-removed
%0 = input 0
%1 = float 0.0
%2 = float 1.0
%3 = float 0.1
%4 = hslider "gain", [], [], %1, %1, %2, %3
%5 = mul %0, %4
%6 = attach %0, %5
%7 = hbargraph "level", [], [], %1, %2, %0
%8 = attach %6, %7
%9 = float 0.5
%10 = enable %8, %9
%11 = output 0, %10
return %11
