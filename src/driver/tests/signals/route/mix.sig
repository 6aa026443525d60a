// route/mix.dsp: 3 inputs, 2 outputs
%0 = input 1
%1 = float 10.0
%2 = mul %0, %1
%3 = input 0
%4 = add %2, %3
%5 = output 0, %4
%6 = input 2
%7 = float 100.0
%8 = mul %6, %7
%9 = output 1, %8
return %5, %9
