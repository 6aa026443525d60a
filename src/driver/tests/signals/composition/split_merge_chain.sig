// composition/split_merge_chain.dsp: 1 inputs, 2 outputs
%0 = input 0
%1 = float 4.0
%2 = mul %0, %1
%3 = output 0, %2
%4 = output 1, %2
return %3, %4
