// math/trig.dsp: 0 inputs, 3 outputs
%0 = proj @r0, 0
%1 = float 3.25
%2 = sub %0, %1
%3 = sin %2
%4 = output 0, %3
%5 = float 0.25
rec @r0(1) {
  %6 = delay1 %0
  %7 = add %6, %5
  yield %7
}
%8 = cos %2
%9 = output 1, %8
%10 = tan %2
%11 = output 2, %10
return %4, %9, %11
