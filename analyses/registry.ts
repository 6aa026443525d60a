// Every registered analysis, by name (what `print<name>` and `faustlab opt --list` show).

import type { Analysis } from "./analysis.ts";
import { BASIC_ANALYSES } from "./basic.ts";

export const ANALYSES: readonly Analysis<unknown>[] = [...BASIC_ANALYSES];

export function analysisByName(name: string): Analysis<unknown> | undefined {
  return ANALYSES.find((a) => a.name === name);
}
