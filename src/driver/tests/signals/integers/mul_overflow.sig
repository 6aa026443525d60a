// integers/mul_overflow.dsp: 0 inputs, 1 outputs
%0 = proj @r0, 0
%1 = output 0, %0
%2 = int 7
%3 = int 1
%4 = delay1 %3
rec @r0(1) {
  %5 = delay1 %0
  %6 = mul %5, %2
  %7 = sub %6, %4
  %8 = add %7, %3
  yield %8
}
return %1
