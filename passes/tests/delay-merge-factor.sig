; (x*2)@3 and x@5: the constant factor moves out, (x*2)@3 = (x@3)*2 (the same
; products, computed 3 samples later; 2*(+0) = +0), so x's line serves both.
; A negative factor stays inside: (-1)*(+0) = -0 is not the +0 a line starts with.
; RUN: faustlab opt %s -passes delay-merge -stats
; CHECK: [[X:%[0-9]+]] = input 0
; CHECK: [[D:%[0-9]+]] = delay [[X]], {{%[0-9]+}}
; CHECK-NEXT: [[K:%[0-9]+]] = float 2.0
; CHECK-NEXT: = mul [[D]], [[K]]
; CHECK: float -1.0
; CHECK-NEXT: [[N:%[0-9]+]] = mul [[X]], {{%[0-9]+}}
; CHECK: = delay [[N]],
; CHECK: 1 delay-merge - factors-moved
; RUN: faustlab opt %s -passes 'delay-merge<factor=false>' -stats --check-prefix=OFF
; OFF: 0 delay-merge<factor=false> - factors-moved
%0 = input 0
%1 = float 2.0
%2 = mul %0, %1
%3 = int 3
%4 = delay %2, %3
%5 = int 5
%6 = delay %0, %5
%7 = float -1.0
%8 = mul %0, %7
%9 = int 7
%10 = delay %8, %9
return %4, %6, %10
