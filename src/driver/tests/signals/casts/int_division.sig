// casts/int_division.dsp: 0 inputs, 4 outputs
%0 = proj @r0, 0
%1 = int 5
%2 = sub %0, %1
%3 = floatcast %2
%4 = float 0.5
%5 = mul %3, %4
%6 = output 0, %5
%7 = int 1
rec @r0(1) {
  %8 = delay1 %0
  %9 = add %8, %7
  yield %9
}
%10 = intcast %5
%11 = output 1, %10
%12 = float 0.3333333333333333
%13 = mul %3, %12
%14 = output 2, %13
%15 = int -3
%16 = output 3, %15
return %6, %11, %14, %16
