; XFAIL: TODO: a recursion that only delays itself (y = y') is the constant 0
; y[n] = y[n-1] with y[-1] = 0 is 0 at every sample, so the group is dead and
; the output could be the constant; dce only removes what nothing reads, and
; this signal is read.
; RUN: faustlab opt %s -passes dce
; CHECK-NOT: rec
; CHECK: return
%0 = proj @z, 0
%1 = input 0
%2 = add %1, %0
rec @z(1) {
  %3 = delay1 %0
  yield %3
}
return %2
