; Pipelines print back in canonical form: no spaces, options in declaration
; order, the positional option bare, named pipelines by their name.
; RUN: faustlab opt --print-pipeline -passes ' normalize , print < analysis = types > ,O1'
; CHECK: {{^}}normalize,print<types>,O1{{$}}
; CHECK-NOT: {{.}}
; RUN: faustlab opt --print-pipeline -passes 'print<graph>,O0,print' --check-prefix=SAME
; SAME: {{^}}print<graph>,O0,print{{$}}
; The empty pipeline prints as an empty line:
; RUN: faustlab opt --print-pipeline -passes '' --check-prefix=NONE
; NONE: {{^$}}
; NONE-NOT: {{.}}
;
; With a file, the pipeline is the last line, after the graph:
; RUN: faustlab opt %s --print-pipeline -O --check-prefix=FILE
; FILE: return [[R:%[0-9]+]]
; FILE-NEXT: {{^}}O1{{$}}
; FILE-NOT: {{.}}
;
; Errors point into the pipeline text:
; RUN: not faustlab opt --print-pipeline -passes 'normalize,,print' --check-prefix=SYNTAX
; SYNTAX: <pipeline>:1:11: error FL700: pipeline syntax error: expected a pass name, found ','
; SYNTAX-NEXT: {{^    normalize,,print$}}
; SYNTAX-NEXT: {{^              \^$}}
; RUN: not faustlab opt %s -passes 'normalise' --check-prefix=UNKNOWN
; UNKNOWN: <pipeline>:1:1: error FL701: unknown pass or pipeline 'normalise'; did you mean 'normalize'?
; UNKNOWN-NEXT: normalise
; UNKNOWN-NEXT: {{^    \^{9}$}}
; RUN: not faustlab opt %s -passes 'print<color=red>' --check-prefix=OPTION
; OPTION: <pipeline>:1:7: error FL702: pass 'print' has no option 'color' (options: analysis)
; (FL703, a bad option value, is in pipeline.test.ts: its message lists every analysis, which would churn this snapshot)
; RUN: not faustlab opt %s -passes 'print<types;analysis=uses>' --check-prefix=TWICE
; TWICE: <pipeline>:1:13: error FL704: option 'analysis' of 'print' is given twice
%0 = input 0
%1 = float 0.5
%2 = mul %0, %1
return %2
