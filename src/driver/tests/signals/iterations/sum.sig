// iterations/sum.dsp: 1 inputs, 1 outputs
%0 = input 0
%1 = int 3
%2 = delay %0, %1
%3 = add %0, %2
%4 = int 5
%5 = delay %0, %4
%6 = add %3, %5
%7 = int 2
%8 = delay %0, %7
%9 = add %6, %8
%10 = int 4
%11 = delay %0, %10
%12 = add %9, %11
%13 = delay1 %0
%14 = add %12, %13
%15 = output 0, %14
return %15
