; normalize folds constant subexpressions: the int sum 2+3 becomes a float
; factor 5.0 of the float input (an int factor of a float product is
; converted first), and (y*1)+0 is y.
; RUN: faustlab opt %s -passes normalize
; (The terms of the sum are in the structural order of src/signals/order.ts.)
; CHECK: [[Y:%[0-9]+]] = input 1
; CHECK-NEXT: [[X:%[0-9]+]] = input 0
; CHECK-NEXT: [[K:%[0-9]+]] = float 5.0
; CHECK-NEXT: [[P:%[0-9]+]] = mul [[X]], [[K]]
; CHECK-NEXT: [[S:%[0-9]+]] = add [[Y]], [[P]]
; CHECK-NEXT: return [[S]]
; No int constant and no multiplication by 1 or addition of 0 is left:
; RUN: faustlab opt %s -passes normalize --check-prefix=GONE
; GONE-NOT: int
; GONE-NOT: float 1.0
; GONE-NOT: float 0.0
; GONE: return
%0 = int 2
%1 = int 3
%2 = add %0, %1
%3 = input 0
%4 = mul %3, %2
%5 = input 1
%6 = float 1.0
%7 = mul %5, %6
%8 = float 0.0
%9 = add %7, %8
%10 = add %4, %9
return %10
