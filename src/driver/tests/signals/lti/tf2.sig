// lti/tf2.dsp: 1 inputs, 3 outputs
%0 = proj @r0, 0
%1 = delay1 %0
%2 = float 0.4
%3 = mul %1, %2
%4 = int 2
%5 = delay %0, %4
%6 = add %5, %0
%7 = float 0.2
%8 = mul %6, %7
%9 = add %3, %8
%10 = output 0, %9
%11 = float 0.6
%12 = input 0
rec @r0(1) {
  %13 = mul %1, %11
  %14 = add %13, %12
  %15 = mul %5, %7
  %16 = sub %14, %15
  yield %16
}
%17 = proj @r1, 0
%18 = output 1, %17
%19 = delay %12, %4
%20 = delay1 %12
%21 = mul %20, %2
rec @r1(1) {
  %22 = delay1 %17
  %23 = mul %22, %11
  %24 = delay %17, %4
  %25 = sub %24, %12
  %26 = sub %25, %19
  %27 = mul %26, %7
  %28 = sub %23, %27
  %29 = add %28, %21
  yield %29
}
%30 = proj @r2, 0
%31 = output 2, %30
rec @r2(1) {
  %32 = proj @r3, 0
  %33 = floatcast %32
  yield %33
}
rec @r3(1) {
  %34 = delay1 %30
  %35 = sub %34, %20
  %36 = delay1 %35
  %37 = sub %12, %36
  %38 = mul %37, %7
  %39 = delay1 %32
  %40 = mul %39, %11
  %41 = add %38, %40
  %42 = add %41, %21
  yield %42
}
return %10, %18, %31
