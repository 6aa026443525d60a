// recursion/ramp.dsp: 0 inputs, 1 outputs
%0 = proj @r0, 0
%1 = output 0, %0
%2 = int 1
rec @r0(1) {
  %3 = delay1 %0
  %4 = add %3, %2
  yield %4
}
return %1
