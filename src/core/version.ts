// faustlab's version, as package.json states it.

import fs from "node:fs";
import { projectPath } from "./paths.ts";

let cached: string | undefined;

/** faustlab's version (package.json). */
export function faustlabVersion(): string {
  return (cached ??= (JSON.parse(fs.readFileSync(projectPath("package.json"), "utf8")) as { version: string }).version);
}
