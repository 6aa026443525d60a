// tables/rdtable_sine.dsp: 0 inputs, 1 outputs
%0 = int 16
%1 = proj @r0, 0
%2 = int 1
%3 = sub %1, %2
%4 = floatcast %3
%5 = float 0.39269908169872414
%6 = mul %4, %5
%7 = sin %6
%8 = table %0, %7
%9 = proj @r1, 0
%10 = rdtable %8, %9
%11 = output 0, %10
rec @r0(1) {
  %12 = delay1 %1
  %13 = add %12, %2
  yield %13
}
rec @r1(1) {
  %14 = delay1 %9
  %15 = add %14, %2
  %16 = rem %15, %0
  yield %16
}
return %11
