; Constant chains become one delay: (x@1)@1 = x@2, (x@3)@1 = x@4, and the
; second read of x at 4 samples is then the same node.
; RUN: faustlab opt %s -passes delay-merge -stats
; CHECK: [[X:%[0-9]+]] = input 0
; CHECK-NEXT: [[TWO:%[0-9]+]] = int 2
; CHECK-NEXT: [[A:%[0-9]+]] = delay [[X]], [[TWO]]
; CHECK-NEXT: [[FOUR:%[0-9]+]] = int 4
; CHECK-NEXT: [[B:%[0-9]+]] = delay [[X]], [[FOUR]]
; CHECK-NEXT: return [[A]], [[B]], [[B]]
; CHECK: 2 delay-merge - chains-merged
; CHECK: 2 delay-merge - lines-merged
%0 = input 0
%1 = delay1 %0
%2 = delay1 %1
%3 = int 3
%4 = delay %0, %3
%5 = delay1 %4
%6 = int 4
%7 = delay %0, %6
return %2, %5, %7
