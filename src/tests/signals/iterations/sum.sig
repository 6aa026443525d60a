// iterations/sum.dsp: 1 inputs, 1 outputs
%0 = input 0
%1 = int 5
%2 = delay %0, %1
%3 = add %0, %2
%4 = delay1 %0
%5 = add %3, %4
%6 = int 2
%7 = delay %0, %6
%8 = add %5, %7
%9 = int 3
%10 = delay %0, %9
%11 = add %8, %10
%12 = int 4
%13 = delay %0, %12
%14 = add %11, %13
%15 = output 0, %14
return %15
