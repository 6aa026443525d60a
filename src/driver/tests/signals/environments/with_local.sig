// environments/with_local.dsp: 0 inputs, 2 outputs
%0 = int 17
%1 = output 0, %0
%2 = int 100
%3 = output 1, %2
return %1, %3
