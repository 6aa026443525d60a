// Random Faust programs for the evaluator's property tests: a few
// definitions (an abstraction, a constant, a two-parameter function, rules
// with a numeric pattern, a case with structural patterns) whose bodies are
// random expressions over every construct the evaluator handles.

import fc from "fast-check";

export interface ProgramOptions {
  /** Include `letrec` (the reference compiler aborts on some unused letrec variables). */
  readonly letrec?: boolean;
}

function expression(opts: ProgramOptions): fc.Arbitrary<string> {
  return fc.letrec<{ e: string }>((tie) => ({
    e: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constantFrom("_", "!", "+", "*", "-", "mem", "0", "1", "2", "0.5", "3", "-1", "x", "y", "n", "f", "g", "h", "i"),
      fc.tuple(tie("e"), fc.constantFrom(":", ",", "<:", ":>", "~", "+", "*", "/", "%", "@", "<"), tie("e")).map(([a, o, b]) => `(${a} ${o} ${b})`),
      fc.tuple(fc.constantFrom("f", "g", "h", "k", "+", "*", "\\(x).(x)", "\\(x,y).(x-y)"), fc.array(tie("e"), { minLength: 1, maxLength: 3 })).map(([fn, as]) => `${fn}(${as.join(", ")})`),
      fc.tuple(fc.constantFrom("par", "seq", "sum", "prod"), fc.constantFrom("0", "1", "3", "n", "-1", "2.5"), tie("e")).map(([op, n, b]) => `${op}(i, ${n}, ${b})`),
      fc.tuple(tie("e"), tie("e")).map(([b, d]) => `(${b} with { x = ${d}; })`),
      tie("e").map((b) => `hslider("v%i", ${b}, 0, 1, 0.1)`),
      fc.tuple(tie("e"), tie("e")).map(([a, b]) => `route(2, 2, ${a}, ${b})`),
      tie("e").map((b) => `inputs(${b})`),
      tie("e").map((b) => (opts.letrec ? `(${b} letrec { 'x = x + 1; })` : `(${b} : ${b})`)),
      tie("e").map((b) => `environment { x = ${b}; }.x`),
    ),
  })).e;
}

/** A random program text (always defines process). */
export function arbProgram(opts: ProgramOptions = {}): fc.Arbitrary<string> {
  const expr = expression(opts);
  return fc
    .tuple(expr, expr, expr, expr, expr, fc.constantFrom("0", "1", "2", "3", "0.5", "1+1", "_", "-1"), expr, expr)
    .map(([f, g, h, k0, k, n, c1, c2]) =>
      [
        "x = 1; y = 2; i = 0;",
        `n = ${n};`,
        `f(x) = ${f};`,
        `g = ${g};`,
        `h(x, y) = ${h};`,
        `k(0) = ${k0};`,
        `k(m) = ${k};`,
        `c = case { (0) => ${c1}; ((x, y)) => ${c2}; (x:y) => y; (x) => x; };`,
        "process = f(1), g, h(n), k(n), c(n), c((1, 2)), c(+ : *), c(_);",
      ].join("\n") + "\n",
    );
}
