; A group of three signals of which the output reads one: signal 0 reads
; signal 2 (so 2 stays), signal 1 is read by nobody and goes.
; RUN: faustlab opt %s -passes dce -stats
; CHECK: [[P:%[0-9]+]] = proj [[G:@[A-Za-z0-9_.]+]], 0
; CHECK-LABEL: rec
; CHECK-SAME: [[G]](2) {
; CHECK: yield {{%[0-9]+}}, {{%[0-9]+}}
; CHECK-NOT: mul
; CHECK: 1 dce - signals-removed
%0 = proj @g, 0
%1 = output 0, %0
%2 = input 0
rec @g(3) {
  %3 = proj @g, 2
  %4 = delay1 %3
  %5 = add %2, %4
  %6 = proj @g, 1
  %7 = delay1 %6
  %8 = float 0.5
  %9 = mul %7, %8
  %10 = delay1 %0
  %11 = sub %10, %2
  yield %5, %9, %11
}
return %1
