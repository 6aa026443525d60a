; What the manager reports on stderr (after the graph on stdout).
; -time-passes: one line per pass (milliseconds, share, the pass's text), then the total.
; RUN: faustlab opt %s -passes 'normalize,print<stats>' -time-passes -disable-output
; CHECK: nodes: 3
; CHECK-NEXT: recursion groups: 0
; CHECK: {{^ *[0-9]+\.[0-9]{3} ms +[0-9]+\.[0-9]%}}  normalize{{$}}
; CHECK-NEXT: {{^ *[0-9]+\.[0-9]{3} ms +[0-9]+\.[0-9]%}}  print<stats>{{$}}
; CHECK-NEXT: {{^ *[0-9]+\.[0-9]{3} ms}} 100.0%  total{{$}}
;
; -stats: LLVM's shape, `VALUE PASS - COUNTER`, values right-aligned; a run without counters says so.
; RUN: faustlab opt %s -passes 'normalize' -stats --check-prefix=STATS
; STATS: return
; STATS-NEXT: {{^}}5 normalize - nodes-before{{$}}
; STATS-NEXT: {{^}}3 normalize - nodes-after{{$}}
; RUN: faustlab opt %s -passes 'print<types>' -stats -disable-output --check-prefix=NOSTATS
; NOSTATS: {{^}}no statistics{{$}}
;
; -print-after-all: the graph after every pass except the print passes, on stderr.
; RUN: faustlab opt %s -passes 'normalize,print<uses>,normalize' -print-after-all -disable-output --check-prefix=AFTER
; AFTER: {{^}}%0: 1
; AFTER-LABEL: ; *** signal graph after normalize ***
; AFTER-NEXT: {{^}}%0 = input 0
; AFTER: return
; AFTER-NOT: print<uses>
; AFTER-LABEL: ; *** signal graph after normalize ***
; AFTER-NEXT: {{^}}%0 = input 0
; AFTER: return
;
; -remarks: normalize explains nothing, so nothing is printed.
; RUN: faustlab opt %s -passes 'normalize' -remarks -disable-output --check-prefix=REMARKS
; REMARKS: {{^$}}
; REMARKS-NOT: {{.}}
%0 = input 0
%1 = float 0.5
%2 = float 3.0
%3 = mul %1, %2
%4 = mul %0, %3
return %4
