; y = x + (0.25*2)*y' : the constant product inside the recursion's body
; folds, so normalize rebuilds the group with the body x + y'*0.5 (the
; coefficient last, the canonical product order; the terms in structural order: y'*0.5 + x).
; RUN: faustlab opt %s -passes normalize
; CHECK: [[Y:%[0-9]+]] = proj [[G:@[A-Za-z0-9_.]+]], 0
; CHECK-NEXT: [[K:%[0-9]+]] = float 0.5
; CHECK-NEXT: [[X:%[0-9]+]] = input 0
; CHECK-LABEL: rec
; CHECK-SAME: [[G]](1) {
; CHECK-NEXT: [[D:%[0-9]+]] = delay1 [[Y]]
; CHECK-NEXT: [[M:%[0-9]+]] = mul [[D]], [[K]]
; CHECK-NEXT: [[A:%[0-9]+]] = add [[M]], [[X]]
; CHECK-NEXT: yield [[A]]
; CHECK-NEXT: }
; CHECK-NEXT: return [[Y]]
; The input graph, printed back before the pass, still has both constants:
; RUN: faustlab opt %s -passes print -disable-output --check-prefix=BEFORE
; BEFORE: float 0.25
; BEFORE: float 2.0
; BEFORE: rec
%0 = proj @y, 0
%1 = input 0
%2 = float 0.25
%3 = float 2.0
rec @y(1) {
  %4 = delay1 %0
  %5 = mul %2, %3
  %6 = mul %5, %4
  %7 = add %1, %6
  yield %7
}
return %0
