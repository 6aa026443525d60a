// lti/direct_form1.dsp: 1 inputs, 1 outputs
%0 = proj @r0, 0
%1 = output 0, %0
%2 = input 0
%3 = delay1 %2
%4 = float 0.4
%5 = mul %3, %4
%6 = int 2
%7 = delay %2, %6
%8 = float 0.2
%9 = float 0.6
rec @r0(1) {
  %10 = delay %0, %6
  %11 = sub %10, %2
  %12 = sub %11, %7
  %13 = mul %12, %8
  %14 = sub %5, %13
  %15 = delay1 %0
  %16 = mul %15, %9
  %17 = add %14, %16
  yield %17
}
return %1
