// Whether dist/ (npm run build) can stand for the sources: it exists and no
// source that went into it (dist/build.json) is newer than the build.
// FAUSTLAB_FROM_SOURCE=1 says no.
import fs from "node:fs";

export function distIsFresh() {
  if (process.env.FAUSTLAB_FROM_SOURCE === "1") return false;
  const root = new URL("../../", import.meta.url);
  let info;
  try {
    info = JSON.parse(fs.readFileSync(new URL("dist/build.json", root), "utf8"));
  } catch {
    return false;
  }
  for (const f of info.inputs) {
    const st = fs.statSync(new URL(f, root), { throwIfNoEntry: false });
    if (!st || st.mtimeMs > info.builtAt) return false;
  }
  return true;
}

/**
 * A worker shim's task module: dist/NAME when dist/ is fresh, else the
 * TypeScript source (a URL) through tsx's loader, registered in this thread.
 */
export async function importTask(name, source) {
  if (distIsFresh()) return import(new URL(`dist/${name}`, new URL("../../", import.meta.url)).href);
  const { register } = await import("tsx/esm/api");
  register();
  return import(source);
}
