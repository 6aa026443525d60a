// Headless Chromium for the tests of what people look at (reports, diagrams):
// Debian's `chromium` (or $CHROMIUM) driven by playwright-core. The new
// headless mode is asked for explicitly: with the old one, Chromium 13x+
// hangs on screenshots.

import fs from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { DiagnosticError, diag } from "../core/diagnostics.ts";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** The browser executable, or undefined when none is installed. */
export function chromiumPath(): string | undefined {
  const env = process.env.CHROMIUM;
  if (env && fs.existsSync(env)) return env;
  return CANDIDATES.find((p) => fs.existsSync(p));
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new DiagnosticError([diag("FL015")]);
  return chromium.launch({ executablePath, args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
}
