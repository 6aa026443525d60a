; A comb x + x@1000 would be a fir of 1001 taps, 999 of them zero: left
; alone, with a remark; the two taps on sin(x) are revealed.
; RUN: faustlab opt %s -passes fir-reveal -remarks
; CHECK: [[C:%[0-9]+]] = add %0, %{{[0-9]+}}
; CHECK: [[S:%[0-9]+]] = sin %0
; CHECK: [[F:%[0-9]+]] = fir [[S]], [%{{[0-9]+}}, %{{[0-9]+}}]
; CHECK-NEXT: return [[C]], [[F]]
; CHECK: remark FL831: fir-reveal: left 2 taps on input 0 alone: sparse (1001 lags, mostly zero)
; CHECK: remark FL830: fir-reveal: revealed a fir of 2 taps on a sin signal
%0 = input 0
%1 = int 1000
%2 = delay %0, %1
%3 = add %0, %2
%4 = sin %0
%5 = float 0.5
%6 = delay1 %4
%7 = mul %6, %5
%8 = add %4, %7
return %3, %8
