// Diagnostics: one catalog of stable codes, a span-carrying diagnostic shape,
// and a renderer that prints `file:line:col: severity CODE: message` followed by
// the source line and a caret. Remarks from passes use the same shape.

export type Severity = "error" | "warning" | "note" | "remark";

/** A source text with a path, shared by every span into it. */
export class SourceFile {
  private lineStarts: number[] | undefined;
  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  /** 0-based line and column (in UTF-16 units) of an offset. */
  position(offset: number): { line: number; col: number } {
    const starts = this.starts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, col: offset - starts[lo]! };
  }

  /** The text of a 0-based line, without its terminator. */
  lineText(line: number): string {
    const starts = this.starts();
    const s = starts[line] ?? this.text.length;
    let e = starts[line + 1] ?? this.text.length;
    while (e > s && (this.text[e - 1] === "\n" || this.text[e - 1] === "\r")) e--;
    return this.text.slice(s, e);
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const t = this.text;
      for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) === 10) starts.push(i + 1);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }
}

/** A half-open range [start, end) of offsets into a source file. */
export interface Span {
  readonly file: SourceFile;
  readonly start: number;
  readonly end: number;
}

export interface CatalogEntry {
  readonly severity: Severity;
  /** Message template; `{name}` is replaced by the argument of that name. */
  readonly template: string;
}

/**
 * The catalog. Codes are stable: never renumber, never reuse a retired code.
 * FL0xx driver and I/O, FL1xx lexer, FL2xx parser, FL3xx imports and files,
 * FL4xx evaluation, FL5xx propagation and typing, FL6xx backends,
 * FL7xx pass manager, FL8xx remarks of passes, FL9xx reference compiler.
 */
