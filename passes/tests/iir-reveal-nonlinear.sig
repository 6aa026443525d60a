; A recursion whose feedback goes through sin is not an iir: the sum
; y = x + 0.5*sin(y') reads its past through a nonlinear term.
; RUN: faustlab opt %s -passes iir-reveal -remarks
; CHECK: rec @{{.*}}(1) {
; CHECK: iir-reveal: recursion @nl kept: its feedback is not a constant-gain sum of its past (a nonlinear or varying term reads it)
%0 = input 0
%1 = proj @nl, 0
rec @nl(1) {
  %2 = delay1 %1
  %3 = sin %2
  %4 = float 0.5
  %5 = mul %3, %4
  %6 = float 0.25
  %7 = int 2
  %8 = delay %1, %7
  %9 = mul %8, %6
  %10 = add %0, %5
  %11 = add %10, %9
  yield %11
}
return %1
