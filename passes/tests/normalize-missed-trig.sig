; A TODO that marks what normalize does not do: the identity
; sin(x)^2 + cos(x)^2 = 1 (exact for reals, within rounding in floating point,
; so a pass doing it would declare a tolerance).
; XFAIL: no pass knows trigonometric identities yet
; RUN: faustlab opt %s -passes normalize
; CHECK: [[ONE:%[0-9]+]] = float 1.0
; CHECK-NEXT: return [[ONE]]
%0 = input 0
%1 = sin %0
%2 = cos %0
%3 = mul %1, %1
%4 = mul %2, %2
%5 = add %3, %4
return %5