export const catalog = {
  FL001: { severity: "error", template: "cannot read file '{path}': {reason}" },
  FL002: { severity: "error", template: "unknown command '{command}'; try 'faustlab help'" },
  FL003: { severity: "error", template: "unknown option '{option}'; try 'faustlab help'" },
  FL004: { severity: "error", template: "cannot write '{path}': {reason}" },
  FL005: { severity: "error", template: "internal error: {detail}" },
  // FL006–FL019 the command line (src/cli/cliargs.ts and the commands)
  FL006: { severity: "error", template: "option '-{option}' takes no value" },
  FL007: { severity: "error", template: "option '-{option}' needs a value" },
  FL008: { severity: "error", template: "option '-{option}' needs {expected}, not '{value}'" },
  FL009: { severity: "error", template: "option '-{option}' must be at least {min}, not {value}" },
  FL010: { severity: "error", template: "'{command}' takes {expected}" },
  FL011: { severity: "error", template: "give either {a} or {b}, not both" },
  FL012: { severity: "error", template: "{option} applies only {when}" },
  FL013: { severity: "error", template: "-lang wasm writes a binary module: give -o FILE.wasm (its JSON goes beside it)" },
  FL014: { severity: "error", template: "{what} '{path}' cannot be used: {reason}" },
  FL015: { severity: "error", template: "no Chromium found: install Debian's chromium package (.ci/run does) or set CHROMIUM" },
  FL016: { severity: "error", template: "the Faust libraries of @grame/faustwasm cannot be unpacked: {reason}" },
  FL017: { severity: "error", template: "no library test named '{name}' (faustlab libtests lists them)" },
  FL018: { severity: "error", template: "-cn '{name}' cannot name the generated class: it is {problem}" },
  // FL030–FL039 experiments (src/harness/experiment, reports/experiment-report.ts): specs, runs, result folders
  FL030: { severity: "error", template: "experiment spec: {detail}" },
  FL031: { severity: "error", template: "experiment spec: no program matches '{pattern}'" },
  FL032: { severity: "error", template: "the run took longer than its limit of {seconds} s and was stopped" },
  FL033: { severity: "error", template: "the run's worker died: {detail}" },
  FL034: { severity: "error", template: "results folder '{dir}': {detail}" },
  FL035: { severity: "error", template: "cannot read stimulus '{path}': {reason}" },
  // FL1xx lexer (src/chain/frontend/lexer.ts)
  FL101: { severity: "error", template: "unterminated string: missing closing '\"'" },
  FL102: { severity: "warning", template: "unterminated comment: '/*' is never closed" },
  FL103: { severity: "error", template: "unexpected character {char}" },
  FL104: { severity: "error", template: "unterminated documentation block: '<mdoc>' is never closed" },
  // FL2xx parser (src/chain/frontend/parser.ts)
  FL201: { severity: "error", template: "syntax error: expected {expected}, found {found}" },
  FL202: { severity: "error", template: "syntax error: unexpected {found} {where}" },
  FL203: { severity: "error", template: "unclosed '{open}': expected '{close}', found {found}" },
  FL204: { severity: "error", template: "nesting too deep: more than {limit} levels of brackets or nested constructs" },
  FL205: { severity: "error", template: "expression too deep: more than {limit} nested levels of boxes (the parser's maxBoxDepth limit; an infix operator adds two levels)" },
  FL206: { severity: "error", template: "too many errors in this file; stopping after {count}" },
  // FL3xx imports and files (src/chain/frontend/imports.ts)
  FL301: { severity: "error", template: "cannot find imported file '{name}' (searched: {searched})" },
  FL302: { severity: "warning", template: "import cycle: '{name}' is already being imported ({cycle}); ignored" },
  FL303: { severity: "error", template: "cannot read imported file '{path}': {reason}" },
  FL304: { severity: "error", template: "import of '{name}' refused: {reason}" },
  FL305: { severity: "error", template: "no standard library file '{name}'" },
  // FL4xx evaluation (src/eval: environments, application, pattern matching, constants, arity)
  FL401: { severity: "error", template: "undefined symbol : {name}{hint}" },
  FL402: { severity: "error", template: "endless evaluation cycle: the value of '{name}' depends on itself (use '~' or letrec for a recursive signal)" },
  FL403: { severity: "error", template: "evaluation too deep: {detail} (endless recursion?)" },
  FL404: { severity: "error", template: "evaluation too long: more than {limit} evaluation steps" },
  FL405: { severity: "error", template: "not a constant expression of type (0->1): {detail}" },
  FL406: { severity: "error", template: "division by 0 in {expr}" },
  FL407: { severity: "error", template: "too much arguments : {given}, instead of : {expected} when applying {fn}" },
  FL408: { severity: "error", template: "pattern matching failed: no rule of '{name}' matches the arguments ({args})" },
  FL409: { severity: "error", template: "in the definition of {name}: inconsistent number of parameters in pattern-matching rule: {count} here, {previous} in the previous rule" },
  FL410: { severity: "error", template: "multiple definitions of symbol '{name}'" },
  FL411: { severity: "error", template: "redefinition of symbols are not allowed : {name} (already defined in {file})" },
  FL412: { severity: "error", template: "sequential composition A:B | The number of outputs [{outs}] of A must be equal to the number of inputs [{ins}] of B" },
  FL413: { severity: "error", template: "split composition A<:B | The number of outputs [{outs}] of A must be a divisor of the number of inputs [{ins}] of B" },
  FL414: { severity: "error", template: "merge composition A:>B | The number of outputs [{outs}] of A must be a multiple of the number of inputs [{ins}] of B" },
  FL415: { severity: "error", template: "recursive composition A~B | {detail}" },
  FL416: { severity: "error", template: "invalid route expression, parameters should be numbers: {detail}" },
  FL417: { severity: "error", template: "no environment to access: {what} is not an environment" },
  FL418: { severity: "error", template: "an environment can't be used as {what}" },
  FL419: { severity: "error", template: "unsupported construct in evaluation: {detail}" },
  // FL420 is retired (negative iteration counts are accepted, as the reference does)
  FL420: { severity: "error", template: "invalid iteration count {count} in {op}(): must be a non-negative integer" },
  FL421: { severity: "error", template: "invalid label '{label}': {detail}" },
  FL424: { severity: "error", template: "init = {init} outside of [{min} {max}] range in '{widget}'" },
  FL425: { severity: "error", template: "min = {min} should be less than max = {max} in '{widget}'" },
  FL423: { severity: "error", template: "in seq() expressions, the iterated function must have the same number of inputs and outputs: here {body} has {ins} inputs and {outs} outputs" },
  // FL430–FL431 arity of fad/rad (src/chain/eval/arity.ts)
  FL430: { severity: "error", template: "{mode}(A, S) | the seed S must have at least one output, it has {outs}: there is nothing to differentiate with respect to" },
  FL431: { severity: "error", template: "rad(A, S) | the body A must have at least one output to differentiate, it has {outs}" },
  FL422: { severity: "error", template: "invalid modulation circuit, should have no more than 2 inputs and exactly 1 output: '{circuit}' has type ({ins}->{outs})" },
  // FL560–FL589 signal IR (src/signals: constructors, text parser, verifier, evaluator)
  FL560: { severity: "error", template: "signal IR syntax error: {detail}" },
  FL561: { severity: "error", template: "signal IR: undefined value {name}" },
  FL562: { severity: "error", template: "recursion group @{name} is defined twice with different bodies" },
  FL563: { severity: "error", template: "recursion group @{name} has {expected} signals, not {actual}" },
  FL570: { severity: "error", template: "ill-formed signal {node}: {detail}" },
  FL571: { severity: "error", template: "signal {node} is on an instantaneous cycle: a recursion must go through a one-sample delay" },
  FL572: { severity: "error", template: "recursion group @{name} is used but its bodies are never defined" },
  FL573: { severity: "error", template: "cannot evaluate signal {node}: {detail}" },
  FL501: { severity: "error", template: "cannot propagate a '{kind}' box: {detail}" },
  FL502: { severity: "error", template: "the program has no output signal" },
  // FL550–FL559 automatic differentiation at propagation (src/chain/propagate/autodiff.ts)
  FL550: { severity: "error", template: "rad: cannot differentiate {what} in reverse mode: {reason}" },
  FL551: { severity: "error", template: "rad: the body keeps state and needs a tape of {need} samples per signal, more than the limit of {limit}" },
  FL552: { severity: "remark", template: "{mode}: the derivative of {what}: {reason}" },
  FL553: {
    severity: "error",
    template: "rad: the gradient {node} of a body with state feeds back into that body; its block-local reverse sweep needs the whole block's forward pass first (use fad, whose tangents are causal)",
  },
  // FL520–FL549 normalization and interval analysis (src/chain/normalize): Faust's folding errors and delay/table checks
  FL520: { severity: "error", template: "division by 0 in {expr}" },
  FL521: { severity: "error", template: "% by 0 in {expr}" },
  FL522: { severity: "error", template: "remainder by 0 in {expr}" },
  FL523: { severity: "error", template: "out of domain in {expr}" },
  FL530: { severity: "error", template: "possible negative values of {amount}, used in delay expression {x}: interval {interval}" },
  // FL531 is Faust's main-branch message for an unbounded delay amount; not emitted: like Faust 2.88, amounts are int-cast first
  FL531: { severity: "error", template: "can't compute the min and max values of {amount}, used in delay expression {x} (probably a recursive signal)" },
  FL532: { severity: "error", template: "delay of up to {max} samples in delay expression {x} exceeds the limit of {limit} samples" },
  FL533: { severity: "error", template: "table size {size} should be > 0 and at most {limit}" },
  // FL600–FL619 FIR and the backends (src/chain/codegen, src/chain/backends)
  FL600: { severity: "error", template: "cannot generate code for {what}: {detail}" },
  FL601: { severity: "error", template: "ill-formed FIR in {where}: {detail}" },
  FL602: { severity: "error", template: "unknown target language '{lang}' (expected {expected})" },
  FL603: { severity: "error", template: "foreign {what} '{name}' is not available to generated code: the backends know {known} (those the standard libraries use, as Faust's wasm and JS targets)" },
  // FL610–FL612 building and running the C/C++ backends' output (src/chain/backends/native.ts)
  FL610: { severity: "error", template: "no {lang} compiler: cannot run '{compiler}' ({reason}); set {env} to a {lang} compiler" },
  FL611: { severity: "error", template: "the generated {lang} code did not compile with '{compiler}': {detail}" },
  FL612: { severity: "error", template: "the compiled {lang} program failed: {detail}" },
  // FL613 the wasm backend's module rejected by WebAssembly validation (src/chain/backends/wasm.ts)
  FL613: { severity: "error", template: "the generated wasm module is invalid: {detail}" },
  // FL700–FL719 the pass manager (passes/): pipelines, options, verification
  FL700: { severity: "error", template: "pipeline syntax error: {detail}" },
  FL701: { severity: "error", template: "unknown pass or pipeline '{name}'{hint}" },
  FL702: { severity: "error", template: "pass '{pass}' has no option '{option}' (options: {known})" },
  FL703: { severity: "error", template: "bad value '{value}' for option '{option}' of '{pass}': expected {expected}" },
  FL704: { severity: "error", template: "option '{option}' of '{pass}' is given twice" },
  FL705: { severity: "error", template: "pass '{pass}' broke the signal graph: {detail}" },
  FL706: { severity: "error", template: "unknown analysis '{name}' (analyses: {known})" },
  FL707: { severity: "error", template: "pass '{pass}' failed: {detail}" },
  // FL720–FL729 passes loaded from a file (-load-pass, src/driver/load-pass.ts) and property tests of pipelines (proptest)
  FL720: { severity: "error", template: "cannot load pass module '{path}': {reason}" },
  FL721: { severity: "error", template: "pass module '{path}' exports no pass (export passes made with definePass)" },
  FL722: { severity: "error", template: "'{name}' exported by '{path}' is not a pass: {detail}" },
  FL723: { severity: "error", template: "pass '{name}' from '{path}' is already registered{where}" },
  FL724: { severity: "error", template: "proptest: pipeline '{pipeline}' broke the semantic property after {runs} runs (seed {seed}); shrunk counterexample below" },
  // FL800–FL899 remarks of passes (what a pass did, or why it did not).
  // FL800 is the one free-form code, for passes loaded from a file (-load-pass): faustlab's own passes each have theirs.
  FL800: { severity: "remark", template: "{pass}: {message}" },
  // FL801–FL809 const-prop, dce, cse
  FL801: { severity: "remark", template: "{pass}: recursion {group}: {constants}{whole}" },
  FL802: { severity: "remark", template: "{pass}: {kind} with a constant nonzero condition removed" },
  FL803: { severity: "remark", template: "{pass}: recursion {group}: {signals} of {arity} never read: removed" },
  FL804: { severity: "remark", template: "{pass}: {count} of signals without effect removed" },
  FL805: { severity: "remark", template: "{pass}: merging recursions would create an instantaneous cycle: ran with groups=false" },
  FL806: { severity: "remark", template: "{pass}: recursions not compared: the refinement would exceed its budget of {budget} node visits (ran with groups=false)" },
  FL807: { severity: "remark", template: "{pass}: recursions {groups} compute the same signals up to renaming: merged into one group" },
  FL808: { severity: "remark", template: "{pass}: recursion {group}: {count} of its {arity} signals equal others up to renaming: merged" },
  // FL810–FL812 linearity and transfer functions (analyses/linearity.ts, lti-regions.ts, transfer.ts; pass tf-reconstruct)
  FL810: { severity: "remark", template: "{pass}: not LTI: {reason} ({node})" },
  FL811: { severity: "remark", template: "{pass}: {kind} region of {nodes} nodes from {from} to {to}: {what}" },
  FL812: { severity: "remark", template: "{pass}: {kind} region of {nodes} nodes: no transfer function: {reason}" },
  FL813: { severity: "remark", template: "{pass}: LTV ({rate} rate): {reason} ({node})" },
  // FL820–FL825 second-order sections and their realization (passes biquad-factor, realize)
  FL820: { severity: "remark", template: "{pass}: region of {nodes} nodes from {from} to {to}: {what}" },
  FL821: { severity: "remark", template: "{pass}: region of {nodes} nodes left alone: {reason}" },
  FL822: { severity: "remark", template: "{pass}: {cascade}: {sections} as {structures} ({estimate}; direct form I: {df1})" },
  FL823: { severity: "remark", template: "{pass}: {cascade}: section {index}: {reason}" },
  FL824: { severity: "remark", template: "{pass}: the program is compiled in double precision: its filters keep their structure (precisions=all factors them too)" },
  FL825: { severity: "remark", template: "{pass}: region of {nodes} nodes from {from}: {to} kept as written: {reason}" },
  // FL830–FL834 filters revealed in the graph (passes fir-reveal, iir-reveal)
  FL830: { severity: "remark", template: "{pass}: revealed a fir of {taps} taps on {base}" },
  FL831: { severity: "remark", template: "{pass}: left {taps} taps on {base} alone: sparse ({lags} lags, mostly zero)" },
  FL832: { severity: "remark", template: "{pass}: no sum of delayed copies of one signal with constant gains" },
  FL833: { severity: "remark", template: "{pass}: recursion {group} is an iir of order {order}" },
  FL834: { severity: "remark", template: "{pass}: recursion {group} kept: {reason}" },
  FL901: { severity: "error", template: "the reference compiler rejected the program: {message}" },
  FL902: { severity: "error", template: "the reference could not render the program: {message}" },
} as const satisfies Record<string, CatalogEntry>;

