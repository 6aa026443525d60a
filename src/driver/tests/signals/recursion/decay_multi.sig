// recursion/decay_multi.dsp: 0 inputs, 3 outputs
%0 = proj @r0, 0
%1 = output 0, %0
%2 = float 0.9
%3 = int 1
%4 = delay1 %3
%5 = int -1
%6 = mul %4, %5
%7 = add %6, %3
%8 = floatcast %7
rec @r0(1) {
  %9 = delay1 %0
  %10 = mul %9, %2
  %11 = add %10, %8
  yield %11
}
%12 = mul %0, %0
%13 = output 1, %12
%14 = output 2, %9
return %1, %13, %14
