// Every registered analysis, by name (what `print<name>` and `faustlab opt --list` show).

import type { Analysis } from "./analysis.ts";
import { BASIC_ANALYSES } from "./basic.ts";
import { linearityAnalysis } from "./linearity.ts";
import { ltiRegionsAnalysis } from "./lti-regions.ts";
import { transferAnalysis } from "./transfer.ts";
import { scheduleAnalysis } from "./schedule.ts";

export const ANALYSES: readonly Analysis<unknown>[] = [...BASIC_ANALYSES, linearityAnalysis, ltiRegionsAnalysis, transferAnalysis, scheduleAnalysis] as Analysis<unknown>[];

export function analysisByName(name: string): Analysis<unknown> | undefined {
  return ANALYSES.find((a) => a.name === name);
}
