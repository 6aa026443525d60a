; A group whose two signals are equal up to renaming (p = x + p', q = x + q')
; keeps one signal; the mutually recursive pair u = x + v', v = x + u' of
; another group computes that same signal, so both groups become one group
; of one signal.
; RUN: faustlab opt %s -passes cse -stats
; CHECK: [[P:%[0-9]+]] = proj [[G:@[A-Za-z0-9_.]+]], 0
; CHECK-NEXT: {{%[0-9]+}} = sub [[P]], [[P]]
; CHECK-LABEL: rec
; CHECK-SAME: [[G]](1) {
; CHECK-NOT: rec
; CHECK: 1 cse - groups-merged
; CHECK: 1 cse - signals-merged
%0 = proj @g, 0
%1 = proj @g, 1
%2 = sub %0, %1
%3 = proj @h, 0
%4 = proj @h, 1
%5 = sub %3, %4
%6 = add %2, %5
%7 = input 0
rec @g(2) {
  %8 = delay1 %0
  %9 = add %7, %8
  %10 = delay1 %1
  %11 = add %10, %7
  yield %9, %11
}
rec @h(2) {
  %12 = delay1 %4
  %13 = add %7, %12
  %14 = delay1 %3
  %15 = add %7, %14
  yield %13, %15
}
return %6
