// select/select3_cycle.dsp: 1 inputs, 1 outputs
%0 = proj @r0, 0
%1 = int 0
%2 = eq %0, %1
%3 = int 1
%4 = eq %0, %3
%5 = input 0
%6 = proj @r1, 0
%7 = floatcast %6
%8 = add %5, %7
%9 = float 3.0
%10 = mul %8, %9
%11 = float 2.0
%12 = mul %8, %11
%13 = select2 %4, %10, %12
%14 = select2 %2, %13, %8
%15 = output 0, %14
%16 = int 3
rec @r0(1) {
  %17 = delay1 %0
  %18 = add %17, %3
  %19 = rem %18, %16
  yield %19
}
rec @r1(1) {
  %20 = delay1 %6
  %21 = add %20, %3
  yield %21
}
return %15
