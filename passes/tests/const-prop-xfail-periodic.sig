; TODO: a recursion that is constant only from the second sample on
; (y = 1 + 0*y' written with a prefix: prefix(0, 1) is 0 then 1) is not a
; constant; const-prop could still fold 1' (the delayed constant) into a
; prefix(0, 1) form that downstream passes simplify. It does not.
; XFAIL: delayed non-zero constants are not turned into prefix form
; RUN: faustlab opt %s -passes const-prop
; CHECK: prefix
%0 = int 1
%1 = delay1 %0
return %1
