// prefix/prefix_init.dsp: 0 inputs, 2 outputs
%0 = int 10
%1 = proj @r0, 0
%2 = prefix %0, %1
%3 = output 0, %2
%4 = int 1
rec @r0(1) {
  %5 = delay1 %1
  %6 = add %5, %4
  yield %6
}
%7 = int -1
%8 = int 2
%9 = mul %1, %8
%10 = prefix %7, %9
%11 = output 1, %10
return %3, %11
