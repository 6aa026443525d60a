// Invariants of faustlab itself. A broken one is a bug of ours, never a fault of
// the user's input: the command line reports it as FL005 (internal error, exit 3),
// while input errors are DiagnosticErrors with a catalog code of their own.

/** A broken invariant of faustlab (a bug to report), as opposed to a located diagnostic about the input. */
export class InternalError extends Error {
  override readonly name = "InternalError";
}

/** The end of every exhaustive `switch` over a discriminated union: unreachable when the types are right. */
export function assertNever(x: never): never {
  throw new InternalError(`unexpected value: ${JSON.stringify(x) ?? String(x)}`);
}
