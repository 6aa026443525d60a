; Two one-pole loops that differ only by the names of their groups (and the
; order of the operands of their products) become one recursion: the output
; x - y becomes y - y over a single group.
; RUN: faustlab opt %s -passes cse -stats
; CHECK: [[P:%[0-9]+]] = proj [[G:@[A-Za-z0-9_.]+]], 0
; CHECK-NEXT: {{%[0-9]+}} = sub [[P]], [[P]]
; CHECK-LABEL: rec
; CHECK-SAME: [[G]](1) {
; CHECK-NOT: rec
; CHECK: 1 cse - groups-merged
%0 = proj @a, 0
%1 = proj @b, 0
%2 = sub %0, %1
%3 = output 0, %2
%4 = input 0
%5 = float 0.5
rec @a(1) {
  %6 = delay1 %0
  %7 = mul %5, %6
  %8 = add %4, %7
  yield %8
}
rec @b(1) {
  %9 = delay1 %1
  %10 = mul %9, %5
  %11 = add %4, %10
  yield %11
}
return %3
