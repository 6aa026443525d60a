// recursion/decay_multi.dsp: 0 inputs, 3 outputs
%0 = proj @r0, 0
%1 = output 0, %0
%2 = int 1
%3 = delay1 %2
%4 = int -1
%5 = mul %3, %4
%6 = add %5, %2
%7 = floatcast %6
%8 = float 0.9
rec @r0(1) {
  %9 = delay1 %0
  %10 = mul %9, %8
  %11 = add %7, %10
  yield %11
}
%12 = mul %0, %0
%13 = output 1, %12
%14 = output 2, %9
return %1, %13, %14
