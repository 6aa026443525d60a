// composition/precedence.dsp: 0 inputs, 2 outputs
%0 = proj @r0, 0
%1 = output 0, %0
%2 = int 3
rec @r0(1) {
  %3 = delay1 %0
  %4 = add %3, %2
  yield %4
}
%5 = int -10
%6 = output 1, %5
return %1, %6