export type Code = keyof typeof catalog;

export interface RelatedInfo {
  readonly span: Span;
  readonly message: string;
}

export interface Diagnostic {
  readonly code: Code;
  readonly severity: Severity;
  readonly message: string;
  readonly span?: Span;
  readonly related: readonly RelatedInfo[];
}

/** The names of a template's `{name}` placeholders, as a union of string literals. */
type Placeholders<T extends string> = T extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

/** The arguments a code's template needs: each placeholder, exactly (a missing or misspelt one is a type error). */
export type ArgsOf<C extends Code> = { readonly [K in Placeholders<(typeof catalog)[C]["template"]>]: string | number };

/** Builds a diagnostic from the catalog, filling the template from `args`. */
export function diag<C extends Code>(
  code: C,
  ...rest: [Placeholders<(typeof catalog)[C]["template"]>] extends [never]
    ? [args?: Record<string, never>, span?: Span, related?: readonly RelatedInfo[]]
    : [args: ArgsOf<C>, span?: Span, related?: readonly RelatedInfo[]]
): Diagnostic {
  const [args = {}, span, related = []] = rest as [Record<string, string | number>?, Span?, (readonly RelatedInfo[])?];
  return diagOf(code, args, span, related);
}

/** `diag` for wrappers generic in the code: they type their `args` as `ArgsOf<C>` and pass them on here. */
export function diagOf(
  code: Code,
  args: Readonly<Record<string, string | number>>,
  span?: Span,
  related: readonly RelatedInfo[] = [],
): Diagnostic {
  const entry: CatalogEntry = catalog[code];
  const message = entry.template.replace(/\{(\w+)\}/g, (_, name: string) =>
    name in args ? String(args[name]) : `{${name}}`,
  );
  return { code, severity: entry.severity, message, span, related };
}

