; Both signals of the group are needed (the one read reads the other): the
; group is kept as it is, under its own name.
; RUN: faustlab opt %s -passes dce -stats
; CHECK: rec {{@[A-Za-z0-9_.]+}}(2) {
; CHECK: 0 dce - signals-removed
; CHECK: 0 dce - nodes-removed
%0 = proj @g, 0
%1 = input 0
rec @g(2) {
  %2 = proj @g, 1
  %3 = delay1 %2
  %4 = add %1, %3
  %5 = delay1 %0
  %6 = float 0.5
  %7 = mul %5, %6
  yield %4, %7
}
return %0
