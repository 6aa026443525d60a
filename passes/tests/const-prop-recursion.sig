; y = 0.5*y' never leaves its start value 0; z = z' + 1 counts. const-prop
; replaces y by the float literal 0.0 (y is float) and keeps z.
; RUN: faustlab opt %s -passes const-prop -stats -remarks
; CHECK: [[Z:%[0-9]+]] = proj [[G:@[A-Za-z0-9_.]+]], 0
; CHECK-NOT: mul
; CHECK: [[ZERO:%[0-9]+]] = float 0.0
; CHECK: return [[Z]], [[ZERO]]
; CHECK: remark FL801: const-prop: recursion @y: signal 0 is the constant 0.0 (the whole recursion)
; CHECK: 1 const-prop - nodes-folded
; CHECK: 1 const-prop - recursions-folded
%0 = proj @z, 0
%1 = int 1
rec @z(1) {
  %2 = delay1 %0
  %3 = add %2, %1
  yield %3
}
%4 = proj @y, 0
%5 = float 0.5
rec @y(1) {
  %6 = delay1 %4
  %7 = mul %6, %5
  yield %7
}
return %0, %4
