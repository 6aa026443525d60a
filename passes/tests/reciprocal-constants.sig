; x / 4 becomes x * 0.25; x / 3 becomes x * (1/3) with 1/3 folded in double;
; a subnormal divisor stays a division (its reciprocal overflows); a
; constant quotient (1 / 3, no sample-rate operand) is left to hoisting.
; RUN: faustlab opt %s -passes reciprocal -stats
; CHECK: [[X:%[0-9]+]] = input 0
; CHECK: = mul [[X]], {{%[0-9]+}}
; CHECK: float 0.3333333333333333
; CHECK: = div [[X]], {{%[0-9]+}}
; CHECK: 2 reciprocal - constant-divisors
; CHECK: 0 reciprocal - control-divisors
%0 = input 0
%1 = int 4
%2 = div %0, %1
%3 = float 3.0
%4 = div %0, %3
%5 = float 5e-324
%6 = div %0, %5
%7 = int 1
%8 = div %7, %3
%9 = add %2, %4
%10 = add %9, %6
%11 = add %10, %8
return %11
