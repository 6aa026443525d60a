// delays/variable_slider.dsp: 1 inputs, 2 outputs
%0 = input 0
%1 = output 0, %0
%2 = float 3.0
%3 = float 0.0
%4 = float 20.0
%5 = float 1.0
%6 = hslider "delay", [], [], %2, %3, %4, %5
%7 = intcast %6
%8 = delay %0, %7
%9 = output 1, %8
return %1, %9
