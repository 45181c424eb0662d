import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Debian's Chromium; playwright-core never downloads a browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

export const BROWSER_MISSING = "install Debian's chromium to run browser tests (apt-get install -y chromium)";

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * True when Chromium is installed. Without it the browser tests skip, unless
 * FARO_REQUIRE_BROWSER=1 (as in CI), where a missing browser is an error.
 *
 * @example
 * const hasBrowser = browserAvailable();
 * describe.skipIf(!hasBrowser)(browserSuiteName('web chat'), () => { ... });
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.FARO_REQUIRE_BROWSER === '1') throw new Error(`${CHROMIUM} is missing and FARO_REQUIRE_BROWSER=1: ${BROWSER_MISSING}`);
  return false;
}

/** A suite's name that says why it was skipped, so the skip is visible in the report. */
export function browserSuiteName(name: string): string {
  return existsSync(CHROMIUM) ? name : `${name} (skipped: ${BROWSER_MISSING})`;
}

/** Launches headless Chromium; close it in afterAll. */
export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}
