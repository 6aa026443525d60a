; Recursions that are not constant-gain sums of their own past stay, each
; with the reason; the linear one beside them is revealed.
; RUN: faustlab opt %s -passes iir-reveal -remarks
; CHECK: rec @{{.*}}(1) {
; CHECK: sin
; CHECK: rec @{{.*}}(2) {
; CHECK: [[I:%[0-9]+]] = iir %{{[0-9]+}}, [%{{[0-9]+}}]
; CHECK-NEXT: return %{{[0-9]+}}, %{{[0-9]+}}, [[I]]
; CHECK: iir-reveal: recursion @nl kept: its body is not a sum with constant gains on its own past
; CHECK: iir-reveal: recursion @two kept: a recursion of 2 signals
; CHECK: iir-reveal: recursion @lin is an iir of order 1
%0 = input 0
%1 = proj @nl, 0
%2 = proj @two, 0
%3 = proj @two, 1
%4 = proj @lin, 0
rec @nl(1) {
  %5 = delay1 %1
  %6 = sin %5
  %7 = float 0.5
  %8 = mul %6, %7
  %9 = add %0, %8
  yield %9
}
rec @two(2) {
  %10 = delay1 %3
  %11 = add %0, %10
  %12 = delay1 %2
  yield %11, %12
}
rec @lin(1) {
  %13 = delay1 %4
  %14 = float 0.9
  %15 = mul %13, %14
  %16 = add %0, %15
  yield %16
}
return %1, %2, %4
