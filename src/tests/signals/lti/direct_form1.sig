// lti/direct_form1.dsp: 1 inputs, 1 outputs
%0 = proj @r0, 0
%1 = output 0, %0
%2 = input 0
%3 = delay1 %2
%4 = float 0.4
%5 = mul %3, %4
%6 = float 0.6
%7 = int 2
%8 = delay %2, %7
%9 = add %2, %8
%10 = float 0.2
rec @r0(1) {
  %11 = delay1 %0
  %12 = mul %11, %6
  %13 = add %5, %12
  %14 = delay %0, %7
  %15 = sub %9, %14
  %16 = mul %15, %10
  %17 = add %13, %16
  yield %17
}
return %1
