// delays/fixed.dsp: 1 inputs, 4 outputs
%0 = input 0
%1 = output 0, %0
%2 = delay1 %0
%3 = output 1, %2
%4 = int 5
%5 = delay %0, %4
%6 = output 2, %5
%7 = int 10
%8 = delay %0, %7
%9 = output 3, %8
return %1, %3, %6, %9
