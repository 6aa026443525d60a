// lti/fir.dsp: 1 inputs, 2 outputs
%0 = input 0
%1 = int 2
%2 = delay %0, %1
%3 = float 6.0
%4 = mul %2, %3
%5 = add %0, %4
%6 = int 4
%7 = delay %0, %6
%8 = add %5, %7
%9 = int 3
%10 = delay %0, %9
%11 = delay1 %0
%12 = add %10, %11
%13 = float 4.0
%14 = mul %12, %13
%15 = add %8, %14
%16 = float 0.0625
%17 = mul %15, %16
%18 = output 0, %17
%19 = output 1, %17
return %18, %19