/** An exception that carries diagnostics to the driver, which prints them and exits 1. */
export class DiagnosticError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join("; "));
  }
}

function location(span: Span): string {
  const p = span.file.position(span.start);
  return `${span.file.path}:${p.line + 1}:${p.col + 1}`;
}

/** The one-line header: `file:line:col: error CODE: message`. */
export function headline(d: Diagnostic): string {
  const where = d.span ? `${location(d.span)}: ` : "faustlab: ";
  return `${where}${d.severity} ${d.code}: ${d.message}`;
}

function snippet(span: Span, indent: string): string[] {
  const p = span.file.position(span.start);
  const line = span.file.lineText(p.line).replace(/\t/g, " ");
  const endPos = span.file.position(Math.max(span.start, span.end - 1));
  const width = endPos.line === p.line ? Math.max(1, span.end - span.start) : Math.max(1, line.length - p.col);
  return [`${indent}${line}`, `${indent}${" ".repeat(p.col)}${"^".repeat(Math.min(width, Math.max(1, line.length - p.col)))}`];
}

/** Full rendering: headline, source line with caret, and related locations. */
export function render(d: Diagnostic, opts: { snippet?: boolean } = {}): string {
  const lines = [headline(d)];
  const withSnippet = opts.snippet ?? true;
  if (d.span && withSnippet) lines.push(...snippet(d.span, "    "));
  for (const r of d.related) {
    lines.push(`${location(r.span)}: note: ${r.message}`);
    if (withSnippet) lines.push(...snippet(r.span, "    "));
  }
  return lines.join("\n");
}
