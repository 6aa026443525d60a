; x+y and y+x become one node (the operands of a commutative operator are
; put in a structural order); x-y and y-x stay two; a constant goes last.
; RUN: faustlab opt %s -passes cse -stats
; CHECK: [[X:%[0-9]+]] = input 0
; CHECK-NEXT: [[Y:%[0-9]+]] = input 1
; CHECK-NEXT: [[S:%[0-9]+]] = {{add}} {{%[0-9]+}}, {{%[0-9]+}}
; CHECK-NEXT: [[D:%[0-9]+]] = sub [[X]], [[Y]]
; CHECK-NEXT: [[E:%[0-9]+]] = sub [[Y]], [[X]]
; CHECK-NEXT: [[K:%[0-9]+]] = float 2.0
; CHECK-NEXT: [[M:%[0-9]+]] = mul [[X]], [[K]]
; CHECK-NEXT: return [[S]], [[S]], [[D]], [[E]], [[M]]
; CHECK: 1 cse - nodes-merged
%0 = input 0
%1 = input 1
%2 = add %0, %1
%3 = add %1, %0
%4 = sub %0, %1
%5 = sub %1, %0
%6 = float 2.0
%7 = mul %6, %0
return %2, %3, %4, %5, %7
