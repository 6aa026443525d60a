; The sparse conditional part: s = s' is 0 forever, so y = select2(s, x + y',
; y' + 1) always takes its first branch; the second (a counter) never
; matters. The select2 disappears and y becomes a plain accumulator.
; RUN: faustlab opt %s -passes const-prop -stats
; CHECK-NOT: select2
; CHECK: rec
; CHECK-NEXT: [[D:%[0-9]+]] = delay1
; CHECK-NEXT: = add {{%[0-9]+}}, [[D]]
; CHECK-NOT: select2
; CHECK: 1 const-prop - selects-resolved
%0 = proj @y, 0
%1 = proj @s, 0
rec @s(1) {
  %2 = delay1 %1
  yield %2
}
%3 = input 0
%4 = int 1
rec @y(1) {
  %5 = delay1 %0
  %6 = add %3, %5
  %7 = add %5, %4
  %8 = select2 %1, %6, %7
  yield %8
}
return %0
