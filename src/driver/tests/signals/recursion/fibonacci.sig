// recursion/fibonacci.dsp: 1 inputs, 1 outputs
%0 = proj @r0, 0
%1 = output 0, %0
%2 = input 0
rec @r0(2) {
  %3 = delay1 %0
  %4 = add %3, %2
  %5 = proj @r0, 1
  %6 = delay1 %5
  %7 = add %4, %6
  %8 = floatcast %3
  yield %7, %8
}
return %1
