// lti/tf2.dsp: 1 inputs, 3 outputs
%0 = proj @r0, 0
%1 = delay1 %0
%2 = float 0.4
%3 = mul %1, %2
%4 = int 2
%5 = delay %0, %4
%6 = add %0, %5
%7 = float 0.2
%8 = mul %6, %7
%9 = add %3, %8
%10 = output 0, %9
%11 = input 0
%12 = float 0.6
rec @r0(1) {
  %13 = mul %1, %12
  %14 = add %11, %13
  %15 = mul %5, %7
  %16 = sub %14, %15
  yield %16
}
%17 = proj @r1, 0
%18 = output 1, %17
%19 = delay1 %11
%20 = mul %19, %2
%21 = delay %11, %4
%22 = add %11, %21
rec @r1(1) {
  %23 = delay1 %17
  %24 = mul %23, %12
  %25 = add %20, %24
  %26 = delay %17, %4
  %27 = sub %22, %26
  %28 = mul %27, %7
  %29 = add %25, %28
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
  %34 = delay1 %32
  %35 = mul %34, %12
  %36 = add %20, %35
  %37 = delay1 %30
  %38 = sub %19, %37
  %39 = delay1 %38
  %40 = add %11, %39
  %41 = mul %40, %7
  %42 = add %36, %41
  yield %42
}
return %10, %18, %31
