// ui/groups.dsp: 2 inputs, 2 outputs
%0 = float 0.75
%1 = float 0.0
%2 = float 1.0
%3 = float 0.01
%4 = hslider "level", [["h","mixer"],["v","ch2"]], [], %0, %1, %2, %3
%5 = input 1
%6 = mul %4, %5
%7 = float 0.25
%8 = hslider "level", [["h","mixer"],["v","ch1"]], [], %7, %1, %2, %3
%9 = input 0
%10 = mul %8, %9
%11 = add %6, %10
%12 = output 0, %11
%13 = float 3.0
%14 = float 4.0
%15 = hslider "page2/y", [["t","tabs"]], [], %13, %1, %14, %2
%16 = float 2.0
%17 = hslider "page1/x", [["t","tabs"]], [], %16, %1, %14, %2
%18 = add %15, %17
%19 = output 1, %18
return %12, %19
