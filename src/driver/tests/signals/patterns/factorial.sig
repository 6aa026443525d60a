// patterns/factorial.dsp: 0 inputs, 3 outputs
%0 = int 120
%1 = output 0, %0
%2 = int 1
%3 = output 1, %2
%4 = int 3628800
%5 = output 2, %4
return %1, %3, %5
