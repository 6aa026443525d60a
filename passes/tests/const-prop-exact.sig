; Folding stays exact: int(3e9 + 0') is not folded (Faust's folding saturates
; to 2147483647, the run time wraps), round(2.5 + 0') folds to C's round (3.0,
; not rint's 2.0), 5' (0 then 5) is not constant, and an int node keeps an int literal.
; RUN: faustlab opt %s -passes const-prop
; CHECK: intcast
; CHECK: float 3.0
; CHECK: delay1
; CHECK: int -2147483648
; CHECK: return
%0 = float 3e9
%1 = float 0.0
%2 = delay1 %1
%3 = add %0, %2
%4 = intcast %3
%5 = float 2.5
%6 = add %5, %2
%7 = round %6
%8 = float 5.0
%9 = delay1 %8
%10 = int 2147483647
%11 = int 0
%12 = delay1 %11
%13 = int 1
%14 = add %12, %13
%15 = add %10, %14
return %4, %7, %9, %15
