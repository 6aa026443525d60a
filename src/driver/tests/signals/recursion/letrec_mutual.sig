// recursion/letrec_mutual.dsp: 0 inputs, 2 outputs
%0 = proj @r0, 0
%1 = output 0, %0
%2 = float 1.0
%3 = float 0.5
rec @r0(2) {
  %4 = proj @r0, 1
  %5 = delay1 %4
  %6 = add %5, %2
  %7 = delay1 %0
  %8 = mul %7, %3
  yield %6, %8
}
%9 = output 1, %4
return %1, %9
