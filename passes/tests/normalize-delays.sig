; Delays combine: delay1(delay1(x)) delayed by 3 more is one delay of 5;
; a delay by 0 is the signal itself.
; RUN: faustlab opt %s -passes normalize -stats
; CHECK: [[X:%[0-9]+]] = input 0
; CHECK-NEXT: [[N:%[0-9]+]] = int 5
; CHECK-NEXT: [[D:%[0-9]+]] = delay [[X]], [[N]]
; CHECK-NEXT: [[S:%[0-9]+]] = add [[X]], [[D]]
; CHECK-NEXT: return [[S]]
; -stats counts the nodes before and after:
; CHECK: 8 normalize - nodes-before
; CHECK-NEXT: 4 normalize - nodes-after
%0 = input 0
%1 = delay1 %0
%2 = delay1 %1
%3 = int 3
%4 = delay %2, %3
%5 = int 0
%6 = delay %0, %5
%7 = add %4, %6
return %7
