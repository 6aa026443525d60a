// The project's root folder (the one holding faustlab's package.json), found
// by walking up from this module, so it holds from the sources and from a
// compiled copy alike.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: string }).name === "faustlab") return dir;
      } catch {
        /* not ours: keep walking */
      }
    }
    if (path.dirname(dir) === dir) return path.resolve(start, "..", "..");
  }
}

/** The project's root folder. */
export const projectRoot: string = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A path under the project's root. */
export function projectPath(...parts: string[]): string {
  return path.join(projectRoot, ...parts);
}
